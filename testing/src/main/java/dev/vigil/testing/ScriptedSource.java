package dev.vigil.testing;

import static java.util.Objects.requireNonNull;

import dev.vigil.MetricSource;
import dev.vigil.PollContext;
import dev.vigil.Sample;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * A {@link MetricSource} that plays a script: one step per {@link #poll}, each step holding at most
 * one value per series, or a failure.
 *
 * <pre>{@code
 * ScriptedSource source = ScriptedSource.builder()
 *     .metric("cpu_usage").resource("vm-1").values("85, 86, _, 70")
 *     .series("cpu_usage", "vm-2", "10 10 90")
 *     .series("cpu_usage", "vm-3", Map.of("region", "eu-west-1"), "90 90 90")
 *     .failAt(1, new IOException("cloud API down"))
 *     .build();
 * }</pre>
 *
 * <p><b>Values.</b> A script is a list of tokens separated by commas and/or whitespace. A token is
 * a decimal number ({@code 85}, {@code -1.5}, {@code 2e3}), or {@code _} or {@code missing} for a
 * step in which the series has no sample. Anything else is rejected when the script is built, with
 * a message naming the token, its step and its index in the script.
 *
 * <p><b>Labels.</b> A series may carry labels, such as {@code region=eu-west-1}: every sample of
 * it has them ({@link Sample#labels()}), so rules that template {@code {labels.region}} or alerts
 * that tell series apart by their labels can be tested. Two series of one metric and resource
 * with different labels are two series.
 *
 * <p><b>Steps.</b> Steps are numbered from 0. Each call to {@link #poll} consumes the next step,
 * exactly once: step {@code k} is the {@code k}-th poll (from 0). A step returns one sample per
 * series that has a value at that step, in the order the series were added, timestamped with
 * {@link PollContext#now()}. A step with a scripted failure ({@link Builder#failAt}) throws that
 * exception instead, whatever values the series hold at that step. The script is as long as its
 * longest series or its last failure; once every step was consumed, {@link #poll} returns no
 * samples (an empty list), for ever.
 *
 * <p><b>Thread safety.</b> Thread safe: concurrent polls each consume a different step.
 *
 * <p><b>Lifecycle.</b> Immutable script, mutable position; {@link #close()} does nothing, so a
 * source may outlive its monitor but its steps are consumed only once. Build a new one for each
 * test.
 */
public final class ScriptedSource implements MetricSource {
  private static final Pattern NUMBER =
      Pattern.compile("[+-]?(?:\\d+(?:\\.\\d*)?|\\.\\d+)(?:[eE][+-]?\\d+)?");
  private static final Pattern TOKEN = Pattern.compile("[^,\\s]+");

  private final List<Series> series;
  private final Map<Integer, Exception> failures;
  private final int steps;
  private int next;

  private ScriptedSource(Builder builder) {
    this.series = List.copyOf(builder.series);
    this.failures = Collections.unmodifiableMap(new TreeMap<>(builder.failures));
    int length = 0;
    for (Series s : series) length = Math.max(length, s.values.length);
    for (int step : failures.keySet()) length = Math.max(length, step + 1);
    this.steps = length;
  }

  /** Returns a builder for a script of several series and failures. */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * Returns a source of one series of {@code metric} for {@code resource}.
   *
   * @param values the script, such as {@code "85 86 _ 70"}; see the class documentation
   * @throws NullPointerException if an argument is null
   * @throws IllegalArgumentException if {@code metric} or {@code resource} is blank, or {@code
   *     values} is empty or has a bad token
   */
  public static ScriptedSource of(String metric, String resource, String values) {
    return builder().series(metric, resource, values).build();
  }

  /**
   * Returns the samples of the next step, or throws its scripted failure.
   *
   * @return the samples of the step; empty for a step without values and after the script ended
   * @throws Exception the failure scripted for this step with {@link Builder#failAt}
   */
  @Override
  public List<Sample> poll(PollContext context) throws Exception {
    requireNonNull(context, "context == null");
    int step;
    synchronized (this) {
      if (next >= steps) return List.of();
      step = next++;
    }
    Exception failure = failures.get(step);
    if (failure != null) throw failure;
    List<Sample> samples = new ArrayList<>();
    for (Series s : series) {
      Double value = step < s.values.length ? s.values[step] : null;
      if (value != null) {
        samples.add(new Sample(s.metric, s.resource, s.labels, value, context.now()));
      }
    }
    return List.copyOf(samples);
  }

  /** How many steps the script has: the length of its longest series or its last failure + 1. */
  public int steps() {
    return steps;
  }

  /** How many steps were consumed so far, at most {@link #steps()}. */
  public synchronized int position() {
    return next;
  }

  /** Whether every step was consumed, so that further polls return no samples. */
  public synchronized boolean isFinished() {
    return next >= steps;
  }

  @Override
  public String toString() {
    return "ScriptedSource{" + series.size() + " series, step " + position() + " of " + steps + "}";
  }

  private static final class Series {
    final String metric;
    final String resource;
    final Map<String, String> labels;
    final @Nullable Double[] values;

    Series(String metric, String resource, Map<String, String> labels, @Nullable Double[] values) {
      this.metric = metric;
      this.resource = resource;
      this.labels = labels;
      this.values = values;
    }
  }

  /**
   * Builds a {@link ScriptedSource}. Not thread safe. A series is added either in one call,
   * {@link #series(String, String, String)} or {@link #series(String, String, Map, String)}, or
   * in several: {@link #metric}, {@link #resource}, optionally {@link #labels}, then {@link
   * #values}, which adds the series; the metric, resource and labels stay set for the next {@code
   * values} call.
   */
  public static final class Builder {
    private final List<Series> series = new ArrayList<>();
    private final Map<Integer, Exception> failures = new TreeMap<>();
    private @Nullable String metric;
    private @Nullable String resource;
    private Map<String, String> labels = Map.of();

    private Builder() {}

    /**
     * Sets the metric of the series that the next {@link #values} call adds.
     *
     * @throws NullPointerException if {@code metric} is null
     * @throws IllegalArgumentException if {@code metric} is blank
     */
    public Builder metric(String metric) {
      this.metric = checkName(metric, "metric");
      return this;
    }

    /**
     * Sets the resource of the series that the next {@link #values} call adds.
     *
     * @throws NullPointerException if {@code resource} is null
     * @throws IllegalArgumentException if {@code resource} is blank
     */
    public Builder resource(String resource) {
      this.resource = checkName(resource, "resource");
      return this;
    }

    /**
     * Sets the labels of the series that the next {@link #values} calls add, replacing the labels
     * set before; none by default.
     *
     * @param labels such as {@code Map.of("region", "eu-west-1")}; copied
     * @throws NullPointerException if {@code labels}, a name or a value is null
     * @throws IllegalArgumentException if a name is blank
     */
    public Builder labels(Map<String, String> labels) {
      this.labels = checkLabels(labels);
      return this;
    }

    /**
     * Adds a series of the current {@link #metric}, {@link #resource} and {@link #labels} with
     * these values.
     *
     * @param values the script, such as {@code "85, 86, _, 70"}; see {@link ScriptedSource}
     * @throws NullPointerException if {@code values} is null
     * @throws IllegalArgumentException if {@code values} is empty or has a bad token
     * @throws IllegalStateException if the metric or the resource is not set
     */
    public Builder values(String values) {
      requireNonNull(values, "values == null");
      if (metric == null) {
        throw new IllegalStateException("metric is not set: call metric() before values()");
      }
      if (resource == null) {
        throw new IllegalStateException("resource is not set: call resource() before values()");
      }
      return series(metric, resource, labels, values);
    }

    /**
     * Adds a series of {@code metric} for {@code resource}.
     *
     * @param values the script, such as {@code "10 10 90"}; see {@link ScriptedSource}
     * @throws NullPointerException if an argument is null
     * @throws IllegalArgumentException if {@code metric} or {@code resource} is blank, or {@code
     *     values} is empty or has a bad token
     */
    public Builder series(String metric, String resource, String values) {
      return series(metric, resource, Map.of(), values);
    }

    /**
     * Adds a series of {@code metric} for {@code resource} whose samples carry {@code labels}.
     *
     * @param labels such as {@code Map.of("region", "eu-west-1")}; copied
     * @param values the script, such as {@code "10 10 90"}; see {@link ScriptedSource}
     * @throws NullPointerException if an argument, a label name or a label value is null
     * @throws IllegalArgumentException if {@code metric}, {@code resource} or a label name is
     *     blank, or {@code values} is empty or has a bad token
     */
    public Builder series(
        String metric, String resource, Map<String, String> labels, String values) {
      checkName(metric, "metric");
      checkName(resource, "resource");
      Map<String, String> copy = checkLabels(labels);
      requireNonNull(values, "values == null");
      String what = metric + " of " + resource + (copy.isEmpty() ? "" : copy.toString());
      series.add(new Series(metric, resource, copy, parse(values, what)));
      return this;
    }

    /**
     * Makes the poll of {@code step} (from 0) throw {@code failure} instead of returning samples.
     * A later call for the same step replaces the failure.
     *
     * @throws NullPointerException if {@code failure} is null
     * @throws IllegalArgumentException if {@code step} is negative
     */
    public Builder failAt(int step, Exception failure) {
      requireNonNull(failure, "failure == null");
      if (step < 0) throw new IllegalArgumentException("step is negative: " + step);
      failures.put(step, failure);
      return this;
    }

    /**
     * Builds the source.
     *
     * @throws IllegalStateException if neither a series nor a failure was added
     */
    public ScriptedSource build() {
      if (series.isEmpty() && failures.isEmpty()) {
        throw new IllegalStateException("empty script: add a series with series() or values()");
      }
      return new ScriptedSource(this);
    }

    private static Map<String, String> checkLabels(Map<String, String> labels) {
      requireNonNull(labels, "labels == null");
      Map<String, String> copy = new TreeMap<>();
      labels.forEach(
          (name, value) -> {
            requireNonNull(name, "label name == null");
            requireNonNull(value, "value of label " + name + " == null");
            if (name.isBlank()) throw new IllegalArgumentException("label name is blank");
            copy.put(name, value);
          });
      return Collections.unmodifiableMap(copy);
    }

    private static String checkName(String value, String what) {
      requireNonNull(value, what + " == null");
      if (value.isBlank()) throw new IllegalArgumentException(what + " is blank");
      return value;
    }
  }

  /** Parses a script; {@code null} elements are missing samples. */
  static @Nullable Double[] parse(String values, String what) {
    List<@Nullable Double> parsed = new ArrayList<>();
    Matcher m = TOKEN.matcher(values);
    while (m.find()) {
      String token = m.group();
      if (token.equals("_") || token.equals("missing")) {
        parsed.add(null);
      } else if (NUMBER.matcher(token).matches()) {
        double value = Double.parseDouble(token);
        if (!Double.isFinite(value)) {
          throw badToken(what, values, token, parsed.size(), m.start(), "a finite number");
        }
        parsed.add(value);
      } else {
        throw badToken(
            what, values, token, parsed.size(), m.start(), "a number, '_' or 'missing'");
      }
    }
    if (parsed.isEmpty()) {
      throw new IllegalArgumentException("values of " + what + " are empty: \"" + values + "\"");
    }
    return parsed.toArray(new @Nullable Double[0]);
  }

  private static IllegalArgumentException badToken(
      String what, String values, String token, int step, int index, String expected) {
    return new IllegalArgumentException(
        "values of " + what + ": bad token \"" + token + "\" at step " + step + " (index " + index
            + " of \"" + values + "\"): expected " + expected);
  }
}
