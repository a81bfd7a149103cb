package dev.vigil;

import static java.util.Objects.requireNonNull;

import java.time.Duration;

/**
 * Which past samples of a series an {@link Aggregation} looks at: the last {@code n} samples, or
 * the samples of the last {@code duration}. Immutable and thread safe.
 */
public final class Window {
  /** The most samples any window keeps per series, whatever its duration. */
  public static final int MAX_SAMPLES = 10_000;

  private final int count;
  private final Duration duration;

  private Window(int count, Duration duration) {
    this.count = count;
    this.duration = duration;
  }

  /**
   * The last {@code n} samples, like CloudWatch's evaluation periods. Until {@code n} samples
   * arrived the aggregate has no value, so a restart never fires on a half-filled window.
   *
   * @throws IllegalArgumentException if {@code n} is not in [1, {@value #MAX_SAMPLES}]
   */
  public static Window last(int n) {
    if (n < 1 || n > MAX_SAMPLES) {
      throw new IllegalArgumentException("window size must be in [1, " + MAX_SAMPLES + "]: " + n);
    }
    return new Window(n, Duration.ZERO);
  }

  /**
   * The samples of the last {@code duration}, like a Prometheus range vector {@code [5m]}; at most
   * {@value #MAX_SAMPLES} of them.
   *
   * @throws NullPointerException if {@code duration} is null
   * @throws IllegalArgumentException if {@code duration} is not positive
   */
  public static Window of(Duration duration) {
    requireNonNull(duration, "duration == null");
    if (duration.isNegative() || duration.isZero()) {
      throw new IllegalArgumentException("window duration must be positive: " + duration);
    }
    return new Window(MAX_SAMPLES, duration);
  }

  /** The number of samples kept, or {@value #MAX_SAMPLES} for a duration window. */
  public int count() {
    return count;
  }

  /** The duration of a duration window, or {@link Duration#ZERO} for a count window. */
  public Duration duration() {
    return duration;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Window w && w.count == count && w.duration.equals(duration);
  }

  @Override
  public int hashCode() {
    return 31 * count + duration.hashCode();
  }

  @Override
  public String toString() {
    return duration.isZero() ? "last(" + count + ")" : "of(" + duration + ")";
  }
}
