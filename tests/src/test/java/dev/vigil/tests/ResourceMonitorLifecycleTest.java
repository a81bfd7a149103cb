package dev.vigil.tests;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import dev.vigil.AlertRule;
import dev.vigil.AlertSink;
import dev.vigil.MetricSource;
import dev.vigil.PollContext;
import dev.vigil.ResourceMonitor;
import dev.vigil.Sample;
import dev.vigil.Schedule;
import dev.vigil.SourceException;
import dev.vigil.testing.Await;
import dev.vigil.testing.ManualClock;
import dev.vigil.testing.ManualTicker;
import dev.vigil.testing.RecordingSink;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** Shutdown, interrupts and per-resource failures: the edges of the monitor's lifecycle. */
class ResourceMonitorLifecycleTest {
  private static final Instant T0 = Instant.parse("2026-11-24T00:00:00Z");
  private final ManualTicker ticker = ManualTicker.create();
  private final ManualClock clock = ManualClock.startingAt(T0);

  @Test
  void resourceTheSourceReportsAsFailedKeepsItsFiringAlert() {
    // issue 3: "A source that fails (HTTP error, timeout, parse error) never fires or resolves
    // metric alerts".
    // HttpJsonSource reports a resource whose /metrics call times out through reportError.
    AtomicInteger polls = new AtomicInteger();
    MetricSource source =
        ctx -> {
          if (polls.getAndIncrement() == 0) {
            return List.of(
                Sample.of("cpu_usage", "vm-1", 90, ctx.now()),
                Sample.of("cpu_usage", "vm-2", 10, ctx.now()));
          }
          ctx.reportError(
              "vm-1",
              new SourceException(
                  SourceException.Kind.TIMEOUT,
                  "GET /v1/resources/vm-1/metrics: timeout",
                  null,
                  -1,
                  null,
                  null));
          return List.of(Sample.of("cpu_usage", "vm-2", 10, ctx.now()));
        };
    RecordingSink sink = RecordingSink.create();
    ResourceMonitor monitor =
        ResourceMonitor.builder()
            .clock(clock)
            .ticker(ticker)
            .source("cloud", Schedule.every(Duration.ofMinutes(1)), source)
            .rule(AlertRule.builder("HighCpu").metric("cpu_usage").above(80).build())
            .sink("rec", sink)
            .build();
    try {
      for (int i = 0; i < 10; i++) {
        monitor.pollNow();
        clock.advance(Duration.ofMinutes(1));
      }
      sink.awaitCount(1, Await.TIMEOUT); // firing delivered
      monitor.flush(Duration.ofSeconds(5));
      assertThat(sink.notifications())
          .extracting(n -> n.rule() + " " + n.status())
          .doesNotContain("HighCpu RESOLVED");
    } catch (InterruptedException e) {
      throw new AssertionError(e);
    } finally {
      monitor.close();
    }
  }

  @Test
  void sourceIsNeverPolledAfterItWasClosed() throws Exception {
    CountDownLatch inA = new CountDownLatch(1);
    CountDownLatch releaseA = new CountDownLatch(1);
    AtomicBoolean bClosed = new AtomicBoolean();
    AtomicBoolean bPolledAfterClose = new AtomicBoolean();
    MetricSource a =
        ctx -> {
          inA.countDown();
          releaseA.await();
          return List.of();
        };
    MetricSource b =
        new MetricSource() {
          @Override
          public List<Sample> poll(PollContext ctx) {
            if (bClosed.get()) bPolledAfterClose.set(true);
            return List.of();
          }

          @Override
          public void close() {
            bClosed.set(true);
          }
        };
    ResourceMonitor monitor =
        ResourceMonitor.builder()
            .clock(clock)
            .ticker(ticker)
            .source("a", Schedule.every(Duration.ofMinutes(1)), a)
            .source("b", Schedule.every(Duration.ofMinutes(1)), b)
            .shutdownTimeout(Duration.ofMillis(100))
            .withoutSinks()
            .build();
    Thread checkNow = new Thread(monitor::pollNow, "check-now");
    checkNow.start();
    assertThat(inA.await(5, TimeUnit.SECONDS)).isTrue();
    monitor.close();
    assertThat(bClosed).isTrue();
    releaseA.countDown();
    checkNow.join(5000);
    assertThat(bPolledAfterClose).as("b.poll() called after b.close()").isFalse();
  }

  @Test
  void closeIsBoundedWhenTheHostExecutorRunsPollsInTheSchedulerThread() throws Exception {
    CountDownLatch inPoll = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    MetricSource hangs =
        ctx -> {
          inPoll.countDown();
          release.await();
          return List.of();
        };
    ResourceMonitor monitor =
        ResourceMonitor.builder()
            .clock(clock)
            .ticker(ticker)
            .source("hangs", Schedule.every(Duration.ofMinutes(1)), hangs)
            .executor(Runnable::run) // or any executor with CallerRunsPolicy
            .shutdownTimeout(Duration.ofMillis(200))
            .withoutSinks()
            .build();
    monitor.start();
    assertThat(inPoll.await(5, TimeUnit.SECONDS)).isTrue();
    try {
      assertTimeoutPreemptively(Duration.ofSeconds(3), monitor::close);
    } finally {
      release.countDown();
    }
  }

  @Test
  void sinkThrowingInterruptedExceptionOnceStillGetsItsRetryAndLaterDeliveries() throws Exception {
    AtomicInteger calls = new AtomicInteger();
    List<Boolean> interruptedOnEntry = Collections.synchronizedList(new ArrayList<>());
    AlertSink sink =
        n -> {
          interruptedOnEntry.add(Thread.currentThread().isInterrupted());
          if (calls.incrementAndGet() == 1)
            throw new InterruptedException("rate limiter wait interrupted");
        };
    MetricSource source =
        ctx ->
            List.of(
                Sample.of("cpu_usage", "vm-1", 90, ctx.now()),
                Sample.of("cpu_usage", "vm-2", 90, ctx.now()));
    ResourceMonitor monitor =
        ResourceMonitor.builder()
            .clock(clock)
            .ticker(ticker)
            .source("s", Schedule.every(Duration.ofMinutes(1)), source)
            .rule(AlertRule.builder("HighCpu").metric("cpu_usage").above(80).build())
            .deliveryBackoff(Duration.ZERO, Duration.ZERO)
            .sink("s", sink)
            .build();
    try {
      monitor.pollNow();
      monitor.flush(Duration.ofSeconds(5));
      assertThat(interruptedOnEntry).hasSizeGreaterThanOrEqualTo(3);
      assertThat(interruptedOnEntry.subList(1, interruptedOnEntry.size())).containsOnly(false);
    } finally {
      monitor.close();
    }
  }

  @Test
  void interruptedPollIsNotASourceFailureAndKeepsTheInterrupt() {
    MetricSource source =
        ctx -> {
          throw new InterruptedException("host executor shutting down");
        };
    ResourceMonitor monitor =
        ResourceMonitor.builder()
            .clock(clock)
            .ticker(ticker)
            .source("s", Schedule.every(Duration.ofMinutes(1)), source)
            .withoutSinks()
            .build();
    try {
      monitor.pollNow();
      assertThat(Thread.interrupted()).as("interrupt status kept").isTrue();
      assertThat(monitor.activeAlerts()).as("no SourceHealth alert").isEmpty();
      assertThat(monitor.stats().sources().get("s").failures()).isZero();
    } finally {
      monitor.close();
    }
  }
}
