package dev.vigil.micrometer;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vigil.AlertRule;
import dev.vigil.AlertSink;
import dev.vigil.PermanentDeliveryException;
import dev.vigil.ResourceMonitor;
import dev.vigil.Sample;
import dev.vigil.Schedule;
import dev.vigil.testing.Await;
import dev.vigil.testing.RecordingSink;
import dev.vigil.testing.VirtualTime;
import io.micrometer.core.instrument.FunctionTimer;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * Every meter of {@link VigilMetrics} after polls, a failed poll, deliveries, a dead letter, a
 * retry and a queue-full drop, read from a real registry (Micrometer's "Meter binders" concept: a
 * binder registers function meters over an object the application already has).
 */
class VigilMetricsTest {
  private static final Duration MINUTE = Duration.ofMinutes(1);

  private final VirtualTime time = VirtualTime.startingAt(Instant.parse("2026-12-02T10:00:00Z"));
  private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
  private final AtomicInteger poll = new AtomicInteger();

  private double counter(String name, String... tags) {
    return registry.get(name).tags(tags).functionCounter().count();
  }

  private double gauge(String name, String... tags) {
    return registry.get(name).tags(tags).gauge().value();
  }

  @Test
  void everyMeterAfterPollsAFailureDeliveriesAndADeadLetter() throws Exception {
    RecordingSink ok = RecordingSink.create();
    AlertSink broken =
        n -> {
          throw new PermanentDeliveryException("550 mailbox unavailable");
        };
    try (ResourceMonitor monitor =
        time.configure(ResourceMonitor.builder())
            .deliveryBackoff(Duration.ZERO, Duration.ZERO)
            .source(
                "cloud",
                Schedule.every(MINUTE),
                context -> {
                  int n = poll.incrementAndGet();
                  time.ticker().advance(Duration.ofMillis(250)); // the poll takes 250 ms
                  if (n == 2) throw new IOException("connect timed out");
                  context.reportError("vm-2", new IOException("HTTP 500"));
                  return List.of(Sample.of("cpu", "vm-1", n == 1 ? 95 : 10, context.now()));
                })
            .rule(AlertRule.builder("HighCpu").metric("cpu").above(80).build())
            .sink("ok", ok)
            .sink("broken", broken)
            .build()) {
      new VigilMetrics(monitor, Tags.of("app", "checkout")).bindTo(registry);

      monitor.pollNow(); // FIRING
      assertThat(monitor.flush(Duration.ofSeconds(5))).isTrue();
      assertThat(gauge("vigil.alerts.active", "severity", "warning", "state", "firing"))
          .isEqualTo(1);
      assertThat(gauge("vigil.alerts.active", "severity", "critical", "state", "firing")).isZero();
      time.advance(MINUTE);
      monitor.pollNow(); // fails
      time.advance(MINUTE);
      monitor.pollNow(); // RESOLVED
      assertThat(monitor.flush(Duration.ofSeconds(5))).isTrue();

      assertThat(counter("vigil.source.polls", "source", "cloud", "outcome", "success"))
          .isEqualTo(2);
      assertThat(counter("vigil.source.polls", "source", "cloud", "outcome", "failure"))
          .isEqualTo(1);
      FunctionTimer duration =
          registry.get("vigil.source.poll.duration").tag("source", "cloud").functionTimer();
      assertThat(duration.count()).isEqualTo(3);
      assertThat(duration.totalTime(TimeUnit.MILLISECONDS)).isEqualTo(750);
      assertThat(counter("vigil.source.resource.errors", "source", "cloud")).isEqualTo(2);
      assertThat(counter("vigil.source.ticks.skipped", "source", "cloud")).isZero();
      // HighCpu, and the source's health alert for the failed poll
      assertThat(counter("vigil.notifications", "type", "firing")).isEqualTo(2);
      assertThat(counter("vigil.notifications", "type", "resolved")).isEqualTo(2);
      assertThat(counter("vigil.notifications", "type", "reminder")).isZero();
      assertThat(counter("vigil.sink.deliveries", "sink", "ok")).isEqualTo(4);
      assertThat(counter("vigil.sink.deliveries", "sink", "broken")).isZero();
      assertThat(counter("vigil.sink.attempts.failed", "sink", "broken")).isEqualTo(4);
      assertThat(counter("vigil.sink.retries", "sink", "broken")).isZero();
      assertThat(counter("vigil.sink.dead.letters", "sink", "broken")).isEqualTo(4);
      assertThat(counter("vigil.sink.drops", "sink", "broken", "reason", "dead letter"))
          .isEqualTo(4);
      assertThat(counter("vigil.sink.drops", "sink", "ok", "reason", "queue full")).isZero();
      assertThat(gauge("vigil.sink.queue.depth", "sink", "ok")).isZero();
      assertThat(gauge("vigil.sink.waiting", "sink", "ok")).isZero();
      assertThat(gauge("vigil.alerts.active", "severity", "warning", "state", "firing")).isZero();
      assertThat(gauge("vigil.rules.without.data")).isZero();
      assertThat(registry.getMeters())
          .as("every meter carries the binder's tags")
          .allSatisfy(m -> assertThat(m.getId().getTag("app")).isEqualTo("checkout"));
      assertThat(registry.getMeters().stream().map(m -> m.getId().getName()).distinct())
          .containsExactlyInAnyOrder(
              "vigil.source.polls",
              "vigil.source.poll.duration",
              "vigil.source.resource.errors",
              "vigil.source.ticks.skipped",
              "vigil.notifications",
              "vigil.sink.deliveries",
              "vigil.sink.attempts.failed",
              "vigil.sink.retries",
              "vigil.sink.dead.letters",
              "vigil.sink.drops",
              "vigil.sink.queue.depth",
              "vigil.sink.waiting",
              "vigil.alerts.active",
              "vigil.rules.without.data");
    }
  }

  @Test
  void aRuleOnAMetricNoSourceReportsShowsInTheGauge() throws Exception {
    try (ResourceMonitor monitor =
        time.configure(ResourceMonitor.builder())
            .source(
                "cloud",
                Schedule.every(MINUTE),
                context -> List.of(Sample.of("cpu_usage", "vm-1", 1, context.now())))
            .rule(AlertRule.builder("HighCpu").metric("cpu").above(80).build())
            .sink("ok", RecordingSink.create())
            .build()) {
      new VigilMetrics(monitor).bindTo(registry);
      monitor.pollNow();
      assertThat(gauge("vigil.rules.without.data")).isEqualTo(1);
      assertThat(
              registry.getMeters().stream()
                  .map(Meter::getId)
                  .filter(id -> id.getName().equals("vigil.sink.drops"))
                  .map(id -> id.getTag("reason"))
                  .collect(Collectors.toSet()))
          .containsExactlyInAnyOrderElementsOf(VigilMetrics.DROP_REASONS);
    }
  }

  @Test
  void retriesQueueDepthAndQueueFullDropsOfABusySink() throws Exception {
    CountDownLatch release = new CountDownLatch(1);
    CountDownLatch busy = new CountDownLatch(1);
    AtomicInteger flakyCalls = new AtomicInteger();
    AlertSink slow =
        n -> {
          busy.countDown();
          if (!release.await(30, TimeUnit.SECONDS)) throw new IOException("never released");
        };
    AlertSink flaky =
        n -> {
          if (flakyCalls.incrementAndGet() == 1) throw new IOException("503 try again");
        };
    try (ResourceMonitor monitor =
        time.configure(ResourceMonitor.builder())
            .deliveryBackoff(Duration.ZERO, Duration.ZERO)
            .sinkQueueCapacity(1)
            .source(
                "cloud",
                Schedule.every(MINUTE),
                context -> {
                  double others = poll.incrementAndGet() == 1 ? 10 : 95;
                  return List.of(
                      Sample.of("cpu", "vm-1", 95, context.now()),
                      Sample.of("cpu", "vm-2", others, context.now()),
                      Sample.of("cpu", "vm-3", others, context.now()));
                })
            .rule(AlertRule.builder("HighCpu").metric("cpu").above(80).build())
            .sink("slow", slow)
            .sink("flaky", flaky)
            .build()) {
      new VigilMetrics(monitor).bindTo(registry);

      monitor.pollNow(); // vm-1 FIRING
      assertThat(busy.await(10, TimeUnit.SECONDS)).as("the slow sink took vm-1").isTrue();
      Await.until(
          "the flaky sink delivered vm-1 on its second attempt",
          () -> counter("vigil.sink.deliveries", "sink", "flaky") == 1);
      assertThat(counter("vigil.sink.attempts.failed", "sink", "flaky")).isEqualTo(1);
      assertThat(counter("vigil.sink.retries", "sink", "flaky")).isEqualTo(1);
      assertThat(counter("vigil.sink.dead.letters", "sink", "flaky")).isZero();
      time.advance(MINUTE);
      monitor.pollNow(); // vm-2 and vm-3 FIRING
      // The slow sink holds vm-1 in delivery; its queue of one takes one more, the other is
      // dropped. The depth counts what is pending: in delivery and queued.
      assertThat(counter("vigil.sink.drops", "sink", "slow", "reason", "queue full")).isEqualTo(1);
      assertThat(gauge("vigil.sink.queue.depth", "sink", "slow")).isEqualTo(2);
      release.countDown();
      assertThat(monitor.flush(Duration.ofSeconds(10))).isTrue();

      assertThat(counter("vigil.sink.deliveries", "sink", "slow")).isEqualTo(2);
      assertThat(gauge("vigil.sink.queue.depth", "sink", "slow")).isZero();
    }
  }
}
