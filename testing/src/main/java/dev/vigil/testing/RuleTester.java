package dev.vigil.testing;

import static java.util.Objects.requireNonNull;

import dev.vigil.AlertNotification;
import dev.vigil.AlertRule;
import dev.vigil.AlertSink;
import dev.vigil.MonitorStats;
import dev.vigil.ResourceMonitor;
import dev.vigil.Schedule;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AssertionFailureBuilder;
import org.junit.jupiter.api.Assertions;

/**
 * Unit-tests alert rules in virtual time, in-process and through real sinks, like {@code promtool
 * test rules}: a {@link ResourceMonitor} built from your rules polls a {@link ScriptedSource} once
 * per step, and every notification it raises is recorded with the step that raised it.
 *
 * <pre>{@code
 * try (RuleTester tester = RuleTester.builder()
 *     .rule(AlertRule.builder("HighCpu").metric("cpu_usage").above(80).build())
 *     .series("cpu_usage", "vm-1", "85 86 _ 70")     // one value per interval
 *     .build()) {
 *   tester.run();
 *   tester.assertTimeline(
 *       "0s FIRING   HighCpu vm-1",
 *       "3m RESOLVED HighCpu vm-1");
 *   assertThat(tester.notificationsAt(Duration.ofMinutes(3)))
 *       .extracting(AlertNotification::value).containsExactly(70.0);
 * }
 * }</pre>
 *
 * <p><b>Steps.</b> Step {@code k} (from 0) is evaluated at offset {@code k * interval} from the
 * start: its wall time is {@code start + k * interval} on the {@link VirtualTime} clock. A step
 * polls every source once ({@link ResourceMonitor#pollNow()}), which evaluates the rules and queues
 * the notifications for every sink; it then waits until every sink has delivered (or dropped) all
 * of them, so that results are deterministic, and finally advances virtual time by the interval.
 * The tester never {@linkplain ResourceMonitor#start() starts} the monitor, so no scheduled poll
 * ever runs; do not start it yourself.
 *
 * <p><b>The monitor.</b> It is built with the virtual clock and ticker, the scripted source (named
 * {@value #SOURCE_NAME}, on {@code Schedule.every(interval)}), the rules, a recording sink (named
 * {@value #SINK_NAME}), your extra sinks, and {@code deliveryAttempts(1)} so that a failing sink
 * fails at once instead of backing off in real time. Customisations passed to {@link
 * Builder#monitor} are applied last and may change any of that.
 *
 * <p>The tester reports whatever notifications the monitor produces; it makes no assumption about
 * the rules' semantics.
 *
 * <p><b>Thread safety.</b> Thread safe: stepping and closing are serialised, and the accessors
 * return immutable snapshots. Drive it from one test thread.
 *
 * <p><b>Lifecycle.</b> {@link Builder#build() Build}, {@link #step()} or {@link #run()}, assert,
 * {@link #close()} (which closes the monitor, flushing its sinks and closing them and the source).
 * Use it in try-with-resources or close it in an {@code @AfterEach}.
 */
public final class RuleTester implements AutoCloseable {

  /** The name of the scripted source in the monitor. */
  public static final String SOURCE_NAME = "script";

  /** The name of the tester's recording sink in the monitor. */
  public static final String SINK_NAME = "rule-tester";

  /** Labels every notification has, left out of {@link #timeline()}. */
  private static final Set<String> RESERVED_LABELS = Set.of("alertname", "resource", "severity");

  /**
   * A notification and the step that raised it.
   *
   * @param step the step, from 0
   * @param offset the step's offset from the start: {@code step * interval}
   * @param notification the notification
   */
  public record Recorded(int step, Duration offset, AlertNotification notification) {

    /**
     * Validates the components.
     *
     * @throws NullPointerException if {@code offset} or {@code notification} is null
     * @throws IllegalArgumentException if {@code step} is negative
     */
    public Recorded {
      requireNonNull(offset, "offset == null");
      requireNonNull(notification, "notification == null");
      if (step < 0) throw new IllegalArgumentException("step is negative: " + step);
    }
  }

  private final VirtualTime time;
  private final ScriptedSource source;
  private final Duration interval;
  private final int steps;
  private final Duration settleTimeout;
  private final ResourceMonitor monitor;
  private final List<Recorded> recorded = new ArrayList<>();

  /** The step being run; read by the recording sink's thread. */
  private volatile int currentStep;

  private int stepsRun;
  private boolean closed;

  private RuleTester(Builder b, ScriptedSource source) {
    this.time = b.start == null ? VirtualTime.create() : VirtualTime.startingAt(b.start);
    this.source = source;
    this.interval = b.interval;
    this.steps = source.steps(interval);
    this.settleTimeout = b.settleTimeout;
    ResourceMonitor.Builder mb =
        time.configure(ResourceMonitor.builder())
            .source(SOURCE_NAME, Schedule.every(interval), source)
            .sink(SINK_NAME, this::record)
            .deliveryAttempts(1);
    for (AlertRule rule : b.rules) mb.rule(rule);
    b.sinks.forEach(mb::sink);
    for (Consumer<ResourceMonitor.Builder> customizer : b.customizers) customizer.accept(mb);
    this.monitor = mb.build();
  }

  /** Returns a new builder. */
  public static Builder builder() {
    return new Builder();
  }

  private void record(AlertNotification notification) {
    int step = currentStep;
    synchronized (recorded) {
      recorded.add(new Recorded(step, interval.multipliedBy(step), notification));
    }
  }

  /**
   * Runs the next step: polls, waits until every sink has delivered, advances virtual time by the
   * interval.
   *
   * @return the notifications raised by this step, in order
   * @throws IllegalStateException if the script has no step left or the tester is closed
   * @throws AssertionError (JUnit's {@code AssertionFailedError}) if a sink still had pending
   *     notifications when the settle timeout passed, or the thread was interrupted
   */
  public synchronized List<AlertNotification> step() {
    if (closed) throw new IllegalStateException("tester is closed");
    if (stepsRun >= steps) {
      throw new IllegalStateException("script finished: all " + steps + " step(s) ran");
    }
    int step = stepsRun++;
    currentStep = step;
    try {
      monitor.pollNow();
      awaitSinksIdle(step);
    } finally {
      time.advance(interval); // even when the step failed, so that later steps keep their offsets
    }
    return at(step);
  }

  /**
   * Runs every step that has not run yet; does nothing if none is left.
   *
   * @throws IllegalStateException if the tester is closed
   * @throws AssertionError (JUnit's {@code AssertionFailedError}) as for {@link #step()}
   */
  public synchronized void run() {
    if (closed) throw new IllegalStateException("tester is closed");
    while (stepsRun < steps) step();
  }

  /** Whether every step of the script has run. */
  public synchronized boolean isFinished() {
    return stepsRun >= steps;
  }

  /**
   * How many steps the script has, at this interval: {@link ScriptedSource#steps(Duration)}. With a
   * timed series, the last step is the first at or after its last offset.
   */
  public int steps() {
    return steps;
  }

  /** The interval between steps. */
  public Duration interval() {
    return interval;
  }

  /** Every notification raised so far, in order. */
  public List<AlertNotification> notifications() {
    synchronized (recorded) {
      return recorded.stream().map(Recorded::notification).toList();
    }
  }

  /** Every notification raised so far with the step that raised it, in order. */
  public List<Recorded> recorded() {
    synchronized (recorded) {
      return List.copyOf(recorded);
    }
  }

  /**
   * Every notification raised so far, one line each, in order: {@code "OFFSET TYPE RULE RESOURCE"},
   * such as {@code "3m RESOLVED HighCpu vm-1"}, followed by the alert's other labels if it has any
   * besides {@code alertname}, {@code resource} and {@code severity}: {@code "0s FIRING HighCpu
   * vm-1{region=eu-west-1}"}. The offset is that of the step that raised it, written as in timed
   * scripts ({@code 0s}, {@code 90s} is {@code 1m30s}); the type is the {@link
   * AlertNotification#type()}.
   */
  public List<String> timeline() {
    synchronized (recorded) {
      return recorded.stream().map(RuleTester::line).toList();
    }
  }

  /**
   * Asserts that the notifications raised so far are exactly {@code expected}, in order, each
   * written as in {@link #timeline()}. Runs of whitespace in an expected line count as one space,
   * so columns may be aligned. Expect nothing with no argument.
   *
   * @throws NullPointerException if {@code expected} or one of its lines is null
   * @throws AssertionError (JUnit's {@code AssertionFailedError}, with the expected and actual
   *     timelines for an IDE's diff) if they differ; the message names the first line that differs
   *     and lists both timelines, one notification a line
   */
  public synchronized void assertTimeline(String... expected) {
    requireNonNull(expected, "expected == null");
    List<String> want = new ArrayList<>();
    for (String line : expected) {
      want.add(requireNonNull(line, "expected line == null").trim().replaceAll("\\s+", " "));
    }
    List<String> actual = timeline();
    if (want.equals(actual)) return;
    int line = 0;
    while (line < want.size() && line < actual.size() && want.get(line).equals(actual.get(line))) {
      line++;
    }
    String message =
        "timeline differs at line "
            + (line + 1)
            + " (of "
            + want.size()
            + " expected, "
            + actual.size()
            + " actual)\n"
            + "  expected: "
            + lineOrNone(want, line)
            + "\n"
            + "  but was:  "
            + lineOrNone(actual, line)
            + "\n"
            + "expected timeline:\n"
            + indent(want)
            + "actual timeline ("
            + stepsRun
            + " of "
            + steps
            + " step(s) run):\n"
            + indent(actual);
    throw AssertionFailureBuilder.assertionFailure()
        .message(message)
        .expected(String.join("\n", want))
        .actual(String.join("\n", actual))
        .includeValuesInMessage(false)
        .build();
  }

  private static String line(Recorded r) {
    AlertNotification n = r.notification();
    StringBuilder line =
        new StringBuilder(Offsets.format(r.offset()))
            .append(' ')
            .append(n.type())
            .append(' ')
            .append(n.rule())
            .append(' ')
            .append(n.resource());
    String separator = "{";
    for (Map.Entry<String, String> label : new TreeMap<>(n.labels()).entrySet()) {
      if (RESERVED_LABELS.contains(label.getKey())) continue;
      line.append(separator).append(label.getKey()).append('=').append(label.getValue());
      separator = ",";
    }
    return separator.equals("{") ? line.toString() : line.append('}').toString();
  }

  private static String lineOrNone(List<String> lines, int index) {
    return index < lines.size() ? lines.get(index) : "(no more notifications)";
  }

  private static String indent(List<String> lines) {
    if (lines.isEmpty()) return "  (none)\n";
    StringBuilder out = new StringBuilder();
    for (String line : lines) out.append("  ").append(line).append('\n');
    return out.toString();
  }

  /**
   * Returns the notifications raised by the step at {@code offset} from the start, in order; empty
   * if that step raised none or has not run.
   *
   * @param offset a multiple of the interval, such as {@code Duration.ofMinutes(3)}
   * @throws NullPointerException if {@code offset} is null
   * @throws IllegalArgumentException if {@code offset} is negative or not a multiple of the
   *     interval
   */
  public List<AlertNotification> notificationsAt(Duration offset) {
    requireNonNull(offset, "offset == null");
    if (offset.isNegative()) throw new IllegalArgumentException("offset is negative: " + offset);
    long intervalNanos = interval.toNanos();
    long offsetNanos = offset.toNanos();
    if (offsetNanos % intervalNanos != 0) {
      throw new IllegalArgumentException(
          "offset " + offset + " is not a multiple of the interval " + interval);
    }
    long step = offsetNanos / intervalNanos;
    return step > Integer.MAX_VALUE ? List.of() : at((int) step);
  }

  private List<AlertNotification> at(int step) {
    synchronized (recorded) {
      return recorded.stream().filter(r -> r.step() == step).map(Recorded::notification).toList();
    }
  }

  /**
   * The monitor under test, for {@link ResourceMonitor#activeAlerts()} and {@link
   * ResourceMonitor#stats()}. Do not start it.
   */
  public ResourceMonitor monitor() {
    return monitor;
  }

  /** The virtual time the monitor runs on. */
  public VirtualTime time() {
    return time;
  }

  /** The scripted source. */
  public ScriptedSource source() {
    return source;
  }

  /** Closes the monitor: flushes and closes its sinks, closes its source. Idempotent. */
  @Override
  public synchronized void close() {
    closed = true;
    monitor.close();
  }

  @Override
  public String toString() {
    return "RuleTester{step "
        + stepsRun
        + " of "
        + steps
        + ", every "
        + interval
        + ", "
        + monitor
        + "}";
  }

  /**
   * Waits, with the settle timeout as deadline, until no sink has a pending notification, with
   * {@link ResourceMonitor#flush(Duration)}. If the deadline passes first, fails naming each sink
   * that still has pending notifications (read from {@link ResourceMonitor#stats()}).
   */
  private void awaitSinksIdle(int step) {
    boolean idle;
    try {
      idle = monitor.flush(settleTimeout);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError("interrupted while step " + step + " waited for the sinks", e);
    }
    if (idle) return;
    Map<String, Integer> busy = new LinkedHashMap<>();
    for (Map.Entry<String, MonitorStats.SinkStats> e : monitor.stats().sinks().entrySet()) {
      if (e.getValue().pending() > 0) busy.put(e.getKey(), e.getValue().pending());
    }
    Assertions.fail(
        "step "
            + step
            + " (offset "
            + interval.multipliedBy(step)
            + "): sinks still had "
            + "pending notifications after "
            + settleTimeout
            + ": "
            + busy);
  }

  /**
   * Configures a {@link RuleTester}. Not thread safe. Setters reject bad values at once; {@link
   * #build()} rejects missing or conflicting settings.
   */
  public static final class Builder {
    private final List<AlertRule> rules = new ArrayList<>();
    private final ScriptedSource.Builder script = ScriptedSource.builder();
    private boolean scripted;
    private @Nullable ScriptedSource source;
    private final Map<String, AlertSink> sinks = new LinkedHashMap<>();
    private final List<Consumer<ResourceMonitor.Builder>> customizers = new ArrayList<>();
    private Duration interval = Duration.ofMinutes(1);
    private Duration settleTimeout = Duration.ofSeconds(10);
    private @Nullable Instant start;

    private Builder() {}

    /**
     * Adds a rule under test.
     *
     * @throws NullPointerException if {@code rule} is null
     * @throws IllegalArgumentException if a rule of the same name was added already
     */
    public Builder rule(AlertRule rule) {
      requireNonNull(rule, "rule == null");
      for (AlertRule r : rules) {
        if (r.name().equals(rule.name())) {
          throw new IllegalArgumentException("rule name already added: " + rule.name());
        }
      }
      rules.add(rule);
      return this;
    }

    /**
     * Adds a series to the script: one value per step, {@code _} for no sample, such as {@code "85
     * 86 _ 70"}; or values at offsets from step 0, such as {@code "85@0s, 90@90s, missing@3m"}. See
     * {@link ScriptedSource} for the syntax. Conflicts with {@link #source}.
     *
     * @throws NullPointerException if an argument is null
     * @throws IllegalArgumentException if {@code metric} or {@code resource} is blank, or {@code
     *     values} is empty or has a bad token
     */
    public Builder series(String metric, String resource, String values) {
      script.series(metric, resource, values);
      scripted = true;
      return this;
    }

    /**
     * Adds a series whose samples carry {@code labels}, such as {@code region=eu-west-1}, to test
     * rules that template {@code {labels.region}} or tell series apart by their labels. Otherwise
     * as {@link #series(String, String, String)}.
     *
     * @throws NullPointerException if an argument, a label name or a label value is null
     * @throws IllegalArgumentException if {@code metric}, {@code resource} or a label name is
     *     blank, or {@code values} is empty or has a bad token
     */
    public Builder series(
        String metric, String resource, Map<String, String> labels, String values) {
      script.series(metric, resource, labels, values);
      scripted = true;
      return this;
    }

    /**
     * Makes the poll of {@code step} (from 0) throw {@code failure}. Conflicts with {@link
     * #source}.
     *
     * @throws NullPointerException if {@code failure} is null
     * @throws IllegalArgumentException if {@code step} is negative
     */
    public Builder failAt(int step, Exception failure) {
      script.failAt(step, failure);
      scripted = true;
      return this;
    }

    /**
     * Uses {@code source} as the script instead of {@link #series} and {@link #failAt}. It must not
     * have been polled yet.
     *
     * @throws NullPointerException if {@code source} is null
     * @throws IllegalArgumentException if {@code source} was polled already
     */
    public Builder source(ScriptedSource source) {
      requireNonNull(source, "source == null");
      if (source.position() != 0) {
        throw new IllegalArgumentException(
            "source was polled already (" + source.position() + " step(s)): use a fresh one");
      }
      this.source = source;
      return this;
    }

    /**
     * Sets the time between steps; one minute by default.
     *
     * @throws NullPointerException if {@code interval} is null
     * @throws IllegalArgumentException if {@code interval} is not positive
     */
    public Builder interval(Duration interval) {
      requireNonNull(interval, "interval == null");
      if (interval.isNegative() || interval.isZero()) {
        throw new IllegalArgumentException("interval is not positive: " + interval);
      }
      this.interval = interval;
      return this;
    }

    /**
     * Sets the wall time of step 0; {@link ManualClock#DEFAULT_START} by default.
     *
     * @throws NullPointerException if {@code start} is null
     */
    public Builder start(Instant start) {
      this.start = requireNonNull(start, "start == null");
      return this;
    }

    /**
     * Adds a sink that receives every notification too, to test your own sink against scripted
     * alerts. Each step waits until it has delivered; it is closed with the tester.
     *
     * @throws NullPointerException if an argument is null
     * @throws IllegalArgumentException if {@code name} is {@value RuleTester#SINK_NAME} or was
     *     added already (the monitor's builder checks the rest of the name when the tester is
     *     built)
     */
    public Builder sink(String name, AlertSink sink) {
      requireNonNull(name, "sink name == null");
      requireNonNull(sink, "sink == null");
      if (name.equals(SINK_NAME)) {
        throw new IllegalArgumentException("sink name is reserved for the tester: " + name);
      }
      if (sinks.containsKey(name)) {
        throw new IllegalArgumentException("sink name already added: " + name);
      }
      sinks.put(name, sink);
      return this;
    }

    /**
     * Customises the monitor's builder after the tester configured it, for example to add a {@link
     * dev.vigil.MonitorListener}. Several customisations apply in the order given.
     *
     * @throws NullPointerException if {@code customizer} is null
     */
    public Builder monitor(Consumer<ResourceMonitor.Builder> customizer) {
      customizers.add(requireNonNull(customizer, "customizer == null"));
      return this;
    }

    /**
     * Sets how long a step waits for the sinks to deliver its notifications before it fails; 10
     * seconds of real time by default.
     *
     * @throws NullPointerException if {@code timeout} is null
     * @throws IllegalArgumentException if {@code timeout} is negative
     */
    public Builder settleTimeout(Duration timeout) {
      requireNonNull(timeout, "settleTimeout == null");
      if (timeout.isNegative()) {
        throw new IllegalArgumentException("settleTimeout is negative: " + timeout);
      }
      this.settleTimeout = timeout;
      return this;
    }

    /**
     * Builds the tester and its monitor; no step runs until {@link RuleTester#step()} or {@link
     * RuleTester#run()}.
     *
     * @throws IllegalStateException if no rule or no script was given, or both {@link #source} and
     *     {@link #series}/{@link #failAt} were
     * @throws IllegalArgumentException if the monitor's builder rejects a sink name
     */
    public RuleTester build() {
      if (rules.isEmpty()) throw new IllegalStateException("no rule: add one with rule()");
      if (source != null && scripted) {
        throw new IllegalStateException("source() and series()/failAt() both set: choose one");
      }
      ScriptedSource s = source;
      if (s == null) {
        if (!scripted) {
          throw new IllegalStateException("no script: add one with series() or source()");
        }
        s = script.build();
      }
      return new RuleTester(this, s);
    }
  }
}
