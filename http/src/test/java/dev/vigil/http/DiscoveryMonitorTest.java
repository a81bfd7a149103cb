package dev.vigil.http;

import static dev.vigil.http.FakeCloud.TOKEN;
import static dev.vigil.http.FakeCloud.listing;
import static dev.vigil.http.FakeCloud.metrics;
import static dev.vigil.http.FakeCloud.metricsPath;
import static org.assertj.core.api.Assertions.assertThat;

import dev.vigil.AlertNotification;
import dev.vigil.AlertRule;
import dev.vigil.Matcher;
import dev.vigil.NotificationType;
import dev.vigil.ResourceMonitor;
import dev.vigil.Schedule;
import dev.vigil.testing.RecordingSink;
import dev.vigil.testing.VirtualTime;
import java.time.Duration;
import java.time.Instant;
import mockwebserver3.MockWebServer;
import mockwebserver3.junit5.StartStop;
import org.junit.jupiter.api.Test;

/**
 * Resources that appear in the listing are read from the next poll on; resources that vanish (or
 * stop matching a resource filter) are not missing data: after the rule's staleness period (default
 * 5 minutes) the engine resolves their alerts as "resource gone", and they never turn into NO_DATA.
 * End to end through a ResourceMonitor on virtual time.
 */
class DiscoveryMonitorTest {
  @StartStop final MockWebServer server = new MockWebServer();
  final FakeCloud cloud = new FakeCloud();
  // Staleness is measured on the monotonic ticker: clock and ticker move together.
  final VirtualTime clock = VirtualTime.startingAt(Instant.parse("2026-11-24T00:00:00Z"));
  final RecordingSink sink = RecordingSink.create();

  ResourceMonitor monitor(HttpJsonSource.Builder source) {
    server.setDispatcher(cloud);
    return clock
        .configure(ResourceMonitor.builder())
        .source("cloud", Schedule.every(Duration.ofMinutes(1)), source.build())
        .rule(AlertRule.builder("HighCpu").metric("cpu_usage").above(80).build())
        .sink("rec", sink)
        .build();
  }

  HttpJsonSource.Builder source() {
    return HttpJsonSource.builder()
        .baseUrl(server.url("/"))
        .bearerToken(TOKEN)
        .resourcesPath("/v1/resources/page-1.json")
        .resourceLabel("region", "/region")
        .metricsPath("/v1/resources/{id}/metrics")
        .metric("cpu_usage", "/metrics/cpu_usage")
        .retry(HttpJsonSourceTest.ONE_ATTEMPT);
  }

  void list(String... ids) {
    cloud.always("/v1/resources/page-1.json", listing(null, ids));
  }

  @Test
  void appearingResourceIsReadNextPollAndVanishingOneResolvesAsGoneNeverNoData() throws Exception {
    for (String id : new String[] {"vm-1", "vm-2"})
      cloud.always(metricsPath(id), metrics(id, 95, 1));
    list("vm-1");
    try (ResourceMonitor monitor = monitor(source())) {
      monitor.pollNow();
      clock.advance(Duration.ofMinutes(1));
      list("vm-1", "vm-2"); // vm-2 appears
      monitor.pollNow();
      list("vm-2"); // vm-1 vanishes
      for (int minute = 2; minute <= 12; minute++) {
        clock.advance(Duration.ofMinutes(1));
        monitor.pollNow();
      }
      assertThat(monitor.flush(Duration.ofSeconds(5))).isTrue();

      assertThat(sink.notifications())
          .extracting(n -> n.resource() + " " + n.type())
          .containsExactly("vm-1 FIRING", "vm-2 FIRING", "vm-1 RESOLVED");
      AlertNotification resolved = sink.notifications().get(2);
      assertThat(resolved.summary()).contains("resource gone");
      assertThat(resolved.endsAt()).isEqualTo(Instant.parse("2026-11-24T00:06:00Z"));
      assertThat(sink.notifications()).noneMatch(n -> n.type() == NotificationType.NO_DATA);
      assertThat(monitor.activeAlerts()).extracting(a -> a.resource()).containsExactly("vm-2");
    }
  }

  @Test
  void resourceThatStopsMatchingTheFilterResolvesLikeOneGone() throws Exception {
    cloud.always(metricsPath("vm-1"), metrics("vm-1", 95, 1));
    list("vm-1");
    try (ResourceMonitor monitor =
        monitor(source().resourceFilter(Matcher.equal("region", "eu-west-1")))) {
      monitor.pollNow();
      cloud.always(
          "/v1/resources/page-1.json",
          "{\"items\":[{\"id\":\"vm-1\",\"region\":\"us-east-1\"}],\"next\":null}");
      for (int minute = 1; minute <= 6; minute++) {
        clock.advance(Duration.ofMinutes(1));
        monitor.pollNow();
      }
      assertThat(monitor.flush(Duration.ofSeconds(5))).isTrue();

      assertThat(sink.notifications())
          .extracting(n -> n.resource() + " " + n.type())
          .containsExactly("vm-1 FIRING", "vm-1 RESOLVED");
      assertThat(cloud.requestsTo(metricsPath("vm-1"))).isEqualTo(1);
    }
  }
}
