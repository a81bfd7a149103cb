package dev.vigil.alerts;

import dev.vigil.AlertSink;
import dev.vigil.testing.AlertSinkContract;
import java.time.Duration;
import java.util.Set;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.junit5.StartStop;
import org.junit.jupiter.api.Nested;

/**
 * {@link SlackAlertSink}, {@link TeamsAlertSink} and {@link PagerDutyAlertSink} keep the contract.
 */
class ChatSinksContractTest {
  private static final HttpSettings NO_WAIT =
      HttpSettings.builder().maxRetryAfter(Duration.ZERO).build();

  /** A MockWebServer receiver whose answers the contract chooses. */
  abstract static class HttpReceiverContract extends AlertSinkContract {
    @StartStop final MockWebServer server = new MockWebServer();
    private int accepted;

    abstract int okStatus();

    abstract int permanentStatus();

    @Override
    protected void nextDelivery(Outcome outcome) {
      int code =
          switch (outcome) {
            case ACCEPT -> okStatus();
            case TRANSIENT -> 429;
            case PERMANENT -> permanentStatus();
          };
      if (outcome == Outcome.ACCEPT) accepted++;
      server.enqueue(
          new MockResponse.Builder()
              .code(code)
              .body("no such hook /services/T0/B0/XyZsecret42")
              .build());
    }

    @Override
    protected int accepted() {
      return accepted;
    }
  }

  @Nested
  class Slack extends HttpReceiverContract {
    @Override
    protected AlertSink newSink() {
      return SlackAlertSink.builder()
          .webhookUrl(server.url("/services/T0/B0/XyZsecret42").toString())
          .http(NO_WAIT)
          .build();
    }

    @Override
    int okStatus() {
      return 200;
    }

    @Override
    int permanentStatus() {
      return 404; // channel_not_found
    }

    @Override
    protected Set<String> secrets() {
      return Set.of("XyZsecret42");
    }
  }

  @Nested
  class Teams extends HttpReceiverContract {
    @Override
    protected AlertSink newSink() {
      return TeamsAlertSink.builder()
          .webhookUrl(
              server.url("/workflows/abc/triggers/manual/paths/invoke?sig=XyZsecret42").toString())
          .http(NO_WAIT)
          .build();
    }

    @Override
    int okStatus() {
      return 202;
    }

    @Override
    int permanentStatus() {
      return 400;
    }

    @Override
    protected Set<String> secrets() {
      return Set.of("XyZsecret42");
    }
  }

  @Nested
  class PagerDuty extends HttpReceiverContract {
    @Override
    protected AlertSink newSink() {
      return PagerDutyAlertSink.builder()
          .routingKey("R0UT1NGKEYsecret42")
          .url(server.url("/v2/enqueue").toString())
          .http(NO_WAIT)
          .build();
    }

    @Override
    int okStatus() {
      return 202;
    }

    @Override
    int permanentStatus() {
      return 400;
    }

    @Override
    protected Set<String> secrets() {
      return Set.of("R0UT1NGKEYsecret42");
    }
  }
}
