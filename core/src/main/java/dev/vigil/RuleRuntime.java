package dev.vigil;

import static java.util.Objects.requireNonNull;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * A rule and what the engine needs of it, computed once: its comparisons and metrics, its durations
 * in ticker nanoseconds, and whether its alerts may stay quiet without an object (see {@link
 * #quiet}). Evaluates its conditions against a {@link SeriesStore}. Immutable but for {@link
 * #absentSighted}, which the evaluator's lock guards.
 */
final class RuleRuntime {
  final AlertRule rule;
  final List<Condition.Comparison> leaves = new ArrayList<>();
  final Set<String> metrics = new HashSet<>();
  final long forNanos;
  final long keepFiringNanos;
  final long staleNanos;
  final long absentGraceNanos;

  /**
   * Whether its condition, critical condition and clear condition are each one comparison of the
   * rule's metric: then an alert of it is one series' business, and one that is inactive with no
   * breach so far needs no object ({@link Series#quiet}).
   */
  final boolean quiet;

  /** The quiet rule's comparisons (critical and clear may be null) and their windows' indexes. */
  final Condition.@Nullable Comparison base;

  final Condition.@Nullable Comparison critical;
  final int baseWindow;
  final int criticalWindow;

  /** A quiet rule's slot of periods in {@link Series#quiet}; set once by the evaluator. */
  int bitsSlot = -1;

  /**
   * A quiet rule's slot of its last datapoint in {@link Series#quiet}, or -1 for a rule on latest
   * values only, whose last datapoint is its series' last sample; set once by the evaluator.
   */
  int dataSlot = -1;

  /** Whether a quiet alert's last datapoint is its series' last sample: latest values only. */
  boolean latestOnly() {
    Condition.Comparison b = base;
    Condition.Comparison c = critical;
    return b != null
        && b.aggregation().kind == Aggregation.Kind.LATEST
        && (c == null || c.aggregation().kind == Aggregation.Kind.LATEST);
  }

  /** For an absent rule: a matching series was reported. Guarded by the evaluator's lock. */
  boolean absentSighted;

  RuleRuntime(AlertRule rule, Map<String, SeriesStore.WindowSpec[]> windowsByMetric) {
    this.rule = rule;
    this.forNanos = Evaluator.nanos(rule.forDuration());
    this.keepFiringNanos = Evaluator.nanos(rule.keepFiringFor());
    this.staleNanos = Evaluator.nanos(rule.staleAfter());
    Duration grace = rule.absentGrace();
    this.absentGraceNanos = grace == null ? 0 : Evaluator.nanos(grace);
    for (Condition c :
        new Condition[] {rule.condition(), rule.criticalCondition(), rule.clearCondition()}) {
      if (c != null) leaves.addAll(c.comparisons());
    }
    leaves.forEach(l -> metrics.add(l.metric()));
    metrics.add(rule.metric());
    this.quiet =
        isLeafOf(rule.condition(), rule.metric(), false)
            && isLeafOf(rule.criticalCondition(), rule.metric(), true)
            && isLeafOf(rule.clearCondition(), rule.metric(), true);
    SeriesStore.WindowSpec[] specs = windowsByMetric.get(rule.metric());
    this.base = quiet ? (Condition.Comparison) rule.condition() : null;
    this.critical = quiet ? (Condition.Comparison) rule.criticalCondition() : null;
    this.baseWindow =
        base == null ? -1 : SeriesStore.WindowSpec.indexOf(specs, base.aggregation().window());
    this.criticalWindow =
        critical == null
            ? -1
            : SeriesStore.WindowSpec.indexOf(specs, critical.aggregation().window());
  }

  private static boolean isLeafOf(@Nullable Condition c, String metric, boolean optional) {
    if (c == null) return optional;
    return c instanceof Condition.Comparison leaf && leaf.metric().equals(metric);
  }

  /**
   * What a quiet alert of this rule on {@code s} sees now: {@link #NO_DATA}, {@link #QUIET} (data,
   * no breach, not critical: it stays quiet) or {@link #LOUD} (it needs its object). Allocates
   * nothing.
   */
  int quietOutcome(Series s, long nowNanos) {
    Condition.Comparison b = requireNonNull(base, "base of a quiet rule");
    double v = s.aggregate(b.aggregation(), baseWindow, nowNanos);
    if (Double.isNaN(v)) return NO_DATA;
    if (b.holds(v)) return LOUD;
    Condition.Comparison c = critical;
    if (c != null) {
      double cv = s.aggregate(c.aggregation(), criticalWindow, nowNanos);
      if (!Double.isNaN(cv) && c.holds(cv)) return LOUD;
    }
    return QUIET;
  }

  static final int NO_DATA = 0;
  static final int QUIET = 1;
  static final int LOUD = 2;

  /**
   * The threshold a quiet alert reports: its base comparison's, for a value that does not breach.
   */
  double quietThreshold() {
    Condition.Comparison b = requireNonNull(base, "base of a quiet rule");
    return b.op() == Condition.Op.BELOW ? b.high() : b.low();
  }

  /** Evaluates the rule's conditions for one resource and label set. */
  Result evaluate(SeriesStore store, String resource, Map<String, String> labels, long nowNanos) {
    // Heartbeat rules, the only ones without a condition, are never evaluated here.
    Condition condition = requireNonNull(rule.condition(), "condition of a threshold rule");
    Outcome baseOutcome = outcome(store, condition, resource, labels, nowNanos);
    if (!baseOutcome.hasData)
      return new Result(false, false, false, null, Double.NaN, Double.NaN, Double.NaN);
    Condition criticalCondition = rule.criticalCondition();
    Outcome crit =
        criticalCondition == null
            ? null
            : outcome(store, criticalCondition, resource, labels, nowNanos);
    Condition clear = rule.clearCondition();
    Outcome clr = clear == null ? null : outcome(store, clear, resource, labels, nowNanos);
    boolean isCritical = crit != null && crit.hasData && crit.holds;
    return new Result(
        true,
        baseOutcome.holds || isCritical,
        isCritical,
        (clr == null || !clr.hasData) ? null : clr.holds,
        baseOutcome.value,
        baseOutcome.threshold,
        crit == null ? Double.NaN : crit.threshold);
  }

  record Outcome(boolean hasData, boolean holds, double value, double threshold) {}

  static Outcome outcome(
      SeriesStore store, Condition c, String resource, Map<String, String> labels, long nowNanos) {
    if (c instanceof Condition.Comparison leaf) {
      Series s = store.find(leaf.metric(), resource, labels);
      double v = s == null ? Double.NaN : s.aggregate(leaf.aggregation(), nowNanos);
      if (Double.isNaN(v)) return new Outcome(false, false, Double.NaN, Double.NaN);
      return new Outcome(true, leaf.holds(v), v, leaf.thresholdFor(v));
    }
    boolean all = c instanceof Condition.AllOf;
    List<Condition> parts = all ? ((Condition.AllOf) c).parts() : ((Condition.AnyOf) c).parts();
    boolean anyData = false;
    boolean allData = true;
    boolean holds = all;
    Outcome first = null;
    Outcome firstWithData = null;
    Outcome firstHolding = null;
    for (Condition part : parts) {
      Outcome o = outcome(store, part, resource, labels, nowNanos);
      if (first == null) first = o;
      if (o.hasData && firstWithData == null) firstWithData = o;
      if (o.hasData && o.holds && firstHolding == null) firstHolding = o;
      anyData |= o.hasData;
      allData &= o.hasData;
      if (all) holds &= o.hasData && o.holds;
      else holds |= o.hasData && o.holds;
    }
    boolean hasData = all ? allData : anyData;
    // The value reported is the first part's for allOf, and the part that holds for anyOf.
    Outcome shown =
        all
            ? first
            : firstHolding != null ? firstHolding : firstWithData != null ? firstWithData : first;
    requireNonNull(shown, "a composite condition has parts");
    return new Outcome(hasData, hasData && holds, shown.value, shown.threshold);
  }

  /** The outcome of evaluating a rule's conditions once. */
  record Result(
      boolean hasData,
      boolean breach,
      boolean critical,
      @Nullable Boolean clear,
      double value,
      double threshold,
      double criticalThreshold) {}
}
