package dev.vigil;

import dev.vigil.internal.Durations;
import java.time.Duration;

/**
 * When a {@link MetricSource} is polled. Times are readings of the monitor's {@link Ticker}, in
 * nanoseconds.
 *
 * <p>The monitor never runs two polls of one source at once and never bursts to catch up: a tick
 * that comes while the previous poll is still running, or that already lies in the past when a poll
 * finishes, is skipped and counted ({@link MonitorListener#onTickSkipped}).
 *
 * <p>Use the factories: {@link #every(Duration)} for a fixed rate without drift, {@link
 * #fixedDelay(Duration)} for a pause between polls; refine them with {@link
 * #withInitialDelay(Duration)} and {@link #withJitter(Duration)}. Implementations must be immutable
 * and thread safe.
 */
public interface Schedule {

  /**
   * Returns when the first poll is nominally due (before jitter).
   *
   * @param startNanos the ticker reading when the monitor started
   */
  long firstRun(long startNanos);

  /**
   * Returns when the poll after the one that was nominally due at {@code dueNanos} is due.
   *
   * @param dueNanos when the previous poll was due (not when it actually started)
   * @param finishedNanos when the previous poll finished; while it is still running, the current
   *     ticker reading
   */
  long nextRun(long dueNanos, long finishedNanos);

  /**
   * Returns the largest random delay the monitor adds to each due time, in nanoseconds. The jitter
   * moves when a poll starts, never the nominal due times that {@link #nextRun} computes, so it
   * never accumulates. The default is 0.
   */
  default long maxJitterNanos() {
    return 0L;
  }

  /**
   * Polls at a fixed rate: due times are {@code start + k * period}, whatever each poll takes, so
   * they never drift.
   *
   * @throws NullPointerException if {@code period} is null
   * @throws IllegalArgumentException if {@code period} is not positive
   */
  static Schedule every(Duration period) {
    return new Schedules.FixedRate(Durations.positive(period, "period").toNanos(), 0L, 0L);
  }

  /**
   * Polls with a fixed pause between the end of one poll and the start of the next.
   *
   * @throws NullPointerException if {@code delay} is null
   * @throws IllegalArgumentException if {@code delay} is not positive
   */
  static Schedule fixedDelay(Duration delay) {
    return new Schedules.FixedDelay(Durations.positive(delay, "delay").toNanos(), 0L, 0L);
  }

  /**
   * Returns this schedule with its first poll {@code delay} after start. Supported by the
   * factories' schedules; the default throws.
   *
   * @throws NullPointerException if {@code delay} is null
   * @throws IllegalArgumentException if {@code delay} is negative
   * @throws UnsupportedOperationException if this schedule is not one of the factories'
   */
  default Schedule withInitialDelay(Duration delay) {
    throw new UnsupportedOperationException(getClass().getName() + " has no initial delay");
  }

  /**
   * Returns this schedule with each due time moved later by a random amount in {@code [0,
   * maxJitter)}, to spread the load of many monitors. The jitter never accumulates: a fixed-rate
   * schedule keeps its rate. For {@link #every} the jitter must be shorter than the period.
   * Supported by the factories' schedules; the default throws.
   *
   * @throws NullPointerException if {@code maxJitter} is null
   * @throws IllegalArgumentException if {@code maxJitter} is negative
   * @throws UnsupportedOperationException if this schedule is not one of the factories'
   */
  default Schedule withJitter(Duration maxJitter) {
    throw new UnsupportedOperationException(getClass().getName() + " has no jitter");
  }
}

/** The factories' schedules. */
final class Schedules {
  private Schedules() {}

  record FixedRate(long periodNanos, long initialDelayNanos, long maxJitterNanos)
      implements Schedule {
    FixedRate {
      if (maxJitterNanos >= periodNanos) {
        throw new IllegalArgumentException(
            "jitter must be shorter than the period: "
                + Duration.ofNanos(maxJitterNanos)
                + " >= "
                + Duration.ofNanos(periodNanos));
      }
    }

    @Override
    public long firstRun(long startNanos) {
      return startNanos + initialDelayNanos;
    }

    @Override
    public long nextRun(long dueNanos, long finishedNanos) {
      return dueNanos + periodNanos;
    }

    @Override
    public long maxJitterNanos() {
      return maxJitterNanos;
    }

    @Override
    public Schedule withInitialDelay(Duration delay) {
      return new FixedRate(
          periodNanos, Durations.nonNegative(delay, "initialDelay").toNanos(), maxJitterNanos);
    }

    @Override
    public Schedule withJitter(Duration maxJitter) {
      return new FixedRate(
          periodNanos, initialDelayNanos, Durations.nonNegative(maxJitter, "jitter").toNanos());
    }

    @Override
    public String toString() {
      return "Schedule.every("
          + Duration.ofNanos(periodNanos)
          + ")"
          + suffix(initialDelayNanos, maxJitterNanos);
    }
  }

  record FixedDelay(long delayNanos, long initialDelayNanos, long maxJitterNanos)
      implements Schedule {
    @Override
    public long firstRun(long startNanos) {
      return startNanos + initialDelayNanos;
    }

    @Override
    public long nextRun(long dueNanos, long finishedNanos) {
      return finishedNanos + delayNanos;
    }

    @Override
    public long maxJitterNanos() {
      return maxJitterNanos;
    }

    @Override
    public Schedule withInitialDelay(Duration delay) {
      return new FixedDelay(
          delayNanos, Durations.nonNegative(delay, "initialDelay").toNanos(), maxJitterNanos);
    }

    @Override
    public Schedule withJitter(Duration maxJitter) {
      return new FixedDelay(
          delayNanos, initialDelayNanos, Durations.nonNegative(maxJitter, "jitter").toNanos());
    }

    @Override
    public String toString() {
      return "Schedule.fixedDelay("
          + Duration.ofNanos(delayNanos)
          + ")"
          + suffix(initialDelayNanos, maxJitterNanos);
    }
  }

  private static String suffix(long initialDelayNanos, long maxJitterNanos) {
    return (initialDelayNanos == 0
            ? ""
            : ".withInitialDelay(" + Duration.ofNanos(initialDelayNanos) + ")")
        + (maxJitterNanos == 0 ? "" : ".withJitter(" + Duration.ofNanos(maxJitterNanos) + ")");
  }
}
