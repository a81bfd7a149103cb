package dev.vigil.http;

import static dev.vigil.http.FakeCloud.TOKEN;
import static dev.vigil.http.FakeCloud.metricsPath;
import static org.assertj.core.api.Assertions.assertThat;

import dev.vigil.AlertNotification;
import dev.vigil.AlertRule;
import dev.vigil.AlertStatus;
import dev.vigil.ResourceMonitor;
import dev.vigil.Schedule;
import dev.vigil.testing.RecordingSink;
import dev.vigil.testing.VirtualTime;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import mockwebserver3.MockWebServer;
import mockwebserver3.junit5.StartStop;
import org.junit.jupiter.api.Test;

/** The source inside a real ResourceMonitor, end to end. */
class HttpJsonSourceMonitorTest {
  @StartStop final MockWebServer server = new MockWebServer();
  final FakeCloud cloud = new FakeCloud();

  ResourceMonitor monitor(RecordingSink sink) {
    server.setDispatcher(cloud);
    HttpJsonSource source =
        HttpJsonSource.builder()
            .baseUrl(server.url("/"))
            .bearerToken(TOKEN)
            .resourcesPath("/v1/resources/page-1.json")
            .metricsPath("/v1/resources/{id}/metrics")
            .resourceLabel("region", "/region")
            .metric("cpu_usage", "/metrics/cpu_usage")
            .timestampPointer("/timestamp")
            .retry(HttpJsonSourceTest.ONE_ATTEMPT)
            .build();
    return ResourceMonitor.builder()
        .source("cloud", Schedule.every(Duration.ofMinutes(1)), source)
        .rule(AlertRule.builder("HighCpu").metric("cpu_usage").above(80).build())
        .sink("rec", sink)
        .build();
  }

  @Test
  void resourceAboveThresholdFiresThroughTheMonitor() throws Exception {
    cloud
        .resources("vm-000001", "vm-000002")
        .always(metricsPath("vm-000002"), FakeCloud.metrics("vm-000002", 93.5, 10));
    RecordingSink sink = RecordingSink.create();

    try (ResourceMonitor monitor = monitor(sink)) {
      monitor.pollNow();

      // Fails unless the notification is delivered within 5 s.
      AlertNotification n = sink.awaitCount(1, Duration.ofSeconds(5)).get(0);
      assertThat(n.status()).isEqualTo(AlertStatus.FIRING);
      assertThat(n.rule()).isEqualTo("HighCpu");
      assertThat(n.resource()).isEqualTo("vm-000002");
      assertThat(n.value()).isEqualTo(93.5);
      assertThat(n.labels()).containsEntry("region", "eu-west-1");
      assertThat(monitor.activeAlerts()).hasSize(1);
    }
    assertThat(HttpJsonSourceTest.vigilHttpThreads()).isEmpty();
  }

  @Test
  void tokenNeverAppearsInLogs() throws Exception {
    cloud
        .resources("vm-1", "vm-2", "vm-3")
        .always(metricsPath("vm-1"), FakeCloud.status(401))
        .always(
            metricsPath("vm-2"),
            "{\"timestamp\":\"2026-11-24T00:00:00Z\",\"metrics\":{\"cpu_usage\":\"80%\"}}");
    ByteArrayOutputStream captured = new ByteArrayOutputStream();
    PrintStream original = System.err;
    System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));
    try (ResourceMonitor monitor = monitor(RecordingSink.create())) {
      monitor.pollNow();
      cloud.acceptedToken = t -> false; // now the listing fails too: the whole poll fails
      monitor.pollNow();
    } finally {
      System.setErr(original);
    }

    String logs = captured.toString(StandardCharsets.UTF_8);
    assertThat(logs)
        .as("the log capture works: one line for the failed resources, one for the failed poll")
        .contains("2 resource(s) failed")
        .contains("vm-1")
        .contains("HTTP 401")
        .contains("Source cloud failed (AUTH 401)");
    assertThat(logs).doesNotContain(TOKEN);
  }

  /** Issue 3: a source that fails never fires or resolves metric alerts, also for one resource. */
  @Test
  void metricsCallFailingForOneResourceKeepsItsFiringAlert() throws Exception {
    server.setDispatcher(cloud);
    cloud
        .resources("vm-1", "vm-2")
        .always(metricsPath("vm-1"), FakeCloud.metrics("vm-1", 95.0, 1.0));
    // Clock and ticker move together: staleness (5 minutes) is measured on the ticker.
    VirtualTime clock = VirtualTime.startingAt(Instant.parse("2026-11-24T00:00:00Z"));
    RecordingSink sink = RecordingSink.create();
    HttpJsonSource source =
        HttpJsonSource.builder()
            .baseUrl(server.url("/"))
            .bearerToken(TOKEN)
            .resourcesPath("/v1/resources/page-1.json")
            .metricsPath("/v1/resources/{id}/metrics")
            .metric("cpu_usage", "/metrics/cpu_usage")
            .retry(HttpJsonSourceTest.ONE_ATTEMPT)
            .build();
    try (ResourceMonitor monitor =
        clock
            .configure(ResourceMonitor.builder())
            .source("cloud", Schedule.every(Duration.ofMinutes(1)), source)
            .rule(
                AlertRule.builder("HighCpu").metric("cpu_usage").above(80).build()) // staleAfter 5m
            .sink("rec", sink)
            .build()) {
      monitor.pollNow();
      cloud.always(metricsPath("vm-1"), FakeCloud.status(503)); // the listing and vm-2 still work
      for (int minute = 1; minute <= 10; minute++) {
        clock.advance(Duration.ofMinutes(1));
        monitor.pollNow();
      }
      assertThat(monitor.flush(Duration.ofSeconds(5))).isTrue();

      assertThat(sink.notifications())
          .extracting(n -> n.rule() + " " + n.resource() + " " + n.type())
          .containsExactly("HighCpu vm-1 FIRING");
      assertThat(monitor.activeAlerts())
          .extracting(a -> a.resource() + " " + a.state())
          .containsExactly("vm-1 FIRING");
      assertThat(monitor.stats().sources().get("cloud").resourceErrors()).isEqualTo(10);
    }
  }
}
