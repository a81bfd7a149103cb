package dev.vigil;

import static java.util.Objects.requireNonNull;

import dev.vigil.internal.Templates;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A threshold rule: fire an alert for each resource whose latest value of {@link #metric()} is
 * above (or below) {@link #threshold()}, and resolve it when the value is back.
 *
 * <pre>{@code
 * AlertRule highCpu = AlertRule.builder("HighCpu")
 *     .metric("cpu_usage")
 *     .above(80)
 *     .severity(Severity.WARNING)
 *     .summary("CPU usage on {resource} is {value}%")
 *     .build();
 * }</pre>
 *
 * <p>The rule is evaluated per resource and label set: one alert per resource that breaches, with
 * its own fingerprint. An alert that keeps breaching is notified once when it starts firing and
 * once when it resolves, never on every poll.
 *
 * <p><b>Templates.</b> The summary may use {@code {rule}}, {@code {metric}}, {@code {resource}},
 * {@code {value}}, {@code {threshold}}, {@code {severity}} and {@code {labels.NAME}}. Numbers are
 * formatted for people: {@code 92.4}, not {@code 92.39999999}.
 *
 * <p>Immutable and thread safe.
 */
public final class AlertRule {

  /** Which side of the threshold breaches. */
  public enum Comparison {
    /** Breaches when the value is strictly greater than the threshold. */
    ABOVE,
    /** Breaches when the value is strictly less than the threshold. */
    BELOW
  }

  private final String name;
  private final String metric;
  private final Comparison comparison;
  private final double threshold;
  private final Severity severity;
  private final String summary;
  private final Map<String, String> labels;

  private AlertRule(Builder builder) {
    this.name = builder.name;
    this.metric = builder.metric;
    this.comparison = builder.comparison;
    this.threshold = builder.threshold;
    this.severity = builder.severity;
    this.summary = builder.summary;
    this.labels = Map.copyOf(builder.labels);
  }

  /**
   * Starts a rule named {@code name}; the name becomes the alerts' {@code alertname} label.
   *
   * @throws NullPointerException if {@code name} is null
   * @throws IllegalArgumentException if {@code name} is blank
   */
  public static Builder builder(String name) {
    return new Builder(name);
  }

  /** Returns a builder initialised with this rule's settings, for variations. */
  public Builder newBuilder() {
    Builder b = new Builder(name);
    b.metric = metric;
    b.comparison = comparison;
    b.threshold = threshold;
    b.severity = severity;
    b.summary = summary;
    b.labels.putAll(labels);
    return b;
  }

  /** The rule's name. */
  public String name() {
    return name;
  }

  /** The metric this rule evaluates. */
  public String metric() {
    return metric;
  }

  /** Whether values above or below the threshold breach. */
  public Comparison comparison() {
    return comparison;
  }

  /** The threshold. */
  public double threshold() {
    return threshold;
  }

  /** The severity of the alerts this rule raises. */
  public Severity severity() {
    return severity;
  }

  /** The summary template. */
  public String summary() {
    return summary;
  }

  /** Static labels added to every alert of this rule. */
  public Map<String, String> labels() {
    return labels;
  }

  boolean breaches(double value) {
    return comparison == Comparison.ABOVE ? value > threshold : value < threshold;
  }

  @Override
  public String toString() {
    return "AlertRule{"
        + name
        + ": "
        + metric
        + (comparison == Comparison.ABOVE ? " > " : " < ")
        + Templates.formatNumber(threshold)
        + ", "
        + severity
        + "}";
  }

  /**
   * Builds an {@link AlertRule}. Not thread safe. Setters validate their argument; {@link #build()}
   * checks that the rule is complete.
   */
  public static final class Builder {
    private final String name;
    private String metric;
    private Comparison comparison;
    private double threshold = Double.NaN;
    private Severity severity = Severity.WARNING;
    private String summary = "{metric} of {resource} is {value} ({rule}, threshold {threshold})";
    private final Map<String, String> labels = new LinkedHashMap<>();

    private Builder(String name) {
      requireNonNull(name, "name == null");
      if (name.isBlank()) throw new IllegalArgumentException("name is blank");
      this.name = name;
    }

    /**
     * Sets the metric to evaluate, as named by the source's samples.
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
     * Breaches when the value is strictly greater than {@code threshold}.
     *
     * @throws IllegalArgumentException if {@code threshold} is not finite
     */
    public Builder above(double threshold) {
      return threshold(Comparison.ABOVE, threshold);
    }

    /**
     * Breaches when the value is strictly less than {@code threshold}.
     *
     * @throws IllegalArgumentException if {@code threshold} is not finite
     */
    public Builder below(double threshold) {
      return threshold(Comparison.BELOW, threshold);
    }

    private Builder threshold(Comparison comparison, double threshold) {
      if (!Double.isFinite(threshold)) {
        throw new IllegalArgumentException("threshold must be finite: " + threshold);
      }
      this.comparison = comparison;
      this.threshold = threshold;
      return this;
    }

    /**
     * Sets the severity of the alerts; {@link Severity#WARNING} by default.
     *
     * @throws NullPointerException if {@code severity} is null
     */
    public Builder severity(Severity severity) {
      this.severity = requireNonNull(severity, "severity == null");
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
      if (name.equals("alertname") || name.equals("resource") || name.equals("severity")) {
        throw new IllegalArgumentException("label name is reserved: " + name);
      }
      labels.put(name, value);
      return this;
    }

    /**
     * Builds the rule.
     *
     * @throws IllegalStateException if the metric or the threshold is missing
     */
    public AlertRule build() {
      if (metric == null) throw new IllegalStateException("rule " + name + ": metric is not set");
      if (comparison == null) {
        throw new IllegalStateException("rule " + name + ": threshold is not set (above/below)");
      }
      return new AlertRule(this);
    }
  }
}
