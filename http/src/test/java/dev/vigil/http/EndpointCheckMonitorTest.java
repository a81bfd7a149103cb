package dev.vigil.http;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vigil.AlertNotification;
import dev.vigil.AlertRule;
import dev.vigil.ResourceMonitor;
import dev.vigil.Schedule;
import dev.vigil.testing.RecordingSink;
import dev.vigil.testing.VirtualTime;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.junit5.StartStop;
import org.junit.jupiter.api.Test;

/**
 * Endpoint checks through a {@link ResourceMonitor}: an endpoint that goes down fires on {@code up}
 * and resolves on the first good poll, not a staleness period later, because {@code up} keeps its
 * labels whatever the cause; the cause reaches a notification through {@code check_failure}.
 */
class EndpointCheckMonitorTest {
  @StartStop final MockWebServer server = new MockWebServer();
  final VirtualTime time = VirtualTime.startingAt(Instant.parse("2026-11-24T00:00:00Z"));
  final RecordingSink sink = RecordingSink.create();

  @Test
  void downEndpointFiresWithItsCauseAndResolvesOnTheFirstGoodPoll() throws Exception {
    server.enqueue(new MockResponse.Builder().code(200).build());
    server.enqueue(new MockResponse.Builder().code(503).build());
    server.enqueue(new MockResponse.Builder().code(500).build());
    server.enqueue(new MockResponse.Builder().code(200).build());
    EndpointCheckSource checks =
        EndpointCheckSource.builder()
            .check(EndpointCheck.builder("api", server.url("/health").toString()).build())
            .build();
    try (ResourceMonitor monitor =
        time.configure(ResourceMonitor.builder())
            .source("checks", Schedule.every(Duration.ofSeconds(30)), checks)
            .rule(
                AlertRule.builder("EndpointDown")
                    .metric("up")
                    .below(1)
                    .summary("{resource} ({labels.url}) is down")
                    .build())
            .rule(
                AlertRule.builder("EndpointFailing")
                    .metric("check_failure")
                    .above(0)
                    .notifyResolved(false)
                    .summary("{resource} fails: {labels.cause}")
                    .build())
            .sink("rec", sink)
            .build()) {
      for (int poll = 0; poll < 4; poll++) {
        if (poll > 0) time.advance(Duration.ofSeconds(30));
        monitor.pollNow();
      }
      assertThat(monitor.flush(Duration.ofSeconds(5))).isTrue();

      List<AlertNotification> received = sink.notifications();
      assertThat(received)
          .extracting(n -> n.rule() + " " + n.status() + " " + n.summary())
          .containsExactly(
              "EndpointDown FIRING api (" + server.url("/health") + ") is down",
              "EndpointFailing FIRING api fails: status",
              "EndpointDown RESOLVED api (" + server.url("/health") + ") is down");
      AlertNotification resolved = received.get(2);
      assertThat(resolved.endsAt()).isEqualTo(time.now());
      assertThat(monitor.activeAlerts()).extracting(a -> a.rule()).doesNotContain("EndpointDown");
    }
  }
}
