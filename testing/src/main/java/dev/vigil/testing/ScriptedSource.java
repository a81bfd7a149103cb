package dev.vigil.testing;

import static java.util.Objects.requireNonNull;

import dev.vigil.MetricSource;
import dev.vigil.PollContext;
import dev.vigil.Sample;
import java.time.Duration;
import java.time.Instant;
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
 * one value per series, or a failure. A series gives either one value per step or values at
 * explicit offsets from the first poll.
 *
 * <pre>{@code
 * ScriptedSource source = ScriptedSource.builder()
 *     .metric("cpu_usage").resource("vm-1").values("85, 86, _, 70")
 *     .series("cpu_usage", "vm-2", "10 10 90")
 *     .series("cpu_usage", "vm-3", Map.of("region", "eu-west-1"), "90 90 90")
 *     .series("cpu_usage", "vm-4", "85@0s, 90@90s, missing@3m")   // timed
 *     .failAt(1, new IOException("cloud API down"))
 *     .build();
 * }</pre>
 *
 * <p><b>Values.</b> A script is a list of tokens separated by commas and/or whitespace. A token is
 * a decimal number ({@code 85}, {@code -1.5}, {@code 2e3}), or {@code _} or {@code missing} for a
 * step in which the series has no sample. Anything else is rejected when the script is built, with
 * a message naming the token, its step and its index in the script.
 *
 * <p><b>Timed values.</b> In a timed series every token is {@code VALUE@OFFSET}, such as {@code
 * "85@0s, 90@90s, missing@3m"}: the value is what the resource reports from that offset on, until
 * the next token, like a gauge. {@code VALUE} is as above ({@code missing@3m}: no sample from 3
 * minutes on). {@code OFFSET} is measured from the {@link PollContext#now() time} of the first poll
 * (step 0) and written like a Prometheus duration: {@code 0}, {@code 0s}, {@code 45s}, {@code
 * 1m30s}, {@code 2h}, {@code 1d}, {@code 250ms} (units {@code d h m s ms}, each at most once,
 * largest first). Offsets must increase strictly. A poll at offset {@code t} returns the value of
 * the last token at or before {@code t}, and no sample before the first token; the first poll at or
 * after the last token's offset is the series' last, so the series is as long in time as its last
 * offset, whatever the poll interval. A series is timed or not: mixing tokens with and without
 * {@code @} is rejected, naming the first token that differs.
 *
 * <p><b>Labels.</b> A series may carry labels, such as {@code region=eu-west-1}: every sample of it
 * has them ({@link Sample#labels()}), so rules that template {@code {labels.region}} or alerts that
 * tell series apart by their labels can be tested. Two series of one metric and resource with
 * different labels are two series.
 *
 * <p><b>Steps.</b> Steps are numbered from 0. Each call to {@link #poll} consumes the next step,
 * exactly once: step {@code k} is the {@code k}-th poll (from 0). A step returns one sample per
 * series that has a value at that step, in the order the series were added, timestamped with {@link
 * PollContext#now()}. A step with a scripted failure ({@link Builder#failAt}) throws that exception
 * instead, whatever values the series hold at that step; a failed poll consumes no timed value, so
 * the next poll still sees it. The script is as long as its longest series or its last failure and,
 * if it has timed series, as the last of their offsets; once all of it was played, {@link #poll}
 * returns no samples (an empty list), for ever. A series that ends before the others has no samples
 * in the remaining steps.
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

  /** Steps of the untimed series and the failures. */
  private final int steps;

  private final boolean timed;
  private int next;
  private @Nullable Instant origin;

  private ScriptedSource(Builder builder) {
    this.series = List.copyOf(builder.series);
    this.failures = Collections.unmodifiableMap(new TreeMap<>(builder.failures));
    int length = 0;
    boolean anyTimed = false;
    for (Series s : series) {
      if (s.offsets == null) {
        length = Math.max(length, s.values.length);
      } else {
        anyTimed = true;
      }
    }
    for (int step : failures.keySet()) length = Math.max(length, step + 1);
    this.steps = length;
    this.timed = anyTimed;
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
    Instant now = requireNonNull(context.now(), "context.now() == null");
    List<Sample> samples = new ArrayList<>();
    Exception failure;
    synchronized (this) {
      if (finished()) return List.of();
      int step = next++;
      if (origin == null) origin = now;
      failure = failures.get(step);
      if (failure == null) {
        Duration offset = Duration.between(origin, now);
        for (Series s : series) {
          Double value = s.next(step, offset);
          if (value != null) samples.add(new Sample(s.metric, s.resource, s.labels, value, now));
        }
      }
    }
    if (failure != null) throw failure;
    return List.copyOf(samples);
  }

  /**
   * How many steps the script has: the length of its longest series or its last failure + 1.
   *
   * @throws IllegalStateException if the script has a timed series, whose number of steps depends
   *     on the poll interval: use {@link #steps(Duration)}
   */
  public int steps() {
    if (timed) {
      throw new IllegalStateException(
          "the script has timed series: its number of steps depends on the poll interval; "
              + "use steps(Duration)");
    }
    return steps;
  }

  /**
   * How many polls, one every {@code interval} from the first, play the whole script: {@link
   * #steps()} if it has no timed series, otherwise at least enough to reach the last offset.
   *
   * @throws NullPointerException if {@code interval} is null
   * @throws IllegalArgumentException if {@code interval} is not positive, or so short that the
   *     script would need more than {@link Integer#MAX_VALUE} polls
   */
  public int steps(Duration interval) {
    requireNonNull(interval, "interval == null");
    if (interval.isNegative() || interval.isZero()) {
      throw new IllegalArgumentException("interval is not positive: " + interval);
    }
    long length = steps;
    for (Series s : series) {
      if (s.offsets == null) continue;
      Duration last = s.offsets[s.offsets.length - 1];
      long polls = last.dividedBy(interval);
      if (interval.multipliedBy(polls).compareTo(last) < 0) polls++; // first poll at or after last
      length = Math.max(length, polls + 1);
    }
    if (length > Integer.MAX_VALUE) {
      throw new IllegalArgumentException(
          "interval " + interval + " is too short: the script would need " + length + " polls");
    }
    return (int) length;
  }

  /**
   * How many polls consumed a step so far; polls after the script finished are not counted. At most
   * {@link #steps()} if the script has no timed series.
   */
  public synchronized int position() {
    return next;
  }

  /** Whether all of the script was played, so that further polls return no samples. */
  public synchronized boolean isFinished() {
    return finished();
  }

  private boolean finished() {
    assert Thread.holdsLock(this);
    if (next < steps) return false;
    for (Series s : series) {
      if (s.offsets != null && !s.ended) return false;
    }
    return true;
  }

  @Override
  public synchronized String toString() {
    return "ScriptedSource{"
        + series.size()
        + " series, "
        + next
        + " step(s) played"
        + (timed ? "" : " of " + steps)
        + (finished() ? ", finished" : "")
        + "}";
  }

  /** A series; the mutable {@link #ended} is guarded by the source. */
  private static final class Series {
    final String metric;
    final String resource;
    final Map<String, String> labels;
    final @Nullable Double[] values;

    /** The offset of each value, increasing; null if the series has one value per step. */
    final Duration @Nullable [] offsets;

    /** Whether a timed series played its last token. */
    boolean ended;

    Series(String metric, String resource, Map<String, String> labels, Script script) {
      this.metric = metric;
      this.resource = resource;
      this.labels = labels;
      this.values = script.values;
      this.offsets = script.offsets;
    }

    /** The value of the poll of {@code step} at {@code offset}; consumes a timed series' end. */
    @Nullable Double next(int step, Duration offset) {
      Duration[] at = offsets;
      if (at == null) return step < values.length ? values[step] : null;
      if (ended) return null;
      int last = -1;
      while (last + 1 < at.length && at[last + 1].compareTo(offset) <= 0) last++;
      if (last < 0) return null;
      if (last == at.length - 1) ended = true;
      return values[last];
    }
  }

  /**
   * A parsed script: values, and their offsets if it is timed. Arrays on purpose (a script is read
   * by index on every poll); the record is never compared or hashed.
   */
  @SuppressWarnings("ArrayRecordComponent")
  record Script(@Nullable Double[] values, Duration @Nullable [] offsets) {}

  /**
   * Builds a {@link ScriptedSource}. Not thread safe. A series is added either in one call, {@link
   * #series(String, String, String)} or {@link #series(String, String, Map, String)}, or in
   * several: {@link #metric}, {@link #resource}, optionally {@link #labels}, then {@link #values},
   * which adds the series; the metric, resource and labels stay set for the next {@code values}
   * call.
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
     * Makes the poll of {@code step} (from 0) throw {@code failure} instead of returning samples. A
     * later call for the same step replaces the failure.
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

  /**
   * Parses a script; {@code null} values are missing samples.
   *
   * @throws IllegalArgumentException naming the first bad token
   */
  static Script parse(String values, String what) {
    List<@Nullable Double> parsed = new ArrayList<>();
    List<Duration> offsets = new ArrayList<>();
    String first = null;
    Matcher m = TOKEN.matcher(values);
    while (m.find()) {
      String token = m.group();
      if (first == null) first = token;
      boolean timed = first.indexOf('@') >= 0;
      String position = (timed ? "token " : "step ") + parsed.size() + " (index " + m.start();
      int at = token.indexOf('@');
      if (timed && at < 0) {
        throw badToken(
            what,
            values,
            token,
            position,
            "VALUE@OFFSET like the first token \""
                + first
                + "\" (give every token an @offset, or none)");
      }
      if (!timed && at >= 0) {
        throw badToken(
            what,
            values,
            token,
            position,
            "a number, '_' or 'missing' like the first "
                + "token \""
                + first
                + "\" (give every token an @offset, or none)");
      }
      String value = timed ? token.substring(0, at) : token;
      if (value.equals("_") || value.equals("missing")) {
        parsed.add(null);
      } else if (NUMBER.matcher(value).matches()) {
        double number = Double.parseDouble(value);
        if (!Double.isFinite(number)) {
          throw badToken(what, values, token, position, "a finite number");
        }
        parsed.add(number);
      } else {
        throw badToken(
            what,
            values,
            token,
            position,
            "a number, '_' or 'missing'" + (timed ? " before '@'" : ""));
      }
      if (timed) {
        Duration offset = Offsets.parse(token.substring(at + 1));
        if (offset == null) {
          throw badToken(
              what,
              values,
              token,
              position,
              "an offset such as 0s, 90s or 1m30s after '@' (units d h m s ms, largest first)");
        }
        if (!offsets.isEmpty() && offset.compareTo(offsets.get(offsets.size() - 1)) <= 0) {
          throw badToken(
              what,
              values,
              token,
              position,
              "an offset after the previous one, "
                  + Offsets.format(offsets.get(offsets.size() - 1)));
        }
        offsets.add(offset);
      }
    }
    if (parsed.isEmpty()) {
      throw new IllegalArgumentException("values of " + what + " are empty: \"" + values + "\"");
    }
    return new Script(
        parsed.toArray(new @Nullable Double[0]),
        offsets.isEmpty() ? null : offsets.toArray(new Duration[0]));
  }

  private static IllegalArgumentException badToken(
      String what, String values, String token, String position, String expected) {
    return new IllegalArgumentException(
        "values of "
            + what
            + ": bad token \""
            + token
            + "\" at "
            + position
            + " of \""
            + values
            + "\"): expected "
            + expected);
  }
}
