package dev.vigil.alerts;

import dev.vigil.AlertSink;
import dev.vigil.testing.AlertSinkContract;
import java.util.Set;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.junit5.StartStop;

/** {@link WebhookAlertSink} keeps the {@link AlertSinkContract}. */
class WebhookAlertSinkContractTest extends AlertSinkContract {
  @StartStop final MockWebServer server = new MockWebServer();
  private int accepted;

  @Override
  protected AlertSink newSink() {
    return WebhookAlertSink.builder()
        .url(server.url("/hook?token=query-secret-123").toString())
        .header("Authorization", "Bearer header-secret-456")
        .signingSecret("signing-secret-7890abcdef")
        .http(HttpSettings.builder().maxRetryAfter(java.time.Duration.ZERO).build())
        .build();
  }

  @Override
  protected void nextDelivery(Outcome outcome) {
    int code =
        switch (outcome) {
          case ACCEPT -> 200;
          case TRANSIENT -> 503;
          case PERMANENT -> 400;
        };
    if (code == 200) accepted++;
    // The body echoes what a careless receiver might: the secrets.
    server.enqueue(
        new MockResponse.Builder()
            .code(code)
            .body("token=query-secret-123 auth=Bearer header-secret-456")
            .build());
  }

  @Override
  protected int accepted() {
    return accepted;
  }

  @Override
  protected Set<String> secrets() {
    return Set.of("query-secret-123", "header-secret-456", "signing-secret-7890abcdef");
  }
}
