package dev.vigil.tests;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vigil.Alert;
import dev.vigil.AlertNotification;
import dev.vigil.AlertRule;
import dev.vigil.AlertState;
import dev.vigil.AlertStatus;
import dev.vigil.Matcher;
import dev.vigil.MetricSource;
import dev.vigil.NotificationType;
import dev.vigil.PollContext;
import dev.vigil.ResourceMonitor;
import dev.vigil.Sample;
import dev.vigil.Schedule;
import dev.vigil.Silence;
import dev.vigil.testing.Await;
import dev.vigil.testing.ManualClock;
import dev.vigil.testing.ManualTicker;
import dev.vigil.testing.RecordingSink;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

/** Suppression meeting flapping and severity changes, and close() with queued polls. */
class SuppressionEdgesTest {
  private static final Instant T0 = Instant.parse("2026-11-24T00:00:00Z");
  private static final Duration MINUTE = Duration.ofMinutes(1);

  private final ManualTicker ticker = ManualTicker.create();
  private final ManualClock clock = ManualClock.startingAt(T0);
  private final RecordingSink sink = RecordingSink.create();

  static final class Settable implements MetricSource {
    volatile double cpu;

    @Override
    public List<Sample> poll(PollContext context) {
      return List.of(Sample.of("cpu_usage", "vm-1", cpu, context.now()));
    }
  }

  private ResourceMonitor flappingMonitor(Settable source) {
    AlertRule rule =
        AlertRule.builder("HighCpu").metric("cpu_usage").above(80).flapDetection(10, 30).build();
    return ResourceMonitor.builder()
        .clock(clock)
        .ticker(ticker)
        .deliveryBackoff(Duration.ZERO, Duration.ZERO)
        .source("cloud", Schedule.every(MINUTE), source)
        .rule(rule)
        .sink("rec", sink)
        .build();
  }

  /** Twelve polls, one a minute, alternating 90 and 50: the alert fires and starts flapping. */
  private void flap(ResourceMonitor monitor, Settable source) {
    for (int i = 0; i < 12; i++) poll(monitor, source, i % 2 == 0 ? 90 : 50, 1);
  }

  private void poll(ResourceMonitor monitor, Settable source, double cpu, int times) {
    source.cpu = cpu;
    for (int i = 0; i < times; i++) {
      monitor.pollNow();
      clock.advance(MINUTE);
    }
  }

  /**
   * An alert that fired and flapped under a silence, then stopped flapping while firing after the
   * silence ended: the sink gets FLAPPING_STOPPED (status FIRING), so it was told the alert is
   * firing, and must also hear it resolve.
   */
  @Test
  void resolvedIsDeliveredAfterFlappingStoppedWhileFiringWasDelivered() throws Exception {
    Settable source = new Settable();
    try (ResourceMonitor monitor = flappingMonitor(source)) {
      Silence s =
          monitor.silence(
              List.of(Matcher.equal("alertname", "HighCpu")), Duration.ofDays(1), "maintenance");
      flap(monitor, source); // under the silence
      s.expire();
      poll(monitor, source, 90, 30); // steady firing until flapping stops
      assertThat(monitor.flush(Duration.ofSeconds(5))).isTrue();
      assertThat(sink.notifications()).isNotEmpty(); // the sink was told the alert fires
      assertThat(sink.notifications().get(sink.notifications().size() - 1).status())
          .isEqualTo(AlertStatus.FIRING);

      source.cpu = 50;
      monitor.pollNow();
      assertThat(monitor.flush(Duration.ofSeconds(5))).isTrue();
      assertThat(sink.notifications().get(sink.notifications().size() - 1).status())
          .as("the sink was told the alert fires, so it must hear it resolve")
          .isEqualTo(AlertStatus.RESOLVED);
    }
  }

  /**
   * Silence active until flapping stops while firing: FLAPPING_STOPPED is suppressed, so the alert
   * is still announced (FIRING) once the silence ends.
   */
  @Test
  void firingAlertIsAnnouncedAfterSilenceEndsEvenIfFlappingStoppedUnderSilence() throws Exception {
    Settable source = new Settable();
    try (ResourceMonitor monitor = flappingMonitor(source)) {
      Silence s =
          monitor.silence(
              List.of(Matcher.equal("alertname", "HighCpu")), Duration.ofDays(1), "maintenance");
      flap(monitor, source);
      poll(monitor, source, 90, 30); // flapping stops while firing, still silenced
      assertThat(monitor.activeAlerts())
          .singleElement()
          .extracting(Alert::state)
          .isEqualTo(AlertState.FIRING);
      s.expire();
      poll(monitor, source, 90, 3);
      assertThat(monitor.flush(Duration.ofSeconds(5))).isTrue();
      assertThat(sink.notifications())
          .as("a firing alert held back by a silence is announced once the silence ends")
          .anySatisfy(n -> assertThat(n.status()).isEqualTo(AlertStatus.FIRING));
    }
  }

  static final class ClosingSource implements MetricSource {
    final AtomicBoolean closed = new AtomicBoolean();
    final CountDownLatch polling = new CountDownLatch(1);
    final boolean block;

    ClosingSource(boolean block) {
      this.block = block;
    }

    @Override
    public List<Sample> poll(PollContext context) throws Exception {
      polling.countDown();
      if (block) new CountDownLatch(1).await(); // until interrupted
      return List.of();
    }

    @Override
    public void close() {
      closed.set(true);
    }
  }

  /**
   * One poll thread: source a blocks, b's poll is dispatched (its permit taken) and queued behind
   * it. close() must hand b's permit back and close b, although b's poll never ran.
   */
  @Test
  void closeClosesASourceWhosePollWasQueuedInTheOwnPool() throws Exception {
    ClosingSource a = new ClosingSource(true);
    ClosingSource b = new ClosingSource(false);
    ResourceMonitor monitor =
        ResourceMonitor.builder()
            .clock(clock)
            .ticker(ticker)
            .pollThreads(1)
            .shutdownTimeout(Duration.ofMillis(200))
            .source("a", Schedule.every(MINUTE), a)
            .source("b", Schedule.every(MINUTE), b)
            .withoutSinks()
            .build();
    monitor.start();
    assertThat(a.polling.await(5, TimeUnit.SECONDS)).isTrue();
    // Both were due at start: once the scheduler waits again, it has dispatched b behind a.
    Await.until(
        "scheduler waiting after dispatching a and b",
        () ->
            Thread.getAllStackTraces().keySet().stream()
                .anyMatch(
                    t ->
                        t.getName().startsWith("vigil-scheduler")
                            && t.getState() == Thread.State.TIMED_WAITING));
    monitor.close();
    assertThat(b.closed).as("b closed by close()").isTrue();
    Await.until("a closed when its interrupted poll ends", a.closed::get);
  }

  /**
   * A silence on severity=warning holds back the FIRING of a warning alert; when it escalates to
   * critical the sink hears FIRING first, never a SEVERITY_CHANGED for an alert it never heard
   * fire.
   */
  @Test
  void heldBackAlertIsAnnouncedBeforeItsSeverityChange() throws Exception {
    Settable source = new Settable();
    AlertRule rule =
        AlertRule.builder("HighCpu").metric("cpu_usage").above(80).criticalAbove(95).build();
    try (ResourceMonitor monitor =
        ResourceMonitor.builder()
            .clock(clock)
            .ticker(ticker)
            .deliveryBackoff(Duration.ZERO, Duration.ZERO)
            .source("cloud", Schedule.every(MINUTE), source)
            .rule(rule)
            .sink("rec", sink)
            .build()) {
      monitor.silence(
          List.of(Matcher.equal("severity", "warning")), Duration.ofDays(1), "warnings off");
      source.cpu = 90;
      monitor.pollNow();
      clock.advance(MINUTE);
      source.cpu = 99;
      monitor.pollNow();
      assertThat(monitor.flush(Duration.ofSeconds(5))).isTrue();
      assertThat(sink.notifications())
          .extracting(AlertNotification::type)
          .as("the first thing a sink hears of an alert is that it fires")
          .startsWith(NotificationType.FIRING);
    }
  }
}
