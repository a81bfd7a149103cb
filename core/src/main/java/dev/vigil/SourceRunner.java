package dev.vigil;

import dev.vigil.internal.Loggers;
import dev.vigil.internal.Threads;
import dev.vigil.internal.Throwables;
import java.time.Instant;
import java.util.concurrent.Semaphore;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;

/**
 * One registered source: its schedule state and counters. The permit makes sure that one source
 * never runs two polls at once, whether they come from the scheduler or from {@code pollNow()}.
 */
final class SourceRunner {
  private static final Logger log = Loggers.POLL;

  final String name;
  final MetricSource source;
  final Schedule schedule;
  final Semaphore permit = new Semaphore(1);
  private final AtomicBoolean closed = new AtomicBoolean();

  // Schedule state, guarded by this.
  /** Nominal due time of the next tick, or Long.MAX_VALUE while a scheduled poll is running. */
  private long nominalDue;

  /** When the next tick fires: nominal plus jitter. */
  private long fireAt = Long.MAX_VALUE;

  /** Nominal due time of the last tick that was run or skipped. */
  private long lastNominal;

  // Counters, guarded by this.
  private long polls;
  private long failures;
  private long pollNanos;
  private long resourceErrors;
  private long skippedTicks;
  private @Nullable Instant lastSuccess;
  private @Nullable String lastError;

  SourceRunner(String name, MetricSource source, Schedule schedule) {
    this.name = name;
    this.source = source;
    this.schedule = schedule;
  }

  /**
   * Closes the source, once; call only while holding the {@link #permit}, so that a source is never
   * closed during one of its polls. Failures are logged.
   */
  void closeSource() {
    if (!closed.compareAndSet(false, true)) return;
    Runnable close =
        () -> {
          try {
            source.close();
          } catch (Throwable e) {
            Throwables.rethrowIfFatal(e);
            log.warn("Source {} failed to close", name, e);
          }
        };
    if (!Threads.runUntil("source-" + name + "-close", close, System.nanoTime() + CLOSE_NANOS)) {
      log.warn("Source {} did not close within 1 s; abandoned", name);
    }
  }

  /** How long a source's own close() may take. */
  private static final long CLOSE_NANOS = java.util.concurrent.TimeUnit.SECONDS.toNanos(1);

  synchronized void start(long nowNanos) {
    nominalDue = schedule.firstRun(nowNanos);
    fireAt = withJitter(nominalDue);
  }

  synchronized long fireAt() {
    return fireAt;
  }

  /** The scheduler found this source due and its permit free: the poll is dispatched. */
  synchronized void dispatched() {
    lastNominal = nominalDue;
    nominalDue = Long.MAX_VALUE;
    fireAt = Long.MAX_VALUE;
  }

  /** The scheduler found this source due but busy (a {@code pollNow()}): skip the tick. */
  synchronized void skippedBusy(long nowNanos) {
    skippedTicks++;
    lastNominal = nominalDue;
    nominalDue = schedule.nextRun(lastNominal, nowNanos);
    fireAt = withJitter(nominalDue);
  }

  /**
   * A scheduled poll finished at {@code endNanos}: schedule the next tick after it. Ticks that fell
   * due while the poll ran (strictly before its end) are skipped, never run in a burst; a tick due
   * at the very instant the poll ended runs.
   *
   * @return how many ticks were skipped
   */
  synchronized int finished(long endNanos) {
    int skipped = 0;
    long next = schedule.nextRun(lastNominal, endNanos);
    while (next < endNanos) {
      skipped++;
      lastNominal = next;
      next = schedule.nextRun(lastNominal, endNanos);
    }
    skippedTicks += skipped;
    nominalDue = next;
    fireAt = withJitter(next);
    return skipped;
  }

  /** The executor refused the poll: try again on the next tick. */
  synchronized void rejected(long nowNanos) {
    finished(nowNanos);
  }

  private long withJitter(long nominal) {
    long max = schedule.maxJitterNanos();
    return max <= 0 ? nominal : nominal + ThreadLocalRandom.current().nextLong(max);
  }

  synchronized void succeeded(Instant startedAt, long tookNanos) {
    polls++;
    pollNanos += tookNanos;
    lastSuccess = startedAt;
  }

  synchronized void failed(Throwable error, long tookNanos) {
    failures++;
    pollNanos += tookNanos;
    lastError = String.valueOf(error);
  }

  synchronized void resourceFailed(Exception error) {
    resourceErrors++;
    lastError = String.valueOf(error);
  }

  synchronized MonitorStats.SourceStats stats() {
    return new MonitorStats.SourceStats(
        polls,
        failures,
        resourceErrors,
        skippedTicks,
        lastSuccess,
        lastError,
        java.time.Duration.ofNanos(pollNanos));
  }
}
