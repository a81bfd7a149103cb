package dev.vigil;

import static java.util.Objects.requireNonNull;

import dev.vigil.internal.Templates;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * A test on the samples of one resource: a metric's value (latest or aggregated) {@code above},
 * {@code below} or {@code outside} thresholds, or {@link #allOf}/{@link #anyOf} of such tests over
 * several metrics of the same resource. Immutable and thread safe.
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
public final class Condition {
  enum Op {
    ABOVE,
    BELOW,
    OUTSIDE,
    ALL,
    ANY
  }

  final Op op;
  final String metric;
  final Aggregation aggregation;
  final double lo;
  final double hi;
  final List<Condition> parts;

  private Condition(
      Op op, String metric, Aggregation aggregation, double lo, double hi, List<Condition> parts) {
    this.op = op;
    this.metric = metric;
    this.aggregation = aggregation;
    this.lo = lo;
    this.hi = hi;
    this.parts = parts;
  }

  /**
   * Starts a condition on {@code metric}'s latest value.
   *
   * @throws NullPointerException if {@code metric} is null
   * @throws IllegalArgumentException if {@code metric} is blank
   */
  public static Operand metric(String metric) {
    requireNonNull(metric, "metric == null");
    if (metric.isBlank()) throw new IllegalArgumentException("metric is blank");
    return new Operand(metric, Aggregation.latest());
  }

  /**
   * Holds when every part holds.
   *
   * @throws NullPointerException if a part is null
   * @throws IllegalArgumentException if there are no parts
   */
  public static Condition allOf(Condition... parts) {
    return composite(Op.ALL, parts);
  }

  /**
   * Holds when any part holds.
   *
   * @throws NullPointerException if a part is null
   * @throws IllegalArgumentException if there are no parts
   */
  public static Condition anyOf(Condition... parts) {
    return composite(Op.ANY, parts);
  }

  private static Condition composite(Op op, Condition[] parts) {
    requireNonNull(parts, "parts == null");
    if (parts.length == 0)
      throw new IllegalArgumentException(
          op == Op.ALL ? "allOf() needs parts" : "anyOf() needs parts");
    List<Condition> list = new ArrayList<>();
    for (Condition c : parts) list.add(requireNonNull(c, "part == null"));
    return new Condition(
        op,
        list.get(0).primaryMetric(),
        Aggregation.latest(),
        Double.NaN,
        Double.NaN,
        List.copyOf(list));
  }

  /** The metric whose value a notification reports: this leaf's, or the first part's. */
  String primaryMetric() {
    return metric;
  }

  /** The first leaf: its value is the one reported in notifications. */
  Condition primaryLeaf() {
    return parts.isEmpty() ? this : parts.get(0).primaryLeaf();
  }

  boolean isLeaf() {
    return parts.isEmpty();
  }

  /** Every metric this condition reads. */
  Set<String> metrics() {
    Set<String> out = new TreeSet<>();
    collectLeaves(new ArrayList<>()).forEach(c -> out.add(c.metric));
    return out;
  }

  List<Condition> collectLeaves(List<Condition> into) {
    if (isLeaf()) into.add(this);
    else parts.forEach(p -> p.collectLeaves(into));
    return into;
  }

  /** The leaf threshold a notification reports: the bound that breaches. */
  double threshold() {
    Condition leaf = primaryLeaf();
    return leaf.op == Op.BELOW ? leaf.hi : leaf.lo;
  }

  boolean holds(double value) {
    return switch (op) {
      case ABOVE -> value > lo;
      case BELOW -> value < hi;
      case OUTSIDE -> value < lo || value > hi;
      default -> throw new IllegalStateException("not a leaf");
    };
  }

  @Override
  public String toString() {
    return switch (op) {
      case ABOVE -> operand() + " > " + Templates.formatNumber(lo);
      case BELOW -> operand() + " < " + Templates.formatNumber(hi);
      case OUTSIDE ->
          operand()
              + " outside ["
              + Templates.formatNumber(lo)
              + ", "
              + Templates.formatNumber(hi)
              + "]";
      case ALL -> "allOf" + parts;
      case ANY -> "anyOf" + parts;
    };
  }

  private String operand() {
    return aggregation.equals(Aggregation.latest()) ? metric : aggregation + " of " + metric;
  }

  /** A metric's value, latest or aggregated, waiting for its comparison. Immutable. */
  public static final class Operand {
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
      return new Condition(
          Op.ABOVE, metric, aggregation, finite(threshold, "threshold"), Double.NaN, List.of());
    }

    /**
     * Holds when the value is strictly less than {@code threshold}.
     *
     * @throws IllegalArgumentException if {@code threshold} is not finite
     */
    public Condition below(double threshold) {
      return new Condition(
          Op.BELOW, metric, aggregation, Double.NaN, finite(threshold, "threshold"), List.of());
    }

    /**
     * Holds when the value is strictly less than {@code low} or strictly greater than {@code high}.
     *
     * @throws IllegalArgumentException if a bound is not finite or {@code low > high}
     */
    public Condition outside(double low, double high) {
      finite(low, "low");
      finite(high, "high");
      if (low > high) throw new IllegalArgumentException("outside: low " + low + " > high " + high);
      return new Condition(Op.OUTSIDE, metric, aggregation, low, high, List.of());
    }

    private static double finite(double v, String name) {
      if (!Double.isFinite(v)) throw new IllegalArgumentException(name + " must be finite: " + v);
      return v;
    }
  }
}
