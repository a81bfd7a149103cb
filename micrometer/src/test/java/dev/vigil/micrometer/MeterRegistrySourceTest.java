package dev.vigil.micrometer;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vigil.AlertNotification;
import dev.vigil.AlertRule;
import dev.vigil.NotificationType;
import dev.vigil.ResourceMonitor;
import dev.vigil.Sample;
import dev.vigil.Schedule;
import dev.vigil.testing.RecordingPollContext;
import dev.vigil.testing.RecordingSink;
import dev.vigil.testing.VirtualTime;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.LongTaskTimer;
import io.micrometer.core.instrument.MockClock;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.simple.SimpleConfig;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * The application's own Micrometer meters as samples: gauges as values, counters as rates, timers
 * and summaries as rate, mean, max and published percentiles (Micrometer's "Timers" and "Histograms
 * and percentiles" concepts pages), never a made-up value for an idle meter.
 */
class MeterRegistrySourceTest {
  private static final Duration MINUTE = Duration.ofMinutes(1);

  private final VirtualTime time = VirtualTime.startingAt(Instant.parse("2026-12-02T10:00:00Z"));
  private final MockClock meterClock = new MockClock();
  private final SimpleMeterRegistry registry =
      new SimpleMeterRegistry(SimpleConfig.DEFAULT, meterClock);

  /** Moves the monitor's time and the registry's clock together. */
  private void advance(Duration d) {
    time.advance(d);
    meterClock.add(d);
  }

  private Map<String, Double> poll(MeterRegistrySource source) {
    RecordingPollContext context = RecordingPollContext.create("app", time.clock());
    return source.poll(context).stream()
        .collect(Collectors.toMap(s -> s.metric() + s.labels(), Sample::value));
  }

  @Test
  void alertsOnATimersPercentileAndResolvesWhenItRecovers() throws Exception {
    Timer requests =
        Timer.builder("http.server.requests")
            .tag("uri", "/checkout")
            .publishPercentiles(0.99)
            .register(registry);
    RecordingSink sink = RecordingSink.create();
    try (ResourceMonitor monitor =
        time.configure(ResourceMonitor.builder())
            .source(
                "app",
                Schedule.every(MINUTE),
                MeterRegistrySource.builder(registry).resource("checkout-service").build())
            .rule(
                AlertRule.builder("SlowCheckout")
                    .metric("http.server.requests.p99")
                    .above(0.5)
                    .summary("p99 of {labels.uri} is {value} s")
                    .build())
            .sink("pager", sink)
            .build()) {
      for (int minute = 0; minute < 12; minute++) {
        boolean slow = minute >= 3 && minute < 5;
        for (int i = 0; i < 100; i++) {
          requests.record(Duration.ofMillis(slow && i % 10 == 0 ? 2_000 : 20));
        }
        monitor.pollNow();
        assertThat(monitor.flush(Duration.ofSeconds(5))).isTrue();
        advance(MINUTE);
      }
    }
    assertThat(sink.notifications())
        .extracting(AlertNotification::type)
        .containsExactly(NotificationType.FIRING, NotificationType.RESOLVED);
    AlertNotification firing = sink.notifications().get(0);
    assertThat(firing.resource()).isEqualTo("checkout-service");
    assertThat(firing.labels()).containsEntry("uri", "/checkout");
    assertThat(firing.value()).isGreaterThan(1.5);
    assertThat(firing.summary()).startsWith("p99 of /checkout is 2");
  }

  @Test
  void countersAreRatesPerSecondFromTheSecondPollOn() {
    Counter orders = Counter.builder("orders").tag("shop", "eu").register(registry);
    MeterRegistrySource source = MeterRegistrySource.builder(registry).build();
    orders.increment(10);
    assertThat(poll(source)).as("one reading is no rate").isEmpty();
    orders.increment(120);
    advance(MINUTE);
    assertThat(poll(source)).containsExactly(Map.entry("orders.rate{shop=eu}", 2.0));
    advance(MINUTE);
    assertThat(poll(source))
        .as("no orders: a real zero")
        .containsEntry("orders.rate{shop=eu}", 0.0);
  }

  @Test
  void anIdleTimerHasARateOfZeroButNoMeanMaxOrPercentile() {
    Timer timer = Timer.builder("jobs").publishPercentiles(0.5, 0.999).register(registry);
    MeterRegistrySource source = MeterRegistrySource.builder(registry).build();
    timer.record(3, TimeUnit.SECONDS);
    poll(source);
    timer.record(1, TimeUnit.SECONDS);
    timer.record(3, TimeUnit.SECONDS);
    advance(Duration.ofSeconds(10));
    Map<String, Double> busy = poll(source);
    assertThat(busy)
        .containsEntry("jobs.rate{}", 0.2)
        .containsEntry("jobs.mean{}", 2.0)
        .containsKeys("jobs.max{}", "jobs.p50{}", "jobs.p99.9{}");
    advance(Duration.ofSeconds(10));
    assertThat(poll(source)).containsExactly(Map.entry("jobs.rate{}", 0.0));
  }

  @Test
  void summariesLikeTimersInTheirBaseUnit() {
    DistributionSummary payloads = DistributionSummary.builder("payload").register(registry);
    MeterRegistrySource source = MeterRegistrySource.builder(registry).build();
    poll(source);
    payloads.record(100);
    payloads.record(300);
    advance(Duration.ofSeconds(4));
    assertThat(poll(source))
        .containsEntry("payload.rate{}", 0.5)
        .containsEntry("payload.mean{}", 200.0)
        .containsEntry("payload.max{}", 300.0);
  }

  @Test
  void gaugesAreValuesAndANanGaugeGivesNoSample() {
    AtomicReference<Double> depth = new AtomicReference<>(42.0);
    Gauge.builder("queue.depth", depth, AtomicReference::get)
        .tag("queue", "mail")
        .register(registry);
    Gauge.builder("broken", () -> Double.NaN).register(registry);
    MeterRegistrySource source = MeterRegistrySource.builder(registry).build();
    assertThat(poll(source)).containsExactly(Map.entry("queue.depth{queue=mail}", 42.0));
  }

  @Test
  void longTaskTimersGiveActiveTasksAndTheirDuration() {
    LongTaskTimer exports = LongTaskTimer.builder("exports").register(registry);
    exports.start();
    advance(Duration.ofSeconds(30));
    assertThat(poll(MeterRegistrySource.builder(registry).build()))
        .containsEntry("exports.active{}", 1.0)
        .containsEntry("exports.duration{}", 30.0)
        .containsEntry("exports.max{}", 30.0);
  }

  @Test
  void includeFilterResourceTagAndReservedTagNames() {
    Gauge.builder("jvm.memory.used", () -> 1.0).tag("area", "heap").register(registry);
    Gauge.builder("http.server.active", () -> 2.0)
        .tag("uri", "/a")
        .tag("severity", "x")
        .register(registry);
    Gauge.builder("http.serverless", () -> 3.0).register(registry);
    MeterRegistrySource source =
        MeterRegistrySource.builder(registry)
            .include("http.server")
            .resourceTag("uri")
            .filter(id -> !id.getName().endsWith("ignored"))
            .build();
    RecordingPollContext context = RecordingPollContext.create("app", time.clock());
    List<Sample> samples = source.poll(context);
    assertThat(samples)
        .singleElement()
        .satisfies(
            s -> {
              assertThat(s.metric()).isEqualTo("http.server.active");
              assertThat(s.resource()).isEqualTo("/a");
              assertThat(s.labels())
                  .containsEntry("tag_severity", "x")
                  .doesNotContainKey("severity");
              assertThat(s.timestamp()).isEqualTo(time.clock().instant());
            });
  }

  @Test
  void percentileNames() {
    assertThat(MeterRegistrySource.percentile(0.99)).isEqualTo("99");
    assertThat(MeterRegistrySource.percentile(0.999)).isEqualTo("99.9");
    assertThat(MeterRegistrySource.percentile(0.5)).isEqualTo("50");
    assertThat(MeterRegistrySource.percentile(0.95)).isEqualTo("95");
  }
}
