package dev.vigil.alerts;

import dev.vigil.AlertSink;
import dev.vigil.testing.AlertSinkContract;
import java.time.Duration;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.junit5.StartStop;

/** {@link AlertmanagerSink} keeps the {@link AlertSinkContract}. */
class AlertmanagerSinkContractTest extends AlertSinkContract {
  @StartStop final MockWebServer server = new MockWebServer();
  private int accepted;

  @Override
  protected AlertSink newSink() {
    return AlertmanagerSink.builder()
        .instances(server.url("/").toString())
        .http(HttpSettings.builder().maxRetryAfter(Duration.ZERO).build())
        .build();
  }

  @Override
  protected void nextDelivery(Outcome outcome) {
    int code =
        switch (outcome) {
          case ACCEPT -> 200;
          case TRANSIENT -> 500;
          case PERMANENT -> 400;
        };
    if (code == 200) accepted++;
    server.enqueue(new MockResponse.Builder().code(code).build());
  }

  @Override
  protected int accepted() {
    return accepted;
  }
}
