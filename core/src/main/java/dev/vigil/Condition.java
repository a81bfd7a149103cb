package dev.vigil;

import static java.util.Objects.requireNonNull;

import dev.vigil.internal.Templates;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * A test on the samples of one resource: a {@link Comparison} of a metric's value (latest or
 * aggregated) {@code above}, {@code below} or {@code outside} thresholds, or {@link AllOf}/{@link
 * AnyOf} of such tests over several metrics of the same resource. A sealed interface of immutable,
 * thread-safe records; build them with the factories:
 *
 * <pre>{@code
 * Condition busy = Condition.allOf(
 *     Condition.metric("cpu_usage").aggregate(Aggregation.avg(Window.last(5))).above(80),
 *     Condition.metric("memory_usage").above(90));
 * }</pre>
 *
 * <p>Comparisons are strict: {@code above(80)} does not hold for 80. A condition over a metric
 * without data (or an aggregate without enough samples) has no data; {@code allOf} has no data if
 * any part has none, {@code anyOf} holds if any part with data holds.
 */
public sealed interface Condition permits Condition.Comparison, Condition.AllOf, Condition.AnyOf {

  /**
   * Starts a condition on {@code metric}'s latest value.
   *
   * @throws NullPointerException if {@code metric} is null
   * @throws IllegalArgumentException if {@code metric} is blank
   */
  static Operand metric(String metric) {
    return new Operand(checkMetric(metric), Aggregation.latest());
  }

  /**
   * Holds when every part holds.
   *
   * @throws NullPointerException if a part is null
   * @throws IllegalArgumentException if there are no parts
   */
  static Condition allOf(Condition... parts) {
    return new AllOf(Arrays.asList(requireNonNull(parts, "parts == null")));
  }

  /**
   * Holds when any part holds.
   *
   * @throws NullPointerException if a part is null
   * @throws IllegalArgumentException if there are no parts
   */
  static Condition anyOf(Condition... parts) {
    return new AnyOf(Arrays.asList(requireNonNull(parts, "parts == null")));
  }

  /** Every metric this condition reads, sorted. */
  default Set<String> metrics() {
    Set<String> out = new TreeSet<>();
    for (Comparison c : comparisons()) out.add(c.metric());
    return out;
  }

  /** The comparisons of this condition, depth first: the first is the one notifications report. */
  default List<Comparison> comparisons() {
    List<Comparison> out = new ArrayList<>();
    collect(this, out);
    return List.copyOf(out);
  }

  private static void collect(Condition c, List<Comparison> into) {
    if (c instanceof Comparison leaf) into.add(leaf);
    else if (c instanceof AllOf all) all.parts().forEach(p -> collect(p, into));
    else ((AnyOf) c).parts().forEach(p -> collect(p, into));
  }

  private static String checkMetric(String metric) {
    requireNonNull(metric, "metric == null");
    if (metric.isBlank()) throw new IllegalArgumentException("metric is blank");
    return metric;
  }

  private static List<Condition> checkParts(List<Condition> parts, String name) {
    requireNonNull(parts, "parts == null");
    if (parts.isEmpty()) throw new IllegalArgumentException(name + "() needs parts");
    for (Condition c : parts) requireNonNull(c, "part == null");
    return List.copyOf(parts);
  }

  /** How a {@link Comparison} compares the value with its bounds. */
  enum Op {
    /** Strictly greater than {@code low}. */
    ABOVE,
    /** Strictly less than {@code high}. */
    BELOW,
    /** Strictly less than {@code low} or strictly greater than {@code high}. */
    OUTSIDE
  }

  /**
   * A metric's value, latest or aggregated, compared with bounds: {@link Op#ABOVE} uses {@code
   * low}, {@link Op#BELOW} {@code high} (the other bound is {@code NaN}), {@link Op#OUTSIDE} both.
   *
   * @param metric the metric read
   * @param aggregation latest value or an aggregate over a window
   * @param op the comparison
   * @param low the lower bound, or NaN when {@code op} is BELOW
   * @param high the upper bound, or NaN when {@code op} is ABOVE
   */
  record Comparison(String metric, Aggregation aggregation, Op op, double low, double high)
      implements Condition {

    /**
     * Validates the components.
     *
     * @throws NullPointerException if a component is null
     * @throws IllegalArgumentException if {@code metric} is blank, a bound {@code op} uses is not
     *     finite, the other is not NaN, or {@code low > high}
     */
    public Comparison {
      checkMetric(metric);
      requireNonNull(aggregation, "aggregation == null");
      requireNonNull(op, "op == null");
      boolean usesLow = op != Op.BELOW;
      boolean usesHigh = op != Op.ABOVE;
      if (usesLow ? !Double.isFinite(low) : !Double.isNaN(low)) {
        throw new IllegalArgumentException(
            (usesLow ? "threshold must be finite: " : "low must be NaN for " + op + ": ") + low);
      }
      if (usesHigh ? !Double.isFinite(high) : !Double.isNaN(high)) {
        throw new IllegalArgumentException(
            (usesHigh ? "threshold must be finite: " : "high must be NaN for " + op + ": ") + high);
      }
      if (op == Op.OUTSIDE && low > high) {
        throw new IllegalArgumentException("outside: low " + low + " > high " + high);
      }
    }

    /** Whether {@code value} passes the comparison. */
    public boolean holds(double value) {
      return switch (op) {
        case ABOVE -> value > low;
        case BELOW -> value < high;
        case OUTSIDE -> value < low || value > high;
      };
    }

    /** The bound a notification reports for {@code value}: the one it breaches, or is nearest. */
    double thresholdFor(double value) {
      return switch (op) {
        case ABOVE -> low;
        case BELOW -> high;
        case OUTSIDE -> value > high ? high : low;
      };
    }

    @Override
    public String toString() {
      String operand =
          aggregation.equals(Aggregation.latest()) ? metric : aggregation + " of " + metric;
      return switch (op) {
        case ABOVE -> operand + " > " + Templates.formatNumber(low);
        case BELOW -> operand + " < " + Templates.formatNumber(high);
        case OUTSIDE ->
            operand
                + " outside ["
                + Templates.formatNumber(low)
                + ", "
                + Templates.formatNumber(high)
                + "]";
      };
    }
  }

  /**
   * Holds when every part holds; has no data when any part has none. Reports the first part's
   * value.
   *
   * @param parts at least one condition
   */
  record AllOf(List<Condition> parts) implements Condition {
    /**
     * Copies the parts.
     *
     * @throws NullPointerException if {@code parts} or a part is null
     * @throws IllegalArgumentException if there are no parts
     */
    public AllOf {
      parts = checkParts(parts, "allOf");
    }

    @Override
    public String toString() {
      return "allOf" + parts;
    }
  }

  /**
   * Holds when any part with data holds; has data when any part has. Reports the value of the part
   * that holds (or the first with data).
   *
   * @param parts at least one condition
   */
  record AnyOf(List<Condition> parts) implements Condition {
    /**
     * Copies the parts.
     *
     * @throws NullPointerException if {@code parts} or a part is null
     * @throws IllegalArgumentException if there are no parts
     */
    public AnyOf {
      parts = checkParts(parts, "anyOf");
    }

    @Override
    public String toString() {
      return "anyOf" + parts;
    }
  }

  /** A metric's value, latest or aggregated, waiting for its comparison. Immutable. */
  final class Operand {
    private final String metric;
    private final Aggregation aggregation;

    private Operand(String metric, Aggregation aggregation) {
      this.metric = metric;
      this.aggregation = aggregation;
    }

    /**
     * Compares an aggregate over a window instead of the latest value.
     *
     * @throws NullPointerException if {@code aggregation} is null
     */
    public Operand aggregate(Aggregation aggregation) {
      return new Operand(metric, requireNonNull(aggregation, "aggregation == null"));
    }

    /**
     * Holds when the value is strictly greater than {@code threshold}.
     *
     * @throws IllegalArgumentException if {@code threshold} is not finite
     */
    public Condition above(double threshold) {
      return new Comparison(
          metric, aggregation, Op.ABOVE, finite(threshold, "threshold"), Double.NaN);
    }

    /**
     * Holds when the value is strictly less than {@code threshold}.
     *
     * @throws IllegalArgumentException if {@code threshold} is not finite
     */
    public Condition below(double threshold) {
      return new Comparison(
          metric, aggregation, Op.BELOW, Double.NaN, finite(threshold, "threshold"));
    }

    /**
     * Holds when the value is strictly less than {@code low} or strictly greater than {@code high}.
     *
     * @throws IllegalArgumentException if a bound is not finite or {@code low > high}
     */
    public Condition outside(double low, double high) {
      finite(low, "low");
      finite(high, "high");
      return new Comparison(metric, aggregation, Op.OUTSIDE, low, high);
    }

    private static double finite(double v, String name) {
      if (!Double.isFinite(v)) throw new IllegalArgumentException(name + " must be finite: " + v);
      return v;
    }
  }
}
