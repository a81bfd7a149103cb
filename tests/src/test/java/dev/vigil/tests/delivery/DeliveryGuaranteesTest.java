package dev.vigil.tests.delivery;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vigil.AlertNotification;
import dev.vigil.AlertRule;
import dev.vigil.AlertSink;
import dev.vigil.MetricSource;
import dev.vigil.MonitorListener;
import dev.vigil.MonitorStats;
import dev.vigil.PermanentDeliveryException;
import dev.vigil.PollContext;
import dev.vigil.ResourceMonitor;
import dev.vigil.Sample;
import dev.vigil.Schedule;
import dev.vigil.testing.Await;
import dev.vigil.testing.ManualClock;
import dev.vigil.testing.ManualTicker;
import dev.vigil.testing.RecordingSink;
import dev.vigil.tests.logging.RecordingLogs;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.slf4j.event.Level;

/**
 * Delivery guarantees, black-box: retry with back-off (Resilience4j <a
 * href="https://resilience4j.readme.io/docs/retry">Retry</a>, {@code
 * IntervalFunction.ofExponentialRandomBackoff}), permanent failures and the dead-letter callback,
 * per-sink isolation and bounded queues (Alertmanager's per-integration retry stage, {@code
 * notify/notify.go} {@code RetryStage}), and close() with deadlines.
 */
class DeliveryGuaranteesTest {
  private static final Instant T0 = Instant.parse("2026-11-24T10:00:00Z");
  private static final Duration MINUTE = Duration.ofMinutes(1);

  private final ManualTicker ticker = ManualTicker.create();
  private final ManualClock clock = ManualClock.startingAt(T0);
  private final AlertRule highCpu = AlertRule.builder("HighCpu").metric("cpu").above(80).build();

  /** {@code resources} resources at {@code cpu}. */
  static final class Fleet implements MetricSource {
    volatile int resources;
    volatile double cpu;

    Fleet(int resources, double cpu) {
      this.resources = resources;
      this.cpu = cpu;
    }

    @Override
    public List<Sample> poll(PollContext context) {
      List<Sample> out = new ArrayList<>(resources);
      for (int i = 0; i < resources; i++) out.add(Sample.of("cpu", "vm-" + i, cpu, context.now()));
      return out;
    }
  }

  private ResourceMonitor.Builder builder(MetricSource source) {
    return ResourceMonitor.builder()
        .clock(clock)
        .ticker(ticker)
        .deliveryBackoff(Duration.ZERO, Duration.ZERO)
        .shutdownTimeout(Duration.ofSeconds(2))
        .source("cloud", Schedule.every(MINUTE), source)
        .rule(highCpu);
  }

  /** Records dead letters and drops. */
  static final class Letters implements MonitorListener {
    final List<String> deadLetters = Collections.synchronizedList(new ArrayList<>());
    final AtomicInteger dropped = new AtomicInteger();

    @Override
    public void onDeadLetter(String sink, AlertNotification n, Throwable cause) {
      deadLetters.add(sink + " " + n.resource() + " " + cause.getMessage());
    }

    @Override
    public void onDropped(String sink, AlertNotification n, String reason) {
      dropped.incrementAndGet();
    }
  }

  @Test
  void sinkFailingFiveTimesThenSucceedingReceivesEachNotificationOnceWithOneKey() throws Exception {
    Map<String, AtomicInteger> attemptsByKey = new ConcurrentHashMap<>();
    List<AlertNotification> received = Collections.synchronizedList(new ArrayList<>());
    AlertSink flaky =
        n -> {
          int attempt =
              attemptsByKey
                  .computeIfAbsent(n.idempotencyKey(), k -> new AtomicInteger())
                  .incrementAndGet();
          if (attempt <= 5) throw new IOException("503 try later");
          received.add(n);
        };
    try (ResourceMonitor m =
        builder(new Fleet(3, 95)).sink("flaky", flaky).deliveryAttempts(6).build()) {
      m.pollNow();
      assertThat(m.flush(Duration.ofSeconds(10))).isTrue();

      assertThat(received).hasSize(3);
      assertThat(received).extracting(AlertNotification::idempotencyKey).doesNotHaveDuplicates();
      assertThat(attemptsByKey.values()).allSatisfy(a -> assertThat(a.get()).isEqualTo(6));
      MonitorStats.SinkStats s = m.stats().sinks().get("flaky");
      assertThat(s.delivered()).isEqualTo(3);
      assertThat(s.failedAttempts()).isEqualTo(15);
      assertThat(s.retried()).isEqualTo(15);
      assertThat(s.dropped()).isZero();
    }
  }

  @Test
  void permanentFailureIsTriedOnceAndDeadLetteredWithItsCause() throws Exception {
    AtomicInteger attempts = new AtomicInteger();
    AlertSink rejecting =
        n -> {
          attempts.incrementAndGet();
          throw new PermanentDeliveryException("550 mailbox unavailable");
        };
    Letters letters = new Letters();
    try (ResourceMonitor m =
        builder(new Fleet(1, 95))
            .sink("mail", rejecting)
            .deliveryAttempts(5)
            .listener(letters)
            .build()) {
      m.pollNow();
      assertThat(m.flush(Duration.ofSeconds(5))).isTrue();

      assertThat(attempts).hasValue(1);
      assertThat(letters.deadLetters).containsExactly("mail vm-0 550 mailbox unavailable");
      MonitorStats.SinkStats s = m.stats().sinks().get("mail");
      assertThat(s.deadLettered()).isEqualTo(1);
      assertThat(s.droppedByReason()).containsEntry("dead letter", 1L);
    }
  }

  @Test
  void transientFailureOutOfAttemptsIsDeadLettered() throws Exception {
    Letters letters = new Letters();
    try (ResourceMonitor m =
        builder(new Fleet(1, 95))
            .sink(
                "down",
                n -> {
                  throw new IOException("connection refused");
                })
            .deliveryAttempts(3)
            .listener(letters)
            .build()) {
      m.pollNow();
      assertThat(m.flush(Duration.ofSeconds(5))).isTrue();
      assertThat(letters.deadLetters).containsExactly("down vm-0 connection refused");
      assertThat(m.stats().sinks().get("down").failedAttempts()).isEqualTo(3);
    }
  }

  @Test
  void hungSinkDelaysNoOtherSink() throws Exception {
    CountDownLatch never = new CountDownLatch(1);
    RecordingSink healthy = RecordingSink.create();
    try (ResourceMonitor m =
        builder(new Fleet(5, 95))
            .shutdownTimeout(Duration.ofMillis(200))
            .sink("hung", n -> never.await())
            .sink("healthy", healthy)
            .build()) {
      m.pollNow();
      assertThat(healthy.awaitCount(5, Duration.ofSeconds(5))).hasSize(5);
    }
  }

  @Test
  void sinkThreadDyingOfStackOverflowIsReplacedAndItsNotificationRetried() throws Exception {
    AtomicInteger calls = new AtomicInteger();
    List<String> received = Collections.synchronizedList(new ArrayList<>());
    AlertSink overflowOnce =
        n -> {
          if (calls.incrementAndGet() == 1) throw new StackOverflowError("deep template");
          received.add(n.resource());
        };
    try (ResourceMonitor m = builder(new Fleet(3, 95)).sink("deep", overflowOnce).build()) {
      m.pollNow();
      Await.until("all three delivered", () -> received.size() == 3);
      assertThat(received).containsExactlyInAnyOrder("vm-0", "vm-1", "vm-2");
      MonitorStats.SinkStats s = m.stats().sinks().get("deep");
      Await.until("counted", () -> m.stats().sinks().get("deep").delivered() == 3);
      assertThat(s.failedAttempts()).isEqualTo(1);
    }
  }

  @Test
  void tenThousandNotificationsIntoAQueueOfTenAreAllCountedAndLoggedInAFewLines() throws Exception {
    CountDownLatch gate = new CountDownLatch(1);
    AtomicInteger delivered = new AtomicInteger();
    Letters letters = new Letters();
    RecordingLogs.clear();
    ResourceMonitor m =
        builder(new Fleet(10_000, 95))
            .sinkQueueCapacity(10)
            .listener(letters)
            .sink(
                "slow",
                n -> {
                  gate.await();
                  delivered.incrementAndGet();
                })
            .build();
    try {
      m.pollNow(); // 10,000 FIRING in one poll
      MonitorStats.SinkStats s = m.stats().sinks().get("slow");
      assertThat(s.dropped() + s.pending()).isEqualTo(10_000);
      assertThat(s.droppedByReason()).containsEntry("queue full", s.dropped());
      assertThat(letters.dropped).hasValue((int) s.dropped());
      long dropLines =
          RecordingLogs.events(
                  e ->
                      e.level().toInt() >= Level.WARN.toInt() && e.message().contains("queue full"))
              .size();
      System.out.printf(
          "10,000 notifications, queue 10: dropped %d, pending %d, WARN lines about it %d%n",
          s.dropped(), s.pending(), dropLines);
      assertThat(dropLines).isBetween(1L, 3L);
      gate.countDown();
      assertThat(m.flush(Duration.ofSeconds(5))).isTrue();
      assertThat(delivered.get()).isEqualTo(s.pending());
    } finally {
      gate.countDown();
      m.close();
    }
  }

  @Test
  void queueFullDropsTheOldestReminderBeforeAnythingElse() throws Exception {
    CountDownLatch gate = new CountDownLatch(1);
    CountDownLatch entered = new CountDownLatch(1);
    List<String> got = Collections.synchronizedList(new ArrayList<>());
    Fleet fleet = new Fleet(2, 95);
    AlertRule reminding =
        AlertRule.builder("HighCpu").metric("cpu").above(80).repeatInterval(MINUTE).build();
    try (ResourceMonitor m =
        ResourceMonitor.builder()
            .clock(clock)
            .ticker(ticker)
            .deliveryBackoff(Duration.ZERO, Duration.ZERO)
            .source("cloud", Schedule.every(MINUTE), fleet)
            .rule(reminding)
            .sinkQueueCapacity(3)
            .sink(
                "slow",
                n -> {
                  entered.countDown();
                  gate.await();
                  got.add(n.resource() + " " + n.type());
                })
            .build()) {
      m.pollNow(); // vm-0 FIRING (in flight), vm-1 FIRING queued
      assertThat(entered.await(5, TimeUnit.SECONDS)).as("first in flight").isTrue();
      clock.advance(MINUTE);
      ticker.advance(MINUTE); // reminders are timed on the ticker
      m.pollNow(); // two reminders: queue [vm-1 FIRING, vm-0 REMINDER, vm-1 REMINDER]
      fleet.cpu = 50;
      clock.advance(MINUTE);
      ticker.advance(MINUTE);
      m.pollNow(); // two RESOLVED: the reminders go first
      gate.countDown();
      assertThat(m.flush(Duration.ofSeconds(5))).isTrue();
      assertThat(got)
          .containsExactly("vm-0 FIRING", "vm-1 FIRING", "vm-0 RESOLVED", "vm-1 RESOLVED");
      assertThat(m.stats().sinks().get("slow").droppedByReason())
          .containsEntry("queue full (reminder)", 2L);
    }
  }

  @Test
  void closeIsBoundedWhenASinksAndASourcesCloseNeverReturn() throws Exception {
    CountDownLatch never = new CountDownLatch(1);
    RecordingSink healthy = RecordingSink.create();
    MetricSource hangingSource =
        new MetricSource() {
          @Override
          public List<Sample> poll(PollContext context) {
            return List.of(Sample.of("cpu", "vm-1", 95, context.now()));
          }

          @Override
          public void close() throws Exception {
            never.await();
          }
        };
    AlertSink hangingClose =
        new AlertSink() {
          @Override
          public void deliver(AlertNotification n) {}

          @Override
          public void close() throws Exception {
            never.await();
          }
        };
    ResourceMonitor m =
        builder(hangingSource)
            .shutdownTimeout(Duration.ofMillis(500))
            .sink("hangs-on-close", hangingClose)
            .sink("healthy", healthy)
            .build();
    m.pollNow();
    long t0 = System.nanoTime();
    m.close();
    long tookMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
    System.out.printf(
        "close() with a hanging sink close and source close took %d ms%n", tookMillis);
    assertThat(tookMillis).isLessThan(4_000);
    assertThat(healthy.notifications()).hasSize(1);
    assertThat(healthy.isClosed()).isTrue();
  }

  @Test
  void sixConcurrentClosersAllReturnOnlyOnceEveryHealthyQueueWasDelivered() throws Exception {
    CountDownLatch gate = new CountDownLatch(1);
    AtomicInteger delivered = new AtomicInteger();
    ResourceMonitor m =
        builder(new Fleet(50, 95))
            .shutdownTimeout(Duration.ofSeconds(10))
            .sink(
                "slowish",
                n -> {
                  gate.await();
                  delivered.incrementAndGet();
                })
            .build();
    m.pollNow();
    List<Thread> closers = new ArrayList<>();
    List<Integer> seenOnReturn = Collections.synchronizedList(new ArrayList<>());
    CountDownLatch started = new CountDownLatch(6);
    for (int i = 0; i < 6; i++) {
      Thread t =
          new Thread(
              () -> {
                started.countDown();
                m.close();
                seenOnReturn.add(delivered.get());
              },
              "closer-" + i);
      closers.add(t);
      t.start();
    }
    started.await(5, TimeUnit.SECONDS);
    gate.countDown();
    for (Thread t : closers) t.join(TimeUnit.SECONDS.toMillis(15));
    assertThat(seenOnReturn).hasSize(6).allSatisfy(n -> assertThat(n).isEqualTo(50));
  }

  @Test
  void closeFromAListenerCallbackDeliversWhatHealthySinksCan() throws Exception {
    RecordingSink healthy = RecordingSink.create();
    AtomicReference<ResourceMonitor> ref = new AtomicReference<>();
    CountDownLatch closedFromListener = new CountDownLatch(1);
    MonitorListener closing =
        new MonitorListener() {
          @Override
          public void onNotification(AlertNotification n) {
            if (closedFromListener.getCount() == 1) {
              ref.get().close(); // must neither wait on itself nor drop the rest of this poll
              closedFromListener.countDown();
            }
          }
        };
    ResourceMonitor m =
        builder(new Fleet(20, 95)).sink("healthy", healthy).listener(closing).build();
    ref.set(m);
    long t0 = System.nanoTime();
    m.pollNow();
    assertThat(closedFromListener.await(5, TimeUnit.SECONDS)).isTrue();
    assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0)).isLessThan(1_500);
    Await.until("sink closed", healthy::isClosed);
    assertThat(healthy.notifications()).hasSize(20);
  }

  @Test
  void closeFromASinkThreadDeliversWhatHealthySinksCan() throws Exception {
    RecordingSink healthy = RecordingSink.create();
    List<String> selfClosing = Collections.synchronizedList(new ArrayList<>());
    AtomicReference<ResourceMonitor> ref = new AtomicReference<>();
    AlertSink closer =
        n -> {
          selfClosing.add(n.resource());
          if (selfClosing.size() == 1) ref.get().close();
        };
    ResourceMonitor m =
        builder(new Fleet(10, 95)).sink("closer", closer).sink("healthy", healthy).build();
    ref.set(m);
    m.pollNow();
    Await.until("healthy sink closed", healthy::isClosed);
    assertThat(healthy.notifications()).hasSize(10);
    assertThat(selfClosing).hasSize(10);
  }
}
