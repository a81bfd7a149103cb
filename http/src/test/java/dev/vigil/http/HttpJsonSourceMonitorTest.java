package dev.vigil.http;

import static dev.vigil.http.FakeCloud.TOKEN;
import static dev.vigil.http.FakeCloud.metricsPath;
import static org.assertj.core.api.Assertions.assertThat;

import dev.vigil.Alert;
import dev.vigil.AlertNotification;
import dev.vigil.AlertRule;
import dev.vigil.AlertStatus;
import dev.vigil.MonitorListener;
import dev.vigil.ResourceMonitor;
import dev.vigil.Schedule;
import dev.vigil.SourceException;
import dev.vigil.SourceException.Kind;
import dev.vigil.testing.ManualTicker;
import dev.vigil.testing.RecordingSink;
import dev.vigil.testing.VirtualTime;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import mockwebserver3.MockWebServer;
import mockwebserver3.junit5.StartStop;
import org.jspecify.annotations.Nullable;
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

  /**
   * A 503 storm through the public API: the source's circuit breaker (Resilience4j's count-based
   * sliding window, resilience4j.readme.io/docs/circuitbreaker, "Count-based sliding window" and
   * "State machine") opens, and the open circuit is its own cause of the monitor's {@code
   * SourceHealth} alert, {@code cause=circuit_open}, naming the resources it left unread; each of
   * them is a {@code CIRCUIT_OPEN} source error. While it is open nothing is sent, the listing
   * included; once the breaker lets trial requests through and they succeed, the alert resolves.
   */
  @Test
  void serviceUnavailableStormShowsAsCircuitOpenInTheSourceHealthAlert() throws Exception {
    server.setDispatcher(cloud);
    String[] ids = new String[40];
    for (int i = 0; i < ids.length; i++)
      ids[i] = String.format(java.util.Locale.ROOT, "vm-%02d", i);
    cloud.resources(ids);
    for (int i = 10; i < ids.length; i++) cloud.always(metricsPath(ids[i]), FakeCloud.status(503));
    ManualTicker ticker = ManualTicker.create();
    HttpJsonSource source =
        HttpJsonSource.builder()
            .baseUrl(server.url("/"))
            .bearerToken(TOKEN)
            .resourcesPath("/v1/resources/page-1.json")
            .metricsPath("/v1/resources/{id}/metrics")
            .metric("cpu_usage", "/metrics/cpu_usage")
            .retry(HttpJsonSourceTest.ONE_ATTEMPT)
            .concurrency(1) // resource after resource: the window's arithmetic below is exact
            .ticker(ticker) // the open state lasts until the test advances it
            .build();
    List<String> circuitOpen = new CopyOnWriteArrayList<>();
    MonitorListener listener =
        new MonitorListener() {
          @Override
          public void onSourceError(String name, @Nullable String resource, Throwable error) {
            if (error instanceof SourceException e && e.kind() == Kind.CIRCUIT_OPEN) {
              circuitOpen.add(String.valueOf(resource));
            }
          }
        };
    RecordingSink sink = RecordingSink.create();
    try (ResourceMonitor monitor =
        ResourceMonitor.builder()
            .source("cloud", Schedule.every(Duration.ofMinutes(1)), source)
            .rule(AlertRule.builder("HighCpu").metric("cpu_usage").above(80).build())
            .sink("rec", sink)
            .listener(listener)
            .build()) {
      // The listing and vm-00..vm-09 succeed (11 calls), vm-10..vm-14 get 503: the window of the
      // last 10 calls is at 50% failures, so the circuit opens and vm-15..vm-39 are not sent.
      monitor.pollNow();

      AlertNotification firing = sink.awaitCount(1, Duration.ofSeconds(5)).get(0);
      assertThat(firing.rule() + " " + firing.resource() + " " + firing.status())
          .isEqualTo("SourceHealth cloud FIRING");
      assertThat(firing.labels()).containsEntry("cause", "circuit_open");
      assertThat(firing.summary())
          .startsWith(
              "Source cloud is failing (circuit_open): circuit breaker open: 25 of 40 resources not"
                  + " read: vm-15, vm-16, vm-17, vm-18, vm-19, vm-20, vm-21, vm-22, vm-23, vm-24,"
                  + " ... (and 15 more)")
          .contains("not sent: the circuit breaker")
          .contains(
              "it opened after failures such as: GET "
                  + server.url("/v1/resources/vm-10/metrics")
                  + ": HTTP 503")
          .doesNotContain(TOKEN);
      assertThat(circuitOpen).hasSize(25).startsWith("vm-15").endsWith("vm-39");
      assertThat(cloud.requests).hasSize(1 + 15);

      // Still open: the next poll sends nothing, not even the listing, and fails as CIRCUIT_OPEN.
      monitor.pollNow();

      assertThat(cloud.requests).hasSize(1 + 15);
      Alert health = monitor.activeAlerts().get(0);
      assertThat(health.rule()).isEqualTo("SourceHealth");
      assertThat(health.labels()).containsEntry("cause", "circuit_open");
      assertThat(health.summary())
          .startsWith(
              "Source cloud is failing (circuit_open): GET "
                  + server.url("/v1/resources/page-1.json")
                  + ": not sent: the circuit breaker");

      // The API recovers; after the open state the trial requests succeed and close the circuit.
      cloud.resources(ids);
      ticker.advance(Duration.ofSeconds(31)); // the open state ends after 30 s
      monitor.pollNow();

      assertThat(monitor.activeAlerts()).isEmpty();
      assertThat(sink.awaitCount(2, Duration.ofSeconds(5)))
          .extracting(n -> n.rule() + " " + n.status())
          .containsExactly("SourceHealth FIRING", "SourceHealth RESOLVED");
    }
  }
}
