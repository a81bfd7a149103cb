package dev.vigil;

import static java.util.Objects.requireNonNull;

import dev.vigil.internal.Templates;
import java.time.Duration;
import org.jspecify.annotations.Nullable;

/**
 * How a {@link Condition} turns a series of samples into the one value it compares: the latest
 * sample, or an aggregate over a {@link Window}. Immutable and thread safe.
 *
 * <p>Aggregates are kept incrementally per series, so evaluating {@link #avg}, {@link #min}, {@link
 * #max} and {@link #ratePerSecond} costs the same whatever the window holds; {@link #percentile}
 * sorts the window on each evaluation.
 */
public final class Aggregation {
  enum Kind {
    LATEST,
    AVG,
    MIN,
    MAX,
    PERCENTILE,
    RATE,
    PREDICT_LINEAR
  }

  private static final Aggregation LATEST =
      new Aggregation(Kind.LATEST, null, Double.NaN, Duration.ZERO);

  final Kind kind;
  final @Nullable Window window;
  final double percentile;
  final Duration ahead;

  private Aggregation(Kind kind, @Nullable Window window, double percentile, Duration ahead) {
    this.kind = kind;
    this.window = window;
    this.percentile = percentile;
    this.ahead = ahead;
  }

  /** The latest sample's value. The default. */
  public static Aggregation latest() {
    return LATEST;
  }

  /**
   * The mean over {@code window} (Prometheus {@code avg_over_time}).
   *
   * @throws NullPointerException if {@code window} is null
   */
  public static Aggregation avg(Window window) {
    return new Aggregation(
        Kind.AVG, requireNonNull(window, "window == null"), Double.NaN, Duration.ZERO);
  }

  /**
   * The minimum over {@code window}.
   *
   * @throws NullPointerException if {@code window} is null
   */
  public static Aggregation min(Window window) {
    return new Aggregation(
        Kind.MIN, requireNonNull(window, "window == null"), Double.NaN, Duration.ZERO);
  }

  /**
   * The maximum over {@code window}.
   *
   * @throws NullPointerException if {@code window} is null
   */
  public static Aggregation max(Window window) {
    return new Aggregation(
        Kind.MAX, requireNonNull(window, "window == null"), Double.NaN, Duration.ZERO);
  }

  /**
   * The {@code p}th percentile over {@code window}, interpolated linearly between ranks like
   * Prometheus {@code quantile_over_time}.
   *
   * @param p the percentile, in [0, 100]
   * @throws NullPointerException if {@code window} is null
   * @throws IllegalArgumentException if {@code p} is not in [0, 100]
   */
  public static Aggregation percentile(double p, Window window) {
    if (!(p >= 0 && p <= 100))
      throw new IllegalArgumentException("percentile must be in [0, 100]: " + p);
    return new Aggregation(
        Kind.PERCENTILE, requireNonNull(window, "window == null"), p, Duration.ZERO);
  }

  /**
   * The change per second between the first and the last sample of {@code window}; needs two
   * samples.
   *
   * @throws NullPointerException if {@code window} is null
   */
  public static Aggregation ratePerSecond(Window window) {
    return new Aggregation(
        Kind.RATE, requireNonNull(window, "window == null"), Double.NaN, Duration.ZERO);
  }

  /**
   * The value a least-squares line through {@code window} predicts {@code ahead} of the latest
   * sample, like Prometheus {@code predict_linear}: "disk usage above 100 within 4h" is {@code
   * Condition.metric("disk_usage").aggregate(predictLinear(Window.of(Duration.ofHours(1)),
   * Duration.ofHours(4))).above(100)}. Needs two samples.
   *
   * @throws NullPointerException if an argument is null
   * @throws IllegalArgumentException if {@code ahead} is negative
   */
  public static Aggregation predictLinear(Window window, Duration ahead) {
    requireNonNull(window, "window == null");
    requireNonNull(ahead, "ahead == null");
    if (ahead.isNegative()) throw new IllegalArgumentException("ahead is negative: " + ahead);
    return new Aggregation(Kind.PREDICT_LINEAR, window, Double.NaN, ahead);
  }

  /** The window, or null for {@link #latest()}. */
  public @Nullable Window window() {
    return window;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Aggregation a
        && a.kind == kind
        && java.util.Objects.equals(a.window, window)
        && Double.compare(a.percentile, percentile) == 0
        && a.ahead.equals(ahead);
  }

  @Override
  public int hashCode() {
    return java.util.Objects.hash(kind, window, percentile, ahead);
  }

  @Override
  public String toString() {
    return switch (kind) {
      case LATEST -> "latest";
      case PERCENTILE -> "p" + Templates.formatNumber(percentile) + "(" + window + ")";
      case PREDICT_LINEAR -> "predictLinear(" + window + ", " + ahead + ")";
      default -> kind.name().toLowerCase(java.util.Locale.ROOT) + "(" + window + ")";
    };
  }
}
