package dev.vigil.spring.boot;

import static dev.vigil.spring.boot.Settings.at;
import static dev.vigil.spring.boot.Settings.run;

import dev.vigil.Aggregation;
import dev.vigil.AlertRule;
import dev.vigil.Condition;
import dev.vigil.Matcher;
import dev.vigil.Window;
import dev.vigil.spring.boot.VigilProperties.AggregateKind;
import dev.vigil.spring.boot.VigilProperties.Comparison;
import dev.vigil.spring.boot.VigilProperties.ConditionSpec;
import dev.vigil.spring.boot.VigilProperties.Rule;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * Turns {@code vigil.rules.<name>.*} into {@link AlertRule}s, naming the property of each fault.
 */
final class Rules {
  private Rules() {}

  /** The comparison settings that a rule and each part of a composite condition share. */
  private record Leaf(
      @Nullable String metric,
      AggregateKind aggregate,
      @Nullable Double percentile,
      @Nullable Duration window,
      @Nullable Integer windowSamples,
      @Nullable Duration predictAhead,
      @Nullable Double above,
      @Nullable Double below,
      @Nullable Double outsideLow,
      @Nullable Double outsideHigh) {
    static Leaf of(Rule r) {
      return new Leaf(
          r.getMetric(),
          r.getAggregate(),
          r.getPercentile(),
          r.getWindow(),
          r.getWindowSamples(),
          r.getPredictAhead(),
          r.getAbove(),
          r.getBelow(),
          r.getOutside().getLow(),
          r.getOutside().getHigh());
    }

    static Leaf of(Comparison c) {
      return new Leaf(
          c.getMetric(),
          c.getAggregate(),
          c.getPercentile(),
          c.getWindow(),
          c.getWindowSamples(),
          c.getPredictAhead(),
          c.getAbove(),
          c.getBelow(),
          c.getOutside().getLow(),
          c.getOutside().getHigh());
    }

    /** Whether any aggregate setting is given: each is checked against the aggregate's kind. */
    boolean aggregates() {
      return aggregate != AggregateKind.LATEST
          || window != null
          || windowSamples != null
          || percentile != null
          || predictAhead != null;
    }

    int thresholds() {
      return (above != null ? 1 : 0)
          + (below != null ? 1 : 0)
          + (outsideLow != null || outsideHigh != null ? 1 : 0);
    }
  }

  static AlertRule rule(String name, Rule r) {
    String p = "vigil.rules." + name;
    AlertRule.Builder b =
        at(p, "rename the rule: SourceHealth is the monitor's own", () -> AlertRule.builder(name));
    Leaf leaf = Leaf.of(r);
    if (leaf.thresholds() > 1) {
      throw new VigilConfigurationException(
          p + ".above",
          "conflicts with another threshold",
          "set one of above, below or outside (low and high)",
          null);
    }
    boolean composite = isSet(r.getCondition());
    if (composite && leaf.thresholds() > 0) {
      throw new VigilConfigurationException(
          p + ".condition",
          "conflicts with above/below/outside",
          "use either a composite condition or metric with one threshold",
          null);
    }
    String metric = leaf.metric();
    if (metric != null) run(p + ".metric", "set it to a metric name", () -> b.metric(metric));
    if (leaf.aggregates()) {
      Aggregation agg = aggregation(leaf, p);
      b.aggregate(agg);
    }
    threshold(b::above, leaf.above(), p + ".above");
    threshold(b::below, leaf.below(), p + ".below");
    if (leaf.outsideLow() != null || leaf.outsideHigh() != null) {
      double low = Settings.require(leaf.outsideLow(), p + ".outside.low", "set both low and high");
      double high =
          Settings.require(leaf.outsideHigh(), p + ".outside.high", "set both low and high");
      run(p + ".outside", "set low <= high, both finite", () -> b.outside(low, high));
    }
    if (composite) b.condition(condition(r.getCondition(), p + ".condition"));
    threshold(b::criticalAbove, r.getCriticalAbove(), p + ".critical-above");
    threshold(b::criticalBelow, r.getCriticalBelow(), p + ".critical-below");
    if (isSet(r.getCriticalCondition())) {
      b.criticalWhen(condition(r.getCriticalCondition(), p + ".critical-condition"));
    }
    threshold(b::clearBelow, r.getClearBelow(), p + ".clear-below");
    threshold(b::clearAbove, r.getClearAbove(), p + ".clear-above");
    if (isSet(r.getClearCondition())) {
      b.clearWhen(condition(r.getClearCondition(), p + ".clear-condition"));
    }
    Duration heartbeat = r.getHeartbeat();
    if (heartbeat != null) {
      run(p + ".heartbeat", "set a positive duration, such as 10m", () -> b.heartbeat(heartbeat));
    }
    Duration grace = r.getAbsent().getGrace();
    if (grace != null) {
      List<Matcher> ms = Settings.matchers(r.getAbsent().getMatchers(), p + ".absent.matchers");
      run(
          p + ".absent.grace",
          "set a duration of zero or more, such as 5m",
          () -> b.absent(grace, ms.toArray(new Matcher[0])));
    } else if (!r.getAbsent().getMatchers().isEmpty()) {
      throw new VigilConfigurationException(
          p + ".absent.grace",
          "is required when absent.matchers are set",
          "set it, such as 5m, or remove absent.matchers",
          null);
    }
    b.severity(r.getSeverity());
    run(p + ".for", "set a duration of zero or more, such as 5m", () -> b.forDuration(r.getFor()));
    if (r.getDatapointsToAlarm() != 1 || r.getEvaluationPeriods() != 1) {
      run(
          p + ".datapoints-to-alarm",
          "set 1 <= datapoints-to-alarm <= evaluation-periods <= "
              + AlertRule.MAX_EVALUATION_PERIODS,
          () -> b.datapoints(r.getDatapointsToAlarm(), r.getEvaluationPeriods()));
    }
    run(
        p + ".keep-firing-for",
        "set a duration of zero or more",
        () -> b.keepFiringFor(r.getKeepFiringFor()));
    b.missingData(r.getMissingData());
    run(
        p + ".stale-after",
        "set a positive duration, such as 5m",
        () -> b.staleAfter(r.getStaleAfter()));
    run(
        p + ".repeat-interval",
        "set a duration of zero (never) or more, such as 4h",
        () -> b.repeatInterval(r.getRepeatInterval()));
    b.notifyResolved(r.isNotifyResolved());
    Double low = r.getFlapping().getLow();
    Double high = r.getFlapping().getHigh();
    if (low != null || high != null) {
      double l = Settings.require(low, p + ".flapping.low", "set both low and high, such as 20");
      double h = Settings.require(high, p + ".flapping.high", "set both low and high, such as 30");
      run(p + ".flapping", "set 0 <= low < high <= 100", () -> b.flapDetection(l, h));
    }
    String summary = r.getSummary();
    if (summary != null) {
      run(p + ".summary", TEMPLATE_ACTION, () -> b.summary(summary));
    }
    String description = r.getDescription();
    if (description != null) {
      run(p + ".description", TEMPLATE_ACTION, () -> b.description(description));
    }
    for (Map.Entry<String, String> e : r.getLabels().entrySet()) {
      run(
          p + ".labels." + e.getKey(),
          "use a label name other than alertname, resource and severity",
          () -> b.label(e.getKey(), e.getValue()));
    }
    try {
      return b.build();
    } catch (IllegalStateException e) {
      throw buildFault(p, name, String.valueOf(e.getMessage()), e);
    }
  }

  private static final String TEMPLATE_ACTION =
      "use the placeholders {rule}, {metric}, {resource}, {value}, {threshold}, {severity} and"
          + " {labels.NAME}, with every brace closed";

  /**
   * Points a failing {@code AlertRule.Builder.build()} at the property to change. The fault is told
   * by the message after its {@code "rule <name>: "} prefix, so that neither a rule's name nor a
   * message that mentions other settings (the aggregate's names critical* and clear*) misleads.
   */
  private static VigilConfigurationException buildFault(
      String p, String name, String m, Exception cause) {
    String prefix = "rule " + name + ": ";
    String fault = m.startsWith(prefix) ? m.substring(prefix.length()) : m;
    if (fault.contains("metric is not set")) {
      return new VigilConfigurationException(
          p + ".metric", "is required", "set it to the metric the rule compares", cause);
    }
    if (fault.contains("threshold is not set")) {
      return new VigilConfigurationException(
          p + ".above",
          "is required (or below, outside, condition, heartbeat or absent.grace)",
          "set the threshold the metric is compared with, such as above: 80",
          cause);
    }
    String invalid = "is invalid (" + m + ")";
    if (fault.startsWith("aggregate(")) {
      return new VigilConfigurationException(
          p + ".aggregate", invalid, "remove aggregate, or use it with above/below/outside", cause);
    }
    if (fault.startsWith("heartbeat excludes")) {
      return new VigilConfigurationException(
          p + ".heartbeat", invalid, "remove the thresholds or the heartbeat", cause);
    }
    if (fault.startsWith("absent excludes")) {
      return new VigilConfigurationException(
          p + ".absent.grace", invalid, "remove the thresholds or absent.grace", cause);
    }
    if (fault.contains("base severity")) {
      return new VigilConfigurationException(
          p + ".severity", invalid, "set severity to info or warning", cause);
    }
    if (fault.contains("critical")) {
      return new VigilConfigurationException(
          p + ".critical-above",
          invalid,
          "put the critical level beyond the firing threshold, in the same direction",
          cause);
    }
    if (fault.contains("clear")) {
      return new VigilConfigurationException(
          p + ".clear-below",
          invalid,
          "use clear-below with above and clear-above with below, on the safe side of the firing"
              + " threshold",
          cause);
    }
    return new VigilConfigurationException(p, invalid, "fix the rule's settings", cause);
  }

  private interface DoubleSetter {
    AlertRule.Builder set(double value);
  }

  private static void threshold(DoubleSetter setter, @Nullable Double value, String path) {
    if (value == null) return;
    double v = value;
    run(path, "set a finite number", () -> setter.set(v));
  }

  static boolean isSet(ConditionSpec c) {
    return !c.getAllOf().isEmpty() || !c.getAnyOf().isEmpty();
  }

  static Condition condition(ConditionSpec c, String path) {
    if (!c.getAllOf().isEmpty() && !c.getAnyOf().isEmpty()) {
      throw new VigilConfigurationException(
          path + ".any-of",
          "conflicts with all-of",
          "set one of all-of and any-of; nest by writing two rules",
          null);
    }
    boolean all = !c.getAllOf().isEmpty();
    List<Comparison> parts = all ? c.getAllOf() : c.getAnyOf();
    String p = path + (all ? ".all-of" : ".any-of");
    List<Condition> conditions = new ArrayList<>();
    for (int i = 0; i < parts.size(); i++) {
      conditions.add(comparison(Leaf.of(parts.get(i)), p + "[" + i + "]"));
    }
    if (conditions.size() == 1) return conditions.get(0);
    Condition[] array = conditions.toArray(new Condition[0]);
    return at(
        p,
        "give at least one comparison",
        () -> all ? Condition.allOf(array) : Condition.anyOf(array));
  }

  private static Condition comparison(Leaf l, String p) {
    String metric = Settings.require(l.metric(), p + ".metric", "set the metric compared");
    Condition.Operand operand =
        at(p + ".metric", "set a metric name", () -> Condition.metric(metric));
    if (l.aggregates()) {
      Aggregation agg = aggregation(l, p);
      operand = operand.aggregate(agg);
    }
    Condition.Operand o = operand;
    if (l.thresholds() != 1) {
      throw new VigilConfigurationException(
          p + ".above",
          l.thresholds() == 0 ? "is required" : "conflicts with another threshold",
          "set exactly one of above, below or outside (low and high)",
          null);
    }
    Double above = l.above();
    if (above != null) return at(p + ".above", "set a finite number", () -> o.above(above));
    Double below = l.below();
    if (below != null) return at(p + ".below", "set a finite number", () -> o.below(below));
    double low = Settings.require(l.outsideLow(), p + ".outside.low", "set both low and high");
    double high = Settings.require(l.outsideHigh(), p + ".outside.high", "set both low and high");
    return at(p + ".outside", "set low <= high, both finite", () -> o.outside(low, high));
  }

  private static Aggregation aggregation(Leaf l, String p) {
    AggregateKind kind = l.aggregate();
    if (kind == AggregateKind.LATEST) {
      String setting =
          l.window() != null
              ? "window"
              : l.windowSamples() != null
                  ? "window-samples"
                  : l.percentile() != null ? "percentile" : "predict-ahead";
      throw new VigilConfigurationException(
          p + "." + setting,
          "is set but aggregate is latest",
          "set aggregate (avg, min, max, percentile, rate or predict-linear) or remove " + setting,
          null);
    }
    if (l.percentile() != null && kind != AggregateKind.PERCENTILE) {
      throw new VigilConfigurationException(
          p + ".percentile",
          "is set but aggregate is " + Settings.kebab(kind),
          "set aggregate percentile or remove percentile",
          null);
    }
    if (l.predictAhead() != null && kind != AggregateKind.PREDICT_LINEAR) {
      throw new VigilConfigurationException(
          p + ".predict-ahead",
          "is set but aggregate is " + Settings.kebab(kind),
          "set aggregate predict-linear or remove predict-ahead",
          null);
    }
    Window w = window(l, p, kind);
    return switch (kind) {
      case LATEST -> Aggregation.latest();
      case AVG -> Aggregation.avg(w);
      case MIN -> Aggregation.min(w);
      case MAX -> Aggregation.max(w);
      case RATE ->
          at(
              p + ".window",
              "set a window of at least two samples",
              () -> Aggregation.ratePerSecond(w));
      case PERCENTILE -> {
        double q =
            Settings.require(
                l.percentile(), p + ".percentile", "set it for aggregate percentile, such as 95");
        yield at(
            p + ".percentile", "set a number from 0 to 100", () -> Aggregation.percentile(q, w));
      }
      case PREDICT_LINEAR -> {
        Duration ahead =
            Settings.require(
                l.predictAhead(),
                p + ".predict-ahead",
                "set it for aggregate predict-linear, such as 4h");
        yield at(
            p + ".predict-ahead",
            "set a positive duration",
            () -> Aggregation.predictLinear(w, ahead));
      }
    };
  }

  private static Window window(Leaf l, String p, AggregateKind kind) {
    Duration d = l.window();
    Integer n = l.windowSamples();
    if (d != null && n != null) {
      throw new VigilConfigurationException(
          p + ".window-samples",
          "conflicts with window",
          "set one of window and window-samples",
          null);
    }
    if (d != null)
      return at(p + ".window", "set a positive duration, such as 5m", () -> Window.of(d));
    if (n != null) {
      return at(
          p + ".window-samples",
          "set a number of samples from 1 to " + Window.MAX_SAMPLES,
          () -> Window.last(n));
    }
    throw new VigilConfigurationException(
        p + ".window",
        "is required for aggregate " + Settings.kebab(kind),
        "set window (such as 5m) or window-samples (such as 3)",
        null);
  }
}
