package dev.vigil.tests;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.vigil.Alert;
import dev.vigil.AlertNotification;
import dev.vigil.AlertRule;
import dev.vigil.AlertSink;
import dev.vigil.AlertStatus;
import dev.vigil.MetricSource;
import dev.vigil.MonitorListener;
import dev.vigil.MonitorStats;
import dev.vigil.PollContext;
import dev.vigil.ResourceMonitor;
import dev.vigil.Sample;
import dev.vigil.Schedule;
import dev.vigil.testing.Await;
import dev.vigil.testing.ManualClock;
import dev.vigil.testing.ManualTicker;
import dev.vigil.testing.RecordingSink;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class ResourceMonitorTest {
  private static final Instant T0 = Instant.parse("2026-11-24T00:00:00Z");
  private static final Duration MINUTE = Duration.ofMinutes(1);

  private final ManualTicker ticker = ManualTicker.create();
  private final ManualClock clock = ManualClock.startingAt(T0);
  private final RecordingSink sink = RecordingSink.create();
  private final List<ResourceMonitor> monitors = new ArrayList<>();

  private final AlertRule highCpu =
      AlertRule.builder("HighCpu")
          .metric("cpu_usage")
          .above(80)
          .summary("CPU usage on {resource} is {value}%")
          .build();

  @AfterEach
  void closeMonitors() {
    monitors.forEach(ResourceMonitor::close);
  }

  private ResourceMonitor.Builder builder() {
    return ResourceMonitor.builder()
        .clock(clock)
        .ticker(ticker)
        .deliveryBackoff(Duration.ZERO, Duration.ZERO);
  }

  private ResourceMonitor track(ResourceMonitor monitor) {
    monitors.add(monitor);
    return monitor;
  }

  /** A source whose cpu_usage values are set by the test. */
  private static final class SettableSource implements MetricSource {
    final AtomicInteger polls = new AtomicInteger();
    volatile double cpu;

    SettableSource(double cpu) {
      this.cpu = cpu;
    }

    @Override
    public List<Sample> poll(PollContext context) {
      polls.incrementAndGet();
      return List.of(Sample.of("cpu_usage", "vm-1", cpu, context.now()));
    }
  }

  @Test
  void firesOnceWhileBreachingAndResolvesWhenBack() {
    SettableSource source = new SettableSource(92.4);
    ResourceMonitor monitor =
        track(
            builder()
                .source("cloud", Schedule.every(MINUTE), source)
                .rule(highCpu)
                .sink("rec", sink)
                .build());

    monitor.pollNow();
    clock.advance(MINUTE);
    monitor.pollNow();
    source.cpu = 50;
    clock.advance(MINUTE);
    monitor.pollNow();

    List<AlertNotification> received = sink.awaitCount(2, Await.TIMEOUT);
    assertThat(received).as("two notifications").hasSize(2);
    AlertNotification firing = received.get(0);
    AlertNotification resolved = received.get(1);
    assertThat(firing.status()).isEqualTo(AlertStatus.FIRING);
    assertThat(firing.summary()).isEqualTo("CPU usage on vm-1 is 92.4%");
    assertThat(firing.startsAt()).isEqualTo(T0);
    assertThat(firing.endsAt()).isNull();
    assertThat(firing.labels())
        .containsEntry("alertname", "HighCpu")
        .containsEntry("resource", "vm-1")
        .containsEntry("severity", "warning");
    assertThat(resolved.status()).isEqualTo(AlertStatus.RESOLVED);
    assertThat(resolved.startsAt()).isEqualTo(T0);
    assertThat(resolved.endsAt()).isEqualTo(T0.plus(MINUTE).plus(MINUTE));
    assertThat(resolved.fingerprint()).isEqualTo(firing.fingerprint());
    assertThat(monitor.activeAlerts()).isEmpty();
  }

  @Test
  void activeAlertsListsFiringAlerts() {
    ResourceMonitor monitor =
        track(
            builder()
                .source("cloud", Schedule.every(MINUTE), new SettableSource(95))
                .rule(highCpu)
                .withoutSinks()
                .build());

    monitor.pollNow();

    assertThat(monitor.activeAlerts())
        .singleElement()
        .satisfies(
            a -> {
              assertThat(a.rule()).isEqualTo("HighCpu");
              assertThat(a.resource()).isEqualTo("vm-1");
              assertThat(a.value()).isEqualTo(95);
              assertThat(a.threshold()).isEqualTo(80);
              assertThat(a.startsAt()).isEqualTo(T0);
            });
  }

  @Test
  void scheduledPollsFollowTheTickerAtAFixedRate() {
    SettableSource source = new SettableSource(10);
    ResourceMonitor monitor =
        track(builder().source("cloud", Schedule.every(MINUTE), source).withoutSinks().build());
    monitor.start();

    Await.until("first poll at start", () -> source.polls.get() == 1);
    for (int i = 2; i <= 5; i++) {
      ticker.advance(MINUTE);
      int expected = i;
      Await.until("poll " + i, () -> source.polls.get() == expected);
    }
    ticker.advance(Duration.ofSeconds(59));
    monitor.pollNow(); // a pollNow does not move the schedule
    assertThat(source.polls.get()).isEqualTo(6);
    ticker.advance(Duration.ofSeconds(1));
    Await.until("poll on the minute", () -> source.polls.get() == 7);
    assertThat(monitor.stats().sources().get("cloud").skippedTicks()).isZero();
  }

  @Test
  void sourceThatThrowsAThousandTimesKeepsBeingPolled() {
    AtomicInteger calls = new AtomicInteger();
    RecordingListener listener = new RecordingListener();
    MetricSource broken =
        context -> {
          int n = calls.incrementAndGet();
          if (n <= 1000) throw new IOException("API down, call " + n);
          return List.of(Sample.of("cpu_usage", "vm-1", 99, context.now()));
        };
    ResourceMonitor monitor =
        track(
            builder()
                .source("flaky", Schedule.every(Duration.ofSeconds(10)), broken)
                .rule(highCpu)
                .sink("rec", sink)
                .listener(listener)
                .build());
    monitor.start();

    for (int i = 1; i <= 1001; i++) {
      int expected = i;
      Await.until("call " + i, () -> calls.get() >= expected);
      ticker.advance(Duration.ofSeconds(10));
    }

    sink.awaitCount(3, Await.TIMEOUT); // the alert once the source recovered
    // One source-health alert for a thousand failures, resolved by the recovery; then the metric
    // alert.
    assertThat(sink.notifications())
        .extracting(n -> n.rule() + " " + n.status())
        .containsExactly("SourceHealth FIRING", "SourceHealth RESOLVED", "HighCpu FIRING");
    assertThat(sink.notifications().get(0).labels())
        .containsEntry("cause", "connection")
        .containsEntry("resource", "flaky");
    // A poll is counted once its notifications are handed on: the sink may hear them first.
    Await.until(
        "the recovered poll counted", () -> monitor.stats().sources().get("flaky").polls() >= 1);
    MonitorStats.SourceStats stats = monitor.stats().sources().get("flaky");
    assertThat(stats.failures()).isEqualTo(1000);
    assertThat(stats.lastError()).contains("API down, call 1000");
    assertThat(listener.sourceErrors).hasSize(1000);
  }

  @Test
  void sourceReturningNullIsAFailureNotACrash() {
    AtomicInteger calls = new AtomicInteger();
    MetricSource nulls = context -> calls.incrementAndGet() == 1 ? null : List.of();
    ResourceMonitor monitor =
        track(builder().source("nulls", Schedule.every(MINUTE), nulls).withoutSinks().build());

    monitor.pollNow();
    monitor.pollNow();

    assertThat(monitor.stats().sources().get("nulls").failures()).isEqualTo(1);
    assertThat(monitor.stats().sources().get("nulls").polls()).isEqualTo(1);
  }

  @Test
  void slowPollSkipsTicksInsteadOfOverlappingOrBursting() throws Exception {
    CountDownLatch inPoll = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    AtomicInteger calls = new AtomicInteger();
    AtomicInteger concurrent = new AtomicInteger();
    AtomicInteger maxConcurrent = new AtomicInteger();
    RecordingListener listener = new RecordingListener();
    MetricSource slow =
        context -> {
          maxConcurrent.accumulateAndGet(concurrent.incrementAndGet(), Math::max);
          try {
            if (calls.incrementAndGet() == 1) {
              inPoll.countDown();
              release.await();
            }
            return List.of();
          } finally {
            concurrent.decrementAndGet();
          }
        };
    ResourceMonitor monitor =
        track(
            builder()
                .source("slow", Schedule.every(Duration.ofSeconds(10)), slow)
                .listener(listener)
                .withoutSinks()
                .build());
    monitor.start();
    assertThat(inPoll.await(10, TimeUnit.SECONDS)).isTrue();

    ticker.advance(Duration.ofSeconds(35)); // ticks at 10, 20 and 30 s come while the poll runs
    release.countDown();
    Await.until(
        "three skipped ticks", () -> monitor.stats().sources().get("slow").skippedTicks() == 3);
    assertThat(calls.get()).isEqualTo(1);

    ticker.advance(Duration.ofSeconds(5)); // 40 s: the next tick on the original grid
    Await.until("the poll at 40 s", () -> calls.get() == 2);
    ticker.advance(Duration.ofSeconds(9));
    monitor.pollNow(); // nothing else may have run before 50 s
    assertThat(calls.get()).isEqualTo(3);
    assertThat(maxConcurrent.get()).isEqualTo(1);
    assertThat(listener.skippedTicks.get()).isEqualTo(3);
  }

  @Test
  void fixedDelayCountsFromTheEndOfThePreviousPoll() throws Exception {
    CountDownLatch inPoll = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    AtomicInteger calls = new AtomicInteger();
    MetricSource slow =
        context -> {
          if (calls.incrementAndGet() == 1) {
            inPoll.countDown();
            release.await();
          }
          return List.of();
        };
    ResourceMonitor monitor =
        track(
            builder()
                .source("slow", Schedule.fixedDelay(Duration.ofSeconds(10)), slow)
                .withoutSinks()
                .build());
    monitor.start();
    assertThat(inPoll.await(10, TimeUnit.SECONDS)).isTrue();

    ticker.advance(Duration.ofSeconds(25));
    release.countDown();
    Await.until("first poll finished", () -> monitor.stats().sources().get("slow").polls() == 1);
    ticker.advance(Duration.ofSeconds(9));
    monitor.pollNow(); // proves no scheduled poll ran in between: calls would be 3 otherwise
    assertThat(calls.get()).isEqualTo(2);
    ticker.advance(Duration.ofSeconds(1));
    Await.until("poll 10 s after the end of the first", () -> calls.get() == 3);
    assertThat(monitor.stats().sources().get("slow").skippedTicks()).isZero();
  }

  @Test
  void errorFromSinkDoesNotKillTheMonitor() {
    AtomicInteger attempts = new AtomicInteger();
    AlertSink throwsError =
        n -> {
          attempts.incrementAndGet();
          throw new LinkageError("sink bug");
        };
    SettableSource source = new SettableSource(95);
    ResourceMonitor monitor =
        track(
            builder()
                .source("cloud", Schedule.every(MINUTE), source)
                .rule(highCpu)
                .sink("broken", throwsError)
                .sink("rec", sink)
                .deliveryAttempts(1)
                .build());

    monitor.pollNow();
    Await.until("broken sink tried", () -> attempts.get() == 1);
    source.cpu = 10;
    monitor.pollNow();

    assertThat(sink.awaitCount(2, Await.TIMEOUT))
        .as("both notifications delivered to the healthy sink")
        .hasSize(2);
    Await.until("broken sink tried again for the second", () -> attempts.get() == 2);
    // A sink's counters move just after its deliver() returns or throws: wait for them.
    Await.until("both dropped", () -> monitor.stats().sinks().get("broken").dropped() == 2);
    Await.until("both counted", () -> monitor.stats().sinks().get("rec").delivered() == 2);
    assertThat(monitor.stats().sinks().get("broken").dropped()).isEqualTo(2);
    assertThat(monitor.stats().sinks().get("rec").delivered()).isEqualTo(2);
  }

  @Test
  void hangingSinkDoesNotDelayAnotherSinkNorPolling() throws Exception {
    CountDownLatch hanging = new CountDownLatch(1);
    AlertSink hangs =
        n -> {
          hanging.countDown();
          new CountDownLatch(1).await(); // forever, until interrupted by close()
        };
    SettableSource source = new SettableSource(95);
    ResourceMonitor monitor =
        track(
            builder()
                .source("cloud", Schedule.every(MINUTE), source)
                .rule(highCpu)
                .sink("hangs", hangs)
                .sink("rec", sink)
                .shutdownTimeout(Duration.ofMillis(500))
                .build());
    monitor.start();

    assertThat(sink.awaitCount(1, Await.TIMEOUT))
        .as("healthy sink got the firing alert")
        .hasSize(1);
    assertThat(hanging.await(10, TimeUnit.SECONDS)).isTrue();
    source.cpu = 10;
    ticker.advance(MINUTE);
    assertThat(sink.awaitCount(2, Await.TIMEOUT)).as("healthy sink got the resolution").hasSize(2);
    assertThat(source.polls.get()).isEqualTo(2);

    long t0 = System.nanoTime();
    monitor.close();
    assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofSeconds(5));
    // The hanging sink had the resolution queued behind the stuck firing one: lost, but counted.
    assertThat(monitor.stats().sinks().get("hangs").dropped()).isEqualTo(2);
  }

  @Test
  void failedDeliveryIsRetriedThenSucceeds() {
    AtomicInteger attempts = new AtomicInteger();
    List<AlertNotification> delivered = Collections.synchronizedList(new ArrayList<>());
    AlertSink flaky =
        n -> {
          if (attempts.incrementAndGet() < 3) throw new IOException("SMTP 421 try later");
          delivered.add(n);
        };
    ResourceMonitor monitor =
        track(
            builder()
                .source("cloud", Schedule.every(MINUTE), new SettableSource(95))
                .rule(highCpu)
                .sink("flaky", flaky)
                .deliveryAttempts(3)
                .build());

    monitor.pollNow();

    Await.until("delivered on the third attempt", () -> delivered.size() == 1);
    Await.until(
        "counted as delivered", () -> monitor.stats().sinks().get("flaky").delivered() == 1);
    MonitorStats.SinkStats stats = monitor.stats().sinks().get("flaky");
    assertThat(stats.failedAttempts()).isEqualTo(2);
    assertThat(stats.delivered()).isEqualTo(1);
    assertThat(stats.dropped()).isZero();
  }

  @Test
  void closeFlushesPendingNotifications() throws Exception {
    CountDownLatch gate = new CountDownLatch(1);
    List<String> delivered = Collections.synchronizedList(new ArrayList<>());
    AlertSink slow =
        n -> {
          gate.await();
          delivered.add(n.resource());
        };
    MetricSource many =
        context -> {
          List<Sample> samples = new ArrayList<>();
          for (int i = 0; i < 50; i++)
            samples.add(Sample.of("cpu_usage", "vm-" + i, 99, context.now()));
          return samples;
        };
    ResourceMonitor monitor =
        track(
            builder()
                .source("cloud", Schedule.every(MINUTE), many)
                .rule(highCpu)
                .sink("slow", slow)
                .build());
    monitor.pollNow();
    assertThat(monitor.stats().sinks().get("slow").pending()).isEqualTo(50);

    gate.countDown();
    monitor.close();

    assertThat(delivered).hasSize(50);
    assertThat(monitor.stats().sinks().get("slow").pending()).isZero();
  }

  @Test
  void flushWaitsForDeliveryAndLeavesTheMonitorRunning() throws Exception {
    CountDownLatch gate = new CountDownLatch(1);
    List<String> delivered = Collections.synchronizedList(new ArrayList<>());
    AlertSink slow =
        n -> {
          gate.await();
          delivered.add(n.resource());
        };
    ResourceMonitor monitor =
        track(
            builder()
                .source("cloud", Schedule.every(MINUTE), new SettableSource(95))
                .rule(highCpu)
                .sink("slow", slow)
                .build());
    monitor.pollNow();

    assertThat(monitor.flush(Duration.ofMillis(50))).isFalse(); // still held at the gate
    gate.countDown();
    assertThat(monitor.flush(Duration.ofSeconds(10))).isTrue();

    assertThat(delivered).containsExactly("vm-1");
    monitor.pollNow(); // still running
    assertThat(monitor.stats().sources().get("cloud").polls()).isEqualTo(2);
  }

  @Test
  void closeIsIdempotentAndClosesSourcesAndSinksOnce() {
    AtomicInteger sourceCloses = new AtomicInteger();
    MetricSource source =
        new MetricSource() {
          @Override
          public List<Sample> poll(PollContext context) {
            return List.of();
          }

          @Override
          public void close() {
            sourceCloses.incrementAndGet();
          }
        };
    ResourceMonitor monitor =
        builder().source("s", Schedule.every(MINUTE), source).sink("rec", sink).build();
    monitor.start();

    monitor.close();
    monitor.close();

    assertThat(sourceCloses.get()).isEqualTo(1);
    assertThat(sink.isClosed()).isTrue();
    assertThatThrownBy(monitor::pollNow).isInstanceOf(IllegalStateException.class);
    assertThatThrownBy(monitor::start).isInstanceOf(IllegalStateException.class);
  }

  @Test
  void noVigilThreadIsAliveAfterClose() {
    ResourceMonitor monitor =
        builder()
            .source("cloud", Schedule.every(MINUTE), new SettableSource(95))
            .rule(highCpu)
            .sink("rec", sink)
            .build();
    monitor.start();
    assertThat(sink.awaitCount(1, Await.TIMEOUT)).as("delivery").hasSize(1);
    assertThat(vigilThreads()).isNotEmpty().allMatch(Thread::isDaemon);

    monitor.close();

    Await.until("no vigil- thread", Duration.ofSeconds(5), () -> vigilThreads().isEmpty());
  }

  @Test
  void hostExecutorRunsPollsAndIsNotShutDown() {
    ExecutorService host = Executors.newSingleThreadExecutor(r -> new Thread(r, "host-pool"));
    try {
      AtomicReference<String> pollThread = new AtomicReference<>();
      MetricSource source =
          context -> {
            pollThread.set(Thread.currentThread().getName());
            return List.of();
          };
      ResourceMonitor monitor =
          builder()
              .source("s", Schedule.every(MINUTE), source)
              .executor(host)
              .withoutSinks()
              .build();
      monitor.start();
      Await.until("polled", () -> pollThread.get() != null);
      monitor.close();

      assertThat(pollThread.get()).isEqualTo("host-pool");
      assertThat(host.isShutdown()).isFalse();
    } finally {
      host.shutdownNow();
    }
  }

  @Test
  void partialErrorsAreReportedAndGoodSamplesEvaluated() {
    RecordingListener listener = new RecordingListener();
    MetricSource partial =
        context -> {
          context.reportError("vm-2", new IOException("vm-2 metrics: HTTP 500"));
          return List.of(Sample.of("cpu_usage", "vm-1", 99, context.now()));
        };
    ResourceMonitor monitor =
        track(
            builder()
                .source("cloud", Schedule.every(MINUTE), partial)
                .rule(highCpu)
                .sink("rec", sink)
                .listener(listener)
                .build());

    monitor.pollNow();

    assertThat(monitor.activeAlerts()).extracting(Alert::resource).containsExactly("vm-1");
    assertThat(listener.resourceErrors).containsExactly("vm-2");
    assertThat(monitor.stats().sources().get("cloud").resourceErrors()).isEqualTo(1);
  }

  @Test
  void incompletePollIsEvaluatedAndFiresTheHealthAlertWithItsCauseUntilAPollIsComplete() {
    AtomicInteger polls = new AtomicInteger();
    MetricSource deadline =
        context -> {
          if (polls.incrementAndGet() == 1) {
            context.reportError("vm-2", new IOException("vm-2: no answer before the deadline"));
            context.reportIncomplete(
                new dev.vigil.SourceException(
                    dev.vigil.SourceException.Kind.TIMEOUT,
                    "sweep deadline passed: 1 of 2 resources did not answer: vm-2",
                    null,
                    -1,
                    null,
                    null));
            context.reportIncomplete(new IOException("a second report: ignored"));
          }
          return List.of(Sample.of("cpu_usage", "vm-1", 99, context.now()));
        };
    ResourceMonitor monitor =
        track(
            builder()
                .source("cloud", Schedule.every(MINUTE), deadline)
                .rule(highCpu)
                .sink("rec", sink)
                .build());

    monitor.pollNow();

    assertThat(monitor.activeAlerts())
        .extracting(a -> a.rule() + " " + a.resource())
        .containsExactly("HighCpu vm-1", "SourceHealth cloud");
    Alert health = monitor.activeAlerts().get(1);
    assertThat(health.labels()).containsEntry("cause", "timeout");
    assertThat(health.summary())
        .isEqualTo(
            "Source cloud is failing (timeout): sweep deadline passed: 1 of 2 resources did not"
                + " answer: vm-2");

    clock.advance(MINUTE);
    monitor.pollNow(); // complete

    assertThat(monitor.activeAlerts()).extracting(Alert::rule).containsExactly("HighCpu");
    assertThat(monitor.stats().sources().get("cloud").polls()).isEqualTo(2);
  }

  @Test
  void listenerThatThrowsIsIgnored() {
    MonitorListener throwing =
        new MonitorListener() {
          @Override
          public void onPollSucceeded(String source, int samples, Duration took) {
            throw new IllegalStateException("listener bug");
          }

          @Override
          public void onNotification(AlertNotification notification) {
            throw new IllegalStateException("listener bug");
          }
        };
    ResourceMonitor monitor =
        track(
            builder()
                .source("cloud", Schedule.every(MINUTE), new SettableSource(95))
                .rule(highCpu)
                .sink("rec", sink)
                .listener(throwing)
                .build());

    monitor.pollNow();

    assertThat(sink.awaitCount(1, Await.TIMEOUT))
        .as("delivered despite the listener")
        .singleElement()
        .extracting(AlertNotification::status)
        .isEqualTo(AlertStatus.FIRING);
    assertThat(monitor.stats().sources().get("cloud").polls()).isEqualTo(1);
  }

  @Test
  void fullSinkQueueDropsTheOldestAndCountsIt() throws Exception {
    CountDownLatch entered = new CountDownLatch(1);
    CountDownLatch gate = new CountDownLatch(1);
    List<String> delivered = Collections.synchronizedList(new ArrayList<>());
    RecordingListener listener = new RecordingListener();
    AlertSink gated =
        n -> {
          entered.countDown();
          gate.await();
          delivered.add(n.resource());
        };
    AtomicInteger polls = new AtomicInteger();
    MetricSource source =
        context -> {
          if (polls.incrementAndGet() == 1)
            return List.of(Sample.of("cpu_usage", "vm-1", 99, context.now()));
          List<Sample> samples = new ArrayList<>();
          for (int i = 2; i <= 5; i++)
            samples.add(Sample.of("cpu_usage", "vm-" + i, 99, context.now()));
          return samples;
        };
    ResourceMonitor monitor =
        track(
            builder()
                .source("cloud", Schedule.every(MINUTE), source)
                .rule(highCpu)
                .sink("gated", gated)
                .sinkQueueCapacity(2)
                .listener(listener)
                .build());

    monitor.pollNow();
    assertThat(entered.await(10, TimeUnit.SECONDS)).isTrue(); // vm-1 is being delivered
    monitor.pollNow(); // vm-2..vm-5 into a queue of 2
    assertThat(monitor.stats().sinks().get("gated").pending()).isEqualTo(3);
    gate.countDown();
    Await.until("rest delivered", () -> delivered.size() == 3);

    assertThat(delivered).containsExactly("vm-1", "vm-4", "vm-5");
    assertThat(listener.dropped).containsExactly("vm-2", "vm-3");
    assertThat(monitor.stats().sinks().get("gated").dropped()).isEqualTo(2);
  }

  @Test
  void buildRejectsMissingAndConflictingSettings() {
    assertThatThrownBy(() -> ResourceMonitor.builder().build())
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("source");
    assertThatThrownBy(
            () ->
                ResourceMonitor.builder()
                    .source("s", Schedule.every(MINUTE), c -> List.of())
                    .executor(Runnable::run)
                    .pollThreads(8)
                    .build())
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("executor")
        .hasMessageContaining("pollThreads");
    ResourceMonitor.Builder b =
        ResourceMonitor.builder().source("s", Schedule.every(MINUTE), c -> List.of());
    assertThatThrownBy(() -> b.source("s", Schedule.every(MINUTE), c -> List.of()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("already registered: s");
    assertThatThrownBy(() -> b.sink("bad name", n -> {}))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("sink name");
    assertThatThrownBy(() -> b.pollThreads(0)).hasMessageContaining("pollThreads");
    assertThatThrownBy(() -> b.deliveryAttempts(0)).hasMessageContaining("deliveryAttempts");
    assertThatThrownBy(() -> b.sinkQueueCapacity(0)).hasMessageContaining("sinkQueueCapacity");
    assertThatThrownBy(() -> b.shutdownTimeout(Duration.ofSeconds(-1)))
        .hasMessageContaining("shutdownTimeout");
    assertThatThrownBy(() -> b.clock(null))
        .isInstanceOf(NullPointerException.class)
        .hasMessage("clock == null");
    assertThatThrownBy(() -> b.rule(highCpu).rule(highCpu))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("HighCpu");
  }

  private static List<Thread> vigilThreads() {
    List<Thread> threads = new ArrayList<>();
    for (Thread t : Thread.getAllStackTraces().keySet()) {
      if (t.getName().startsWith("vigil-") && t.isAlive()) threads.add(t);
    }
    return threads;
  }

  static final class RecordingListener implements MonitorListener {
    final List<Throwable> sourceErrors = Collections.synchronizedList(new ArrayList<>());
    final List<String> resourceErrors = Collections.synchronizedList(new ArrayList<>());
    final List<String> dropped = Collections.synchronizedList(new ArrayList<>());
    final AtomicInteger skippedTicks = new AtomicInteger();

    @Override
    public void onSourceError(String source, @Nullable String resource, Throwable error) {
      if (resource == null) sourceErrors.add(error);
      else resourceErrors.add(resource);
    }

    @Override
    public void onTickSkipped(String source) {
      skippedTicks.incrementAndGet();
    }

    @Override
    public void onDropped(String sink, AlertNotification notification, String reason) {
      dropped.add(notification.resource());
    }
  }
}
