package dev.vigil;

import static java.util.Objects.requireNonNull;

import dev.vigil.internal.Durations;
import dev.vigil.internal.Labels;
import dev.vigil.internal.Templates;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;

/**
 * An alert rule: which condition raises an alert, how long it must hold, how noise is controlled,
 * and what the notifications say. One rule is evaluated per resource and label set: each gets its
 * own alert, state and fingerprint.
 *
 * <pre>{@code
 * AlertRule highCpu = AlertRule.builder("HighCpu")
 *     .metric("cpu_usage").aggregate(Aggregation.avg(Window.last(3)))
 *     .above(80).criticalAbove(95)          // one alert that escalates and de-escalates
 *     .clearBelow(75)                       // hysteresis
 *     .forDuration(Duration.ofMinutes(5))   // pending until it held 5 minutes
 *     .repeatInterval(Duration.ofHours(4))  // reminders while firing
 *     .summary("CPU usage on {resource} is {value}%")
 *     .build();
 * }</pre>
 *
 * <p>The semantics, each on a timeline, are in {@code docs/rules.md}. In short: an evaluation
 * happens for each poll of the rule's source. A breach moves the alert from {@code INACTIVE} to
 * {@code PENDING}, and to {@code FIRING} once it held for {@link Builder#forDuration} and {@link
 * Builder#datapoints M of N} evaluations breached. A firing alert resolves when the condition (or
 * the {@link Builder#clearWhen clear condition}) no longer holds, after {@link
 * Builder#keepFiringFor}. Missing datapoints follow {@link Builder#missingData}; a failing source
 * changes none of its alerts.
 *
 * <p><b>Templates.</b> Summary and description may use {@code {rule}}, {@code {metric}}, {@code
 * {resource}}, {@code {value}}, {@code {threshold}}, {@code {severity}} and {@code {labels.NAME}}.
 * Numbers are formatted for people: {@code 92.4}, not {@code 92.39999999}.
 *
 * <p>Immutable and thread safe.
 */
public final class AlertRule {
  /** Largest N of M-of-N. */
  public static final int MAX_EVALUATION_PERIODS = 64;

  private final String name;
  private final @Nullable Condition condition;
  private final @Nullable Condition criticalCondition;
  private final @Nullable Condition clearCondition;
  private final @Nullable Duration heartbeat;
  private final @Nullable Duration absentGrace;
  private final List<Matcher> absentMatchers;
  private final String metric;
  private final Severity severity;
  private final Duration forDuration;
  private final int datapointsToAlarm;
  private final int evaluationPeriods;
  private final Duration keepFiringFor;
  private final MissingData missingData;
  private final Duration staleAfter;
  private final Duration repeatInterval;
  private final boolean notifyResolved;
  private final double flapLow;
  private final double flapHigh;
  private final String summary;
  private final String description;
  private final Map<String, String> labels;

  private AlertRule(Builder b, @Nullable Condition condition) {
    this.name = b.name;
    this.condition = condition;
    this.criticalCondition = b.criticalCondition;
    this.clearCondition = b.clearCondition;
    this.heartbeat = b.heartbeat;
    this.absentGrace = b.absentGrace;
    this.absentMatchers = List.copyOf(b.absentMatchers);
    this.metric =
        condition != null ? condition.comparisons().get(0).metric() : requireNonNull(b.metric);
    this.severity = b.severity;
    this.forDuration = b.forDuration;
    this.datapointsToAlarm = b.datapointsToAlarm;
    this.evaluationPeriods = b.evaluationPeriods;
    this.keepFiringFor = b.keepFiringFor;
    this.missingData = b.missingData;
    this.staleAfter = b.staleAfter;
    this.repeatInterval = b.repeatInterval;
    this.notifyResolved = b.notifyResolved;
    this.flapLow = b.flapLow;
    this.flapHigh = b.flapHigh;
    this.summary = b.summary;
    this.description = b.description;
    this.labels = Map.copyOf(b.labels);
  }

  /**
   * Starts a rule named {@code name}; the name becomes the alerts' {@code alertname} label.
   *
   * @throws NullPointerException if {@code name} is null
   * @throws IllegalArgumentException if {@code name} is blank or {@code SourceHealth} (the name of
   *     the monitor's own source health alerts)
   */
  public static Builder builder(String name) {
    return new Builder(name);
  }

  /** The rule's name. */
  public String name() {
    return name;
  }

  /** The metric whose value notifications report (the first one of a composite condition). */
  public String metric() {
    return metric;
  }

  /** The condition at the rule's {@link #severity()}; null for a heartbeat or absent rule. */
  public @Nullable Condition condition() {
    return condition;
  }

  /** The condition that escalates the alert to {@link Severity#CRITICAL}, or null. */
  public @Nullable Condition criticalCondition() {
    return criticalCondition;
  }

  /**
   * The condition that clears a firing alert (hysteresis), or null to clear when it stops holding.
   */
  public @Nullable Condition clearCondition() {
    return clearCondition;
  }

  /** For a heartbeat rule, how long a series may go without a sample; null otherwise. */
  public @Nullable Duration heartbeat() {
    return heartbeat;
  }

  /**
   * For an absent rule, how long after the monitor's first poll a series that was never reported
   * starts to count as absent; null otherwise.
   */
  public @Nullable Duration absentGrace() {
    return absentGrace;
  }

  /**
   * For an absent rule, the label matchers a series of the metric must match (on its labels and
   * {@code resource}); empty otherwise, or for any series of the metric.
   */
  public List<Matcher> absentMatchers() {
    return absentMatchers;
  }

  /** The base severity of the alerts. */
  public Severity severity() {
    return severity;
  }

  /** How long the condition must hold before the alert fires (Prometheus {@code for}). */
  public Duration forDuration() {
    return forDuration;
  }

  /** M of M-of-N: how many of the last {@link #evaluationPeriods()} evaluations must breach. */
  public int datapointsToAlarm() {
    return datapointsToAlarm;
  }

  /** N of M-of-N. */
  public int evaluationPeriods() {
    return evaluationPeriods;
  }

  /** How long a firing alert keeps firing after its condition stopped holding. */
  public Duration keepFiringFor() {
    return keepFiringFor;
  }

  /** What a missing datapoint means. */
  public MissingData missingData() {
    return missingData;
  }

  /** After how long without data an alert goes to NO_DATA, or its resource counts as gone. */
  public Duration staleAfter() {
    return staleAfter;
  }

  /** How often a firing alert is notified again; {@link Duration#ZERO} for never. */
  public Duration repeatInterval() {
    return repeatInterval;
  }

  /** Whether resolutions are notified. */
  public boolean notifyResolved() {
    return notifyResolved;
  }

  /** Whether flap detection is on. */
  public boolean flapDetection() {
    return flapHigh > 0;
  }

  /** Flapping stops below this percent state change; 0 when flap detection is off. */
  public double flapLowThreshold() {
    return flapLow;
  }

  /** Flapping starts above this percent state change; 0 when flap detection is off. */
  public double flapHighThreshold() {
    return flapHigh;
  }

  /** The summary template. */
  public String summary() {
    return summary;
  }

  /** The description template; empty by default. */
  public String description() {
    return description;
  }

  /** Static labels added to every alert of this rule. */
  public Map<String, String> labels() {
    return labels;
  }

  @Override
  public String toString() {
    return "AlertRule{"
        + name
        + ": "
        + (heartbeat != null
            ? "no " + metric + " for " + heartbeat
            : absentGrace != null ? "absent(" + metric + absentMatchers + ")" : condition)
        + (criticalCondition != null ? ", critical " + criticalCondition : "")
        + ", "
        + severity
        + "}";
  }

  /**
   * Builds an {@link AlertRule}. Not thread safe. Setters validate their argument; {@link #build()}
   * checks that the settings are complete and consistent.
   */
  public static final class Builder {
    private final String name;
    private @Nullable String metric;
    private Aggregation aggregation = Aggregation.latest();
    // Conditions are either given whole or as shortcuts on metric() + aggregate(), resolved in
    // build() so that the order of the setters does not matter.
    private @Nullable Condition condition;
    private @Nullable Function<Condition.Operand, Condition> conditionShortcut;
    private @Nullable Condition criticalCondition;
    private @Nullable Function<Condition.Operand, Condition> criticalShortcut;
    private @Nullable Condition clearCondition;
    private @Nullable Function<Condition.Operand, Condition> clearShortcut;
    private @Nullable Duration heartbeat;
    private @Nullable Duration absentGrace;
    private final List<Matcher> absentMatchers = new ArrayList<>();
    private Severity severity = Severity.WARNING;
    private Duration forDuration = Duration.ZERO;
    private int datapointsToAlarm = 1;
    private int evaluationPeriods = 1;
    private Duration keepFiringFor = Duration.ZERO;
    private MissingData missingData = MissingData.MISSING;
    private Duration staleAfter = Duration.ofMinutes(5);
    private Duration repeatInterval = Duration.ZERO;
    private boolean notifyResolved = true;
    private double flapLow;
    private double flapHigh;
    private String summary = "{metric} of {resource} is {value} ({rule}, threshold {threshold})";
    private String description = "";
    private final Map<String, String> labels = new LinkedHashMap<>();

    private Builder(String name) {
      requireNonNull(name, "name == null");
      if (name.isBlank()) throw new IllegalArgumentException("name is blank");
      if (name.equals(Evaluator.SOURCE_HEALTH_RULE)) {
        throw new IllegalArgumentException(
            "rule name is reserved for the source health alerts: " + Evaluator.SOURCE_HEALTH_RULE);
      }
      this.name = name;
    }

    /**
     * Sets the metric that {@link #above}, {@link #below}, {@link #outside}, the {@code critical*}
     * and {@code clear*} shortcuts compare.
     *
     * @throws NullPointerException if {@code metric} is null
     * @throws IllegalArgumentException if {@code metric} is blank
     */
    public Builder metric(String metric) {
      requireNonNull(metric, "metric == null");
      if (metric.isBlank()) throw new IllegalArgumentException("metric is blank");
      this.metric = metric;
      return this;
    }

    /**
     * Compares an aggregate of the metric instead of its latest value, in {@link #above}, {@link
     * #below}, {@link #outside} and the {@code critical*} and {@code clear*} shortcuts.
     *
     * @throws NullPointerException if {@code aggregation} is null
     */
    public Builder aggregate(Aggregation aggregation) {
      this.aggregation = requireNonNull(aggregation, "aggregation == null");
      return this;
    }

    /** Validates a threshold now; the condition is made in build(). */
    private static void check(Function<Condition.Operand, Condition> shortcut) {
      Condition unused = shortcut.apply(Condition.metric("check"));
    }

    /**
     * Breaches when the metric is strictly greater than {@code threshold}.
     *
     * @throws IllegalArgumentException if {@code threshold} is not finite
     */
    public Builder above(double threshold) {
      return base(o -> o.above(threshold));
    }

    /**
     * Breaches when the metric is strictly less than {@code threshold}.
     *
     * @throws IllegalArgumentException if {@code threshold} is not finite
     */
    public Builder below(double threshold) {
      return base(o -> o.below(threshold));
    }

    /**
     * Breaches when the metric is strictly outside {@code [low, high]}.
     *
     * @throws IllegalArgumentException if a bound is not finite or {@code low > high}
     */
    public Builder outside(double low, double high) {
      return base(o -> o.outside(low, high));
    }

    private Builder base(Function<Condition.Operand, Condition> shortcut) {
      check(shortcut);
      this.conditionShortcut = shortcut;
      this.condition = null;
      return this;
    }

    /**
     * Sets any condition, such as a composite over several metrics of the resource. Replaces {@link
     * #metric}-based thresholds.
     *
     * @throws NullPointerException if {@code condition} is null
     */
    public Builder condition(Condition condition) {
      this.condition = requireNonNull(condition, "condition == null");
      this.conditionShortcut = null;
      return this;
    }

    /**
     * Escalates the alert to {@link Severity#CRITICAL} while the metric is above {@code threshold};
     * it de-escalates to the rule's severity when only the base condition holds.
     *
     * @throws IllegalArgumentException if {@code threshold} is not finite
     */
    public Builder criticalAbove(double threshold) {
      return critical(o -> o.above(threshold));
    }

    /**
     * Escalates the alert to {@link Severity#CRITICAL} while the metric is below {@code threshold}.
     *
     * @throws IllegalArgumentException if {@code threshold} is not finite
     */
    public Builder criticalBelow(double threshold) {
      return critical(o -> o.below(threshold));
    }

    private Builder critical(Function<Condition.Operand, Condition> shortcut) {
      check(shortcut);
      this.criticalShortcut = shortcut;
      this.criticalCondition = null;
      return this;
    }

    /**
     * Escalates the alert to {@link Severity#CRITICAL} while {@code condition} holds.
     *
     * @throws NullPointerException if {@code condition} is null
     */
    public Builder criticalWhen(Condition condition) {
      this.criticalCondition = requireNonNull(condition, "criticalCondition == null");
      this.criticalShortcut = null;
      return this;
    }

    /**
     * Hysteresis for an {@code above} rule: once firing, the alert clears only when the metric is
     * below {@code threshold} (fire above 90, clear below 80).
     *
     * @throws IllegalArgumentException if {@code threshold} is not finite
     */
    public Builder clearBelow(double threshold) {
      return clear(o -> o.below(threshold));
    }

    /**
     * Hysteresis for a {@code below} rule: once firing, the alert clears only when the metric is
     * above {@code threshold}.
     *
     * @throws IllegalArgumentException if {@code threshold} is not finite
     */
    public Builder clearAbove(double threshold) {
      return clear(o -> o.above(threshold));
    }

    private Builder clear(Function<Condition.Operand, Condition> shortcut) {
      check(shortcut);
      this.clearShortcut = shortcut;
      this.clearCondition = null;
      return this;
    }

    /**
     * Once firing, the alert clears only when {@code condition} holds.
     *
     * @throws NullPointerException if {@code condition} is null
     */
    public Builder clearWhen(Condition condition) {
      this.clearCondition = requireNonNull(condition, "clearCondition == null");
      this.clearShortcut = null;
      return this;
    }

    /**
     * Makes this a heartbeat rule (a dead man's switch): an alert fires for each series of the
     * metric that received no sample for {@code maxSilence}, also when its source fails, and
     * resolves when a sample arrives. Excludes thresholds.
     *
     * @throws NullPointerException if {@code maxSilence} is null
     * @throws IllegalArgumentException if {@code maxSilence} is not positive
     */
    public Builder heartbeat(Duration maxSilence) {
      this.heartbeat = Durations.positive(maxSilence, "heartbeat");
      return this;
    }

    /**
     * Makes this an absent rule, like Prometheus' {@code absent(metric{matchers})}: one alert fires
     * when no series of the metric that matches {@code matchers} (on its labels and {@code
     * resource}) has been reported since the monitor's first poll, once {@code grace} passed after
     * that poll, and resolves when the first such series arrives. For series that were reported and
     * then stopped, use {@link #heartbeat}. The alert's {@code resource} is the value of an {@code
     * equal("resource", ...)} matcher, or the metric; its other labels are the other equality
     * matchers' values, as Prometheus gives {@code absent()}'s result. Excludes thresholds and
     * heartbeats.
     *
     * <pre>{@code
     * AlertRule.builder("NoCpuFromEu").metric("cpu_usage")
     *     .absent(Duration.ofMinutes(5), Matcher.equal("region", "eu-west-1")).build();
     * }</pre>
     *
     * @throws NullPointerException if {@code grace}, {@code matchers} or a matcher is null
     * @throws IllegalArgumentException if {@code grace} is negative
     */
    public Builder absent(Duration grace, Matcher... matchers) {
      this.absentGrace = Durations.nonNegative(grace, "absent grace");
      requireNonNull(matchers, "matchers == null");
      absentMatchers.clear();
      for (Matcher m : matchers) absentMatchers.add(requireNonNull(m, "matcher == null"));
      return this;
    }

    /**
     * Sets the base severity; {@link Severity#WARNING} by default.
     *
     * @throws NullPointerException if {@code severity} is null
     */
    public Builder severity(Severity severity) {
      this.severity = requireNonNull(severity, "severity == null");
      return this;
    }

    /**
     * Keeps the alert pending until the condition held for {@code duration} (Prometheus {@code
     * for}), measured on the monitor's monotonic ticker; zero by default: fire on the first breach.
     * An evaluation that does not breach resets it, and so does, under {@link MissingData#MISSING},
     * a missing datapoint: as in Prometheus, the series is then absent.
     *
     * @throws NullPointerException if {@code duration} is null
     * @throws IllegalArgumentException if {@code duration} is negative
     */
    public Builder forDuration(Duration duration) {
      this.forDuration = Durations.nonNegative(duration, "forDuration");
      return this;
    }

    /**
     * Fires only when {@code m} of {@code n} datapoints breached (CloudWatch "datapoints to
     * alarm"); 1 of 1 by default. As in CloudWatch, the rule looks at an evaluation range of {@code
     * n + max(n / 3, 2)} polls (at most 64): with {@code n} real datapoints in it the most recent
     * {@code n} decide; with fewer, the {@link #missingData} policy fills the rest. Resolves when
     * fewer than {@code m} of those breach. See {@code docs/rules.md}, "Missing data".
     *
     * @throws IllegalArgumentException unless {@code 1 <= m <= n <= }{@value
     *     #MAX_EVALUATION_PERIODS}
     */
    public Builder datapoints(int m, int n) {
      if (m < 1 || m > n || n > MAX_EVALUATION_PERIODS) {
        throw new IllegalArgumentException(
            "datapoints: need 1 <= m <= n <= " + MAX_EVALUATION_PERIODS + ": " + m + " of " + n);
      }
      this.datapointsToAlarm = m;
      this.evaluationPeriods = n;
      return this;
    }

    /**
     * Keeps a firing alert firing for {@code duration} after its condition stopped holding
     * (Prometheus {@code keep_firing_for}); zero by default.
     *
     * @throws NullPointerException if {@code duration} is null
     * @throws IllegalArgumentException if {@code duration} is negative
     */
    public Builder keepFiringFor(Duration duration) {
      this.keepFiringFor = Durations.nonNegative(duration, "keepFiringFor");
      return this;
    }

    /**
     * Sets what a missing datapoint means; {@link MissingData#MISSING} by default.
     *
     * @throws NullPointerException if {@code policy} is null
     */
    public Builder missingData(MissingData policy) {
      this.missingData = requireNonNull(policy, "missingData == null");
      return this;
    }

    /**
     * Sets how long an alert may go without data before it moves to {@link AlertState#NO_DATA}
     * (policy {@link MissingData#MISSING}) and before a resource that is no longer listed by its
     * source counts as gone, which resolves its alerts; 5 minutes by default. Only successful polls
     * count: a source outage never makes data stale.
     *
     * @throws NullPointerException if {@code duration} is null
     * @throws IllegalArgumentException if {@code duration} is not positive
     */
    public Builder staleAfter(Duration duration) {
      this.staleAfter = Durations.positive(duration, "staleAfter");
      return this;
    }

    /**
     * Notifies a firing alert again every {@code interval}; {@link Duration#ZERO} (the default) for
     * never.
     *
     * @throws NullPointerException if {@code interval} is null
     * @throws IllegalArgumentException if {@code interval} is negative
     */
    public Builder repeatInterval(Duration interval) {
      this.repeatInterval = Durations.nonNegative(interval, "repeatInterval");
      return this;
    }

    /** Sets whether resolutions are notified; true by default. */
    public Builder notifyResolved(boolean notify) {
      this.notifyResolved = notify;
      return this;
    }

    /**
     * Turns on flap detection in the style of Nagios: the weighted percentage of state changes over
     * the last 21 evaluations, where OK, WARNING-level firing and CRITICAL firing are three states
     * and a new alert starts from OK; flapping starts at or above {@code highPercent} and stops at
     * or below {@code lowPercent}. Flapping is checked before notifying, so the transition that
     * starts a flap is held too. While flapping, firing and resolved notifications are held and one
     * {@link NotificationType#FLAPPING_STARTED} and one {@link NotificationType#FLAPPING_STOPPED}
     * are sent, the stop followed by the notification owed for the current state. Off by default;
     * Nagios uses 20 and 30 for services.
     *
     * @throws IllegalArgumentException unless {@code 0 <= lowPercent < highPercent <= 100}
     */
    public Builder flapDetection(double lowPercent, double highPercent) {
      if (!(lowPercent >= 0 && lowPercent < highPercent && highPercent <= 100)) {
        throw new IllegalArgumentException(
            "flapDetection: need 0 <= low < high <= 100: " + lowPercent + ", " + highPercent);
      }
      this.flapLow = lowPercent;
      this.flapHigh = highPercent;
      return this;
    }

    /**
     * Sets the summary template, such as {@code "CPU usage on {resource} is {value}%"}.
     *
     * @throws NullPointerException if {@code template} is null
     * @throws IllegalArgumentException if the template has an unknown placeholder or an unclosed
     *     brace
     */
    public Builder summary(String template) {
      requireNonNull(template, "summary == null");
      Templates.validate(template, "summary");
      this.summary = template;
      return this;
    }

    /**
     * Sets the description template, a longer text for emails and runbooks; empty by default.
     *
     * @throws NullPointerException if {@code template} is null
     * @throws IllegalArgumentException if the template has an unknown placeholder or an unclosed
     *     brace
     */
    public Builder description(String template) {
      requireNonNull(template, "description == null");
      Templates.validate(template, "description");
      this.description = template;
      return this;
    }

    /**
     * Adds a static label to every alert of this rule, such as {@code team=infra}.
     *
     * @throws NullPointerException if an argument is null
     * @throws IllegalArgumentException if {@code name} is blank or reserved ({@code alertname},
     *     {@code resource}, {@code severity})
     */
    public Builder label(String name, String value) {
      requireNonNull(name, "label name == null");
      requireNonNull(value, "label value == null");
      if (name.isBlank()) throw new IllegalArgumentException("label name is blank");
      if (Labels.RESERVED.contains(name)) {
        throw new IllegalArgumentException("label name is reserved: " + name);
      }
      labels.put(name, value);
      return this;
    }

    /**
     * Builds the rule.
     *
     * @throws IllegalStateException if no condition (or heartbeat) is set, if a heartbeat is
     *     combined with thresholds, if {@code criticalAbove/Below} is used with severity CRITICAL
     *     or does not lie beyond the firing threshold in the same direction, if a hysteresis
     *     threshold does not fit the firing threshold (wrong side, same direction, or {@code
     *     outside}), or if {@link #aggregate} is set but no shortcut would use it
     */
    public AlertRule build() {
      boolean shortcuts =
          conditionShortcut != null || criticalShortcut != null || clearShortcut != null;
      if (shortcuts && metric == null) {
        throw new IllegalStateException("rule " + name + ": metric is not set");
      }
      if (aggregation.kind != Aggregation.Kind.LATEST
          && (heartbeat != null || absentGrace != null || !shortcuts)) {
        // It would be silently ignored: say so instead.
        throw new IllegalStateException(
            "rule "
                + name
                + ": aggregate("
                + aggregation
                + ") applies to the "
                + "above/below/outside, critical* and clear* shortcuts only"
                + (heartbeat != null
                    ? "; a heartbeat has none"
                    : "; put it in the Condition instead"));
      }
      Condition.Operand operand =
          metric == null ? null : Condition.metric(metric).aggregate(aggregation);
      if (conditionShortcut != null) condition = conditionShortcut.apply(operand);
      if (criticalShortcut != null) criticalCondition = criticalShortcut.apply(operand);
      if (clearShortcut != null) clearCondition = clearShortcut.apply(operand);
      if (absentGrace != null) {
        if (condition != null
            || criticalCondition != null
            || clearCondition != null
            || heartbeat != null) {
          throw new IllegalStateException(
              "rule " + name + ": absent excludes thresholds, conditions and heartbeat");
        }
        if (metric == null) throw new IllegalStateException("rule " + name + ": metric is not set");
        return new AlertRule(this, null);
      }
      if (heartbeat != null) {
        if (condition != null || criticalCondition != null || clearCondition != null) {
          throw new IllegalStateException(
              "rule " + name + ": heartbeat excludes thresholds and conditions");
        }
        if (metric == null) throw new IllegalStateException("rule " + name + ": metric is not set");
        return new AlertRule(this, null);
      }
      if (condition == null) {
        throw new IllegalStateException(
            "rule "
                + name
                + (metric == null
                    ? ": metric is not set"
                    : ": threshold is not set (above/below/outside)"));
      }
      if (criticalCondition != null && severity == Severity.CRITICAL) {
        throw new IllegalStateException(
            "rule " + name + ": a critical level needs a base severity below CRITICAL");
      }
      checkCriticalLevel();
      checkHysteresis();
      return new AlertRule(this, condition);
    }

    /** A critical level must lie beyond the base threshold, in the same direction. */
    private void checkCriticalLevel() {
      if (!(condition instanceof Condition.Comparison fire)
          || !(criticalCondition instanceof Condition.Comparison critical)) return;
      boolean fits =
          switch (fire.op()) {
            case ABOVE -> critical.op() == Condition.Op.ABOVE && critical.low() > fire.low();
            case BELOW -> critical.op() == Condition.Op.BELOW && critical.high() < fire.high();
            case OUTSIDE ->
                (critical.op() == Condition.Op.ABOVE && critical.low() > fire.high())
                    || (critical.op() == Condition.Op.BELOW && critical.high() < fire.low());
          };
      if (!fits) {
        throw new IllegalStateException(
            "rule "
                + name
                + ": critical level "
                + critical
                + " must lie beyond the firing condition "
                + fire
                + ", in the same direction");
      }
    }

    private void checkHysteresis() {
      if (!(condition instanceof Condition.Comparison fire)
          || !(clearCondition instanceof Condition.Comparison clear)) return;
      boolean sameDirection = clear.op() == fire.op();
      if (fire.op() == Condition.Op.OUTSIDE
          || clear.op() == Condition.Op.OUTSIDE
          || sameDirection) {
        throw new IllegalStateException(
            "rule "
                + name
                + ": clear condition "
                + clear
                + " does not fit "
                + fire
                + ": clearBelow goes with above(), clearAbove with below(); use clearWhen(...) otherwise");
      }
      if (fire.op() == Condition.Op.ABOVE
          && clear.op() == Condition.Op.BELOW
          && clear.high() > fire.low()) {
        throw new IllegalStateException(
            "rule "
                + name
                + ": clearBelow "
                + Templates.formatNumber(clear.high())
                + " must not exceed the firing threshold "
                + Templates.formatNumber(fire.low()));
      }
      if (fire.op() == Condition.Op.BELOW
          && clear.op() == Condition.Op.ABOVE
          && clear.low() < fire.high()) {
        throw new IllegalStateException(
            "rule "
                + name
                + ": clearAbove "
                + Templates.formatNumber(clear.low())
                + " must not be below the firing threshold "
                + Templates.formatNumber(fire.high()));
      }
    }
  }
}
