package dev.vigil;

import static java.util.Objects.requireNonNull;

import dev.vigil.internal.FlapDetector;
import dev.vigil.internal.Labels;
import dev.vigil.internal.Loggers;
import dev.vigil.internal.SampleWindow;
import dev.vigil.internal.Templates;
import dev.vigil.internal.Throwables;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.jspecify.annotations.Nullable;

/**
 * Evaluates rules against samples and keeps the state machine of every alert. Guarded by its own
 * lock. Each call returns an {@link Evaluation}: the alert transitions it caused, in order, and a
 * snapshot of the open alerts afterwards, numbered so that delivery can keep their order. The
 * evaluator hands that value back to its caller and hears nothing back: it never calls delivery,
 * suppression or user code, and it does not know what any sink was told (like Prometheus' rule
 * manager handing alerts to a {@code NotifyFunc}, {@code rules/manager.go}).
 *
 * <p>Costs: ingesting a sample is O(windows of its metric); evaluating a threshold rule is O(1) in
 * the length of the history (running aggregates; percentiles excepted). After a successful poll,
 * the alerts of that source are swept once for missing data and staleness. Every evaluation renders
 * the snapshot of the open alerts: O(open alerts).
 */
final class Evaluator {
  static final String SOURCE_HEALTH_RULE = "SourceHealth";
  static final int HISTORY_LIMIT = 32;

  /** A wall-clock jump against the ticker larger than this is logged as a clock step. */
  static final long CLOCK_STEP_TOLERANCE_MILLIS = 1_000;

  /** "Not set" for the ticker readings below. */
  private static final long NONE = Long.MIN_VALUE;

  /** What one evaluation produced, collected under the lock and returned as one value. */
  private static final class Emitter {
    final List<AlertNotification> notifications = new ArrayList<>();
    final List<Evaluation.RuleFailure> ruleFailures = new ArrayList<>();

    void emit(AlertNotification n) {
      notifications.add(n);
    }

    void ruleFailed(String rule, String series, Throwable error) {
      ruleFailures.add(new Evaluation.RuleFailure(rule, series, error));
    }
  }

  /** Numbers the evaluations, so that delivery hands them on in the order they happened. */
  private long sequence;

  /** Numbers the successful polls: what a series or an alert was last touched or evaluated by. */
  private long polls;

  private final List<RuleRuntime> rules = new ArrayList<>();

  /** Absent rules not yet satisfied: no matching series reported since the first poll. */
  private final List<RuleRuntime> absentUnseen = new ArrayList<>();

  /** Ticker reading of the first evaluation: absent rules count their grace from it. */
  private long firstNanos = NONE;

  /** Rules by every metric they read, so that any of a composite's metrics triggers it. */
  private final Map<String, List<RuleRuntime>> rulesByMetric = new HashMap<>();

  /** The windows each metric's rules read, with the aggregates they read from each. */
  private final Map<String, WindowSpec[]> windowsByMetric = new HashMap<>();

  /** Metrics read by heartbeat rules: their series are kept while the resource is silent. */
  private final Set<String> heartbeatMetrics = new HashSet<>();

  /** The longest any rule looks back (windows, staleAfter): series kept that long, in nanos. */
  private final long maxStaleNanos;

  /**
   * The notifications of the evaluation under way of an alert whose rule detects flapping, held
   * until {@link #settle} checked for flapping; null otherwise.
   */
  private @Nullable List<AlertNotification> deferred;

  private final Map<SeriesKey, Series> series = new HashMap<>();
  private final Map<String, Set<Series>> seriesByMetric = new HashMap<>();
  private final Map<String, Set<Series>> seriesByResource = new HashMap<>();
  private final Map<AlertKey, Entry> entries = new LinkedHashMap<>();
  private final Map<String, Entry> byFingerprint = new HashMap<>();

  private final Map<String, Set<Entry>> bySource = new HashMap<>();

  /** Entries that may be open in a sink: FIRING, NO_DATA or flapping. What the snapshot holds. */
  private final Set<Entry> open = new LinkedHashSet<>();

  private final Map<String, SourceState> sources = new HashMap<>();

  private final int sourceFailuresToAlert;

  /**
   * The ticker reading (nanoseconds) of the evaluation under way: every duration the engine
   * measures ({@code for}, {@code keepFiringFor}, {@code staleAfter}, heartbeats, windows) is a
   * difference of two such readings, so a step of the wall clock changes none of them.
   */
  private long nowNanos;

  /** Wall clock minus ticker, in milliseconds, at the last evaluation: a jump is a clock step. */
  private long clockOffsetMillis = NONE;

  Evaluator(List<AlertRule> alertRules) {
    this(alertRules, 1);
  }

  /**
   * @param sourceFailuresToAlert consecutive failed polls of a source before its health alert fires
   */
  Evaluator(List<AlertRule> alertRules, int sourceFailuresToAlert) {
    this.sourceFailuresToAlert = sourceFailuresToAlert;
    Duration stale = Duration.ofMinutes(5);
    for (AlertRule rule : alertRules) {
      RuleRuntime rt = new RuleRuntime(rule);
      rules.add(rt);
      for (String metric : rt.metrics)
        rulesByMetric.computeIfAbsent(metric, m -> new ArrayList<>()).add(rt);
      if (rule.heartbeat() != null) heartbeatMetrics.add(rule.metric());
      if (rule.absentGrace() != null) absentUnseen.add(rt);
      for (Condition leaf : rt.leaves) {
        Window w = leaf.aggregation.window();
        if (w != null)
          windowsByMetric.put(
              leaf.metric,
              WindowSpec.add(windowsByMetric.get(leaf.metric), w, leaf.aggregation.kind));
        if (w != null && w.duration().compareTo(stale) > 0) stale = w.duration();
      }
      if (rule.staleAfter().compareTo(stale) > 0) stale = rule.staleAfter();
    }
    this.maxStaleNanos = nanos(stale);
  }

  // ---------------------------------------------------------------- polls

  /**
   * A poll of {@code source} succeeded with {@code samples} at {@code now}; {@code failed} are the
   * resources it reported through {@link PollContext#reportError}: their alerts keep their state,
   * as for a failing source.
   */
  synchronized Evaluation ingest(
      String source, List<Sample> samples, Set<String> failed, Instant now, long nanos) {
    return ingest(source, samples, failed, null, now, nanos);
  }

  /**
   * As {@link #ingest(String, List, Set, Instant, long)}; if {@code incomplete} is not null the
   * source said the poll is incomplete as a whole ({@link PollContext#reportIncomplete}): the
   * samples are evaluated, and the source's health alert fires with that cause as for a failed
   * poll.
   */
  synchronized Evaluation ingest(
      String source,
      List<Sample> samples,
      Set<String> failed,
      @Nullable Throwable incomplete,
      Instant now,
      long nanos) {
    Emitter emit = new Emitter();
    observe(now, nanos);
    try {
      ingest(source, samples, failed, incomplete, now, emit);
      return evaluation(now, emit, null);
    } catch (Throwable t) {
      Throwables.rethrowIfFatal(t);
      return evaluation(now, emit, t);
    }
  }

  private void ingest(
      String source,
      List<Sample> samples,
      Set<String> failed,
      @Nullable Throwable incomplete,
      Instant now,
      Emitter emit) {
    SourceState src = sources.computeIfAbsent(source, SourceState::new);
    if (incomplete == null) {
      src.succeeded(now, emit);
    } else {
      src.failed(incomplete, now, emit);
    }
    for (String resource : failed) src.seen(resource, nowNanos);

    long poll = ++polls;
    List<Series> touched = new ArrayList<>(samples.size());
    for (Sample sample : samples) {
      src.seen(sample.resource(), nowNanos);
      if (!rulesByMetric.containsKey(sample.metric())) continue; // no rule reads it: keep nothing
      SeriesKey key = new SeriesKey(sample.metric(), sample.resource(), sample.labels());
      Series s = series.get(key);
      if (s == null) {
        s = new Series(key, source, windowsByMetric.getOrDefault(sample.metric(), WindowSpec.NONE));
        series.put(key, s);
        seriesByMetric.computeIfAbsent(key.metric(), m -> new LinkedHashSet<>()).add(s);
        seriesByResource.computeIfAbsent(key.resource(), r -> new LinkedHashSet<>()).add(s);
        if (!absentUnseen.isEmpty()) sighted(key);
      }
      s.add(sample.value(), nowNanos);
      if (s.touchedPoll != poll) touched.add(s);
      s.touchedPoll = poll;
    }

    for (Series s : touched) {
      SeriesKey key = s.key;
      List<RuleRuntime> readers = rulesByMetric.getOrDefault(key.metric(), List.of());
      for (int i = 0; i < readers.size(); i++) {
        RuleRuntime rt = readers.get(i);
        if (rt.rule.condition() == null) continue; // heartbeat and absent rules: see tick()
        try {
          Entry e = s.entry(i);
          if (e == null) {
            e = entry(new AlertKey(rt.rule.name(), key.resource(), key.labels()), rt, source);
            s.cache(i, readers.size(), e);
          }
          if (e.evaluatedPoll == poll) continue; // one evaluation per poll, with the latest values
          e.evaluatedPoll = poll;
          evaluate(e, rt.evaluate(this, key.resource(), key.labels()), now, emit);
        } catch (Throwable t) {
          Throwables.rethrowIfFatal(t);
          emit.ruleFailed(rt.rule.name(), key.toString(), t);
        }
      }
    }
    sweep(src, poll, failed, now, emit);
    tick(now, emit);
  }

  /**
   * How many of {@code samples} would start a series the engine does not keep yet (of metrics some
   * rule reads), counting at most to {@code limit + 1}. Changes nothing.
   */
  synchronized int newSeries(List<Sample> samples, int limit) {
    java.util.Set<SeriesKey> fresh = new java.util.HashSet<>();
    for (Sample sample : samples) {
      if (!rulesByMetric.containsKey(sample.metric())) continue;
      SeriesKey key = new SeriesKey(sample.metric(), sample.resource(), sample.labels());
      if (!series.containsKey(key) && fresh.add(key) && fresh.size() > limit) break;
    }
    return fresh.size();
  }

  /** As {@link #ingest(String, List, Set, Instant, long)} with a ticker that follows the clock. */
  Evaluation ingest(String source, List<Sample> samples, Set<String> failed, Instant now) {
    return ingest(source, samples, failed, now, tickerFor(now));
  }

  /** A poll of {@code source} failed: its alerts keep their state; its health alert fires. */
  synchronized Evaluation sourceFailed(String source, Throwable error, Instant now, long nanos) {
    Emitter emit = new Emitter();
    observe(now, nanos);
    try {
      sources.computeIfAbsent(source, SourceState::new).failed(error, now, emit);
      tick(now, emit);
      return evaluation(now, emit, null);
    } catch (Throwable t) {
      Throwables.rethrowIfFatal(t);
      return evaluation(now, emit, t);
    }
  }

  /** {@code d} in nanoseconds, saturated: durations beyond 292 years are forever. */
  static long nanos(Duration d) {
    try {
      return d.toNanos();
    } catch (ArithmeticException tooLong) {
      return Long.MAX_VALUE;
    }
  }

  /** A ticker reading for callers (white-box tests) whose clock never steps. */
  private static long tickerFor(Instant now) {
    return Math.multiplyExact(now.toEpochMilli(), 1_000_000L);
  }

  /**
   * Takes the time of the evaluation under way: {@code nanos} for durations, {@code now} for
   * timestamps. Logs a step of the wall clock against the ticker once, when it is first seen.
   */
  private void observe(Instant now, long nanos) {
    nowNanos = nanos;
    if (firstNanos == NONE) firstNanos = nanos;
    long offset = now.toEpochMilli() - Math.floorDiv(nanos, 1_000_000L);
    if (clockOffsetMillis != NONE
        && Math.abs(offset - clockOffsetMillis) > CLOCK_STEP_TOLERANCE_MILLIS) {
      Loggers.RULES.warn(
          "Wall clock stepped by {} against the monotonic ticker: rule durations (for,"
              + " keepFiringFor, staleAfter, heartbeat, windows) keep following the ticker;"
              + " alert timestamps follow the clock and never go back within an alert",
          Duration.ofMillis(offset - clockOffsetMillis));
    }
    clockOffsetMillis = offset;
  }

  /**
   * The value handed to delivery: the transitions of this evaluation and the open alerts after it.
   */
  private Evaluation evaluation(Instant now, Emitter emit, @Nullable Throwable failure) {
    List<ActiveAlert> active = new ArrayList<>(open.size() + sources.size());
    for (Entry e : open) {
      active.add(
          new ActiveAlert(
              notification(e, NotificationType.FIRING, AlertStatus.FIRING, now),
              e.state,
              e.flapping,
              e.rt.rule.repeatInterval()));
    }
    for (SourceState src : sources.values()) {
      if (src.health != null) {
        active.add(
            new ActiveAlert(
                src.healthNotification(AlertStatus.FIRING, NotificationType.FIRING, now),
                AlertState.FIRING,
                false,
                Duration.ZERO));
      }
    }
    return new Evaluation(
        ++sequence, now, nowNanos, emit.notifications, emit.ruleFailures, active, failure);
  }

  /** A new series {@code key}: the absent rules it matches are satisfied from now on. */
  private void sighted(SeriesKey key) {
    Map<String, String> labels = null;
    for (RuleRuntime rt : absentUnseen) {
      if (!rt.rule.metric().equals(key.metric())) continue;
      if (labels == null) {
        labels = new HashMap<>(key.labels());
        labels.put("resource", key.resource());
      }
      boolean all = true;
      for (Matcher m : rt.rule.absentMatchers()) all &= m.matches(labels);
      if (all) rt.absentSighted = true;
    }
  }

  /**
   * Absent rules, like Prometheus' {@code absent()}: after the grace from the first poll, one alert
   * per rule fires while no matching series was reported; the first one resolves it and the rule is
   * done (a series that stops later is the business of a heartbeat). O(absent rules).
   */
  private void absent(Instant now, Emitter emit) {
    for (var it = absentUnseen.iterator(); it.hasNext(); ) {
      RuleRuntime rt = it.next();
      boolean seen = rt.absentSighted;
      if (!seen && nowNanos - firstNanos < rt.absentGraceNanos) continue;
      AlertKey ak = absentKey(rt.rule);
      Entry e = entries.get(ak);
      if (seen && e == null) {
        it.remove(); // seen within the grace: never absent
        continue;
      }
      e = entry(ak, rt, "");
      e.lastEvaluatedAt = now;
      e.value = seen ? 1 : 0;
      e.threshold = 1;
      e.recordPeriod(true, !seen);
      decide(
          e,
          !seen,
          rt.rule.severity(),
          now,
          emit,
          seen
              ? "a matching series was reported"
              : "no series of " + rt.rule.metric() + rt.rule.absentMatchers() + " reported");
      if (seen) it.remove();
    }
  }

  /** The alert of an absent rule: resource and labels from its equality matchers. */
  private static AlertKey absentKey(AlertRule rule) {
    String resource = rule.metric();
    Map<String, String> labels = new TreeMap<>();
    for (Matcher m : rule.absentMatchers()) {
      if (m.type() != Matcher.Type.EQUAL) continue;
      if (m.name().equals("resource")) resource = m.value();
      else labels.put(m.name(), m.value());
    }
    return new AlertKey(rule.name(), resource, Map.copyOf(labels));
  }

  /** Time-driven work, run after every poll: heartbeats and absent rules. */
  private void tick(Instant now, Emitter emit) {
    if (!absentUnseen.isEmpty()) absent(now, emit);
    for (RuleRuntime rt : rules) {
      Duration max = rt.rule.heartbeat();
      if (max == null) continue;
      for (Series s : seriesByMetric.getOrDefault(rt.rule.metric(), Set.of())) {
        AlertKey ak = new AlertKey(rt.rule.name(), s.key.resource(), s.key.labels());
        Entry e = entry(ak, rt, s.source);
        Duration silent = Duration.ofNanos(nowNanos - s.lastNanos);
        e.lastEvaluatedAt = now;
        e.value = silent.toMillis() / 1000.0;
        e.threshold = max.toMillis() / 1000.0;
        // Prometheus 3's left-open range (t - max, t]: a sample exactly max ago is outside it, so
        // absent_over_time(m[max]) holds from then on, as Window.of(max) would be empty.
        boolean breach = silent.compareTo(max) >= 0;
        e.recordPeriod(true, breach);
        decide(
            e,
            breach,
            rt.rule.severity(),
            now,
            emit,
            breach ? "no sample for " + silent : "sample received");
      }
    }
  }

  // ---------------------------------------------------------------- evaluation

  private Entry entry(AlertKey ak, RuleRuntime rt, String source) {
    Entry e = entries.get(ak);
    if (e == null) {
      e = new Entry(ak, rt, source);
      entries.put(ak, e);
      byFingerprint.put(e.fingerprint, e);
      bySource.computeIfAbsent(source, r -> new LinkedHashSet<>()).add(e);
    }
    return e;
  }

  private void forget(Entry e) {
    e.forgotten = true; // series that cached it look it up again
    entries.remove(e.key);
    byFingerprint.remove(e.fingerprint);
    open.remove(e);
    removeFrom(bySource, e.source, e);
  }

  private static <T> void removeFrom(Map<String, Set<T>> index, String key, T value) {
    Set<T> set = index.get(key);
    if (set != null && set.remove(value) && set.isEmpty()) index.remove(key);
  }

  /** One evaluation of {@code e} with data (or without, per its missing-data policy). */
  private void evaluate(Entry e, Result r, Instant now, Emitter emit) {
    e.lastEvaluatedAt = now;
    if (!r.hasData) {
      missing(e, now, emit);
      return;
    }
    e.lastDataNanos = nowNanos;
    e.lastResult = r;
    e.recordRecent(now, r.value);
    apply(e, r, now, emit, null);
  }

  /** One evaluation period with a real datapoint (for KEEP_LAST, the last one again). */
  private void apply(Entry e, Result r, Instant now, Emitter emit, @Nullable String why) {
    e.value = r.value;
    // Hysteresis holds for a firing alert, also one that lost its data for a while.
    boolean firing =
        e.state == AlertState.FIRING
            || (e.state == AlertState.NO_DATA && e.stateBeforeNoData == AlertState.FIRING);
    boolean breach = (firing && r.clear != null) ? !r.clear : r.breach;
    Severity severity = r.critical ? Severity.CRITICAL : e.rt.rule.severity();
    e.threshold = r.critical ? r.criticalThreshold : r.threshold;
    e.recordPeriod(true, breach);
    judge(
        e,
        severity,
        now,
        emit,
        why != null ? why : breach ? "condition holds" : "condition does not hold");
  }

  /**
   * One evaluation period without a datapoint: its source was polled, the series was not in it. The
   * rule's policy decides; see {@link #verdict}.
   */
  private void missing(Entry e, Instant now, Emitter emit) {
    AlertRule rule = e.rt.rule;
    MissingData policy = rule.missingData();
    if (policy == MissingData.KEEP_LAST) {
      Result last = e.lastResult;
      if (last != null) apply(e, last, now, emit, "missing datapoint (last value kept)");
      return;
    }
    e.recordPeriod(false, false);
    Severity severity = e.severity == null ? rule.severity() : e.severity;
    switch (policy) {
      // CloudWatch ignore: the range is evaluated as for missing, but where missing would have
      // insufficient data (or alarm prematurely) the state is kept.
      case IGNORE -> judge(e, severity, now, emit, "missing datapoint");
      case MISSING -> {
        if (e.state == AlertState.NO_DATA) return;
        if (e.state == AlertState.PENDING) {
          // Prometheus: a series absent from the result has no alert, so its pending ends; it
          // starts again, with a new for, when the series is back (rules/alerting.go, Eval).
          AlertState before = e.state;
          e.pendingSince = NONE;
          transition(e, AlertState.INACTIVE, now, "missing datapoint: pending reset");
          settle(e, before, now, emit);
          return;
        }
        if (!rule.forDuration().isZero() && e.state != AlertState.FIRING) {
          settle(e, e.state, now, emit); // a missing datapoint never starts a for
          return;
        }
        judge(e, severity, now, emit, "missing datapoint");
      }
      case BREACHING -> {
        e.value = Double.NaN;
        judge(e, severity, now, emit, "missing datapoint (breaching)");
      }
      case NOT_BREACHING -> {
        e.value = Double.NaN;
        judge(e, severity, now, emit, "missing datapoint (not breaching)");
      }
      case KEEP_LAST -> throw new IllegalStateException("handled above");
    }
  }

  /** Decides on the evaluation range of {@code e}; insufficient data keeps the state. */
  private void judge(Entry e, Severity severity, Instant now, Emitter emit, String why) {
    AlertRule rule = e.rt.rule;
    Boolean breach =
        verdict(
            e.periodReal,
            e.periodBreach,
            rule.datapointsToAlarm(),
            rule.evaluationPeriods(),
            rule.missingData());
    if (breach == null) {
      settle(e, e.state, now, emit); // CloudWatch INSUFFICIENT_DATA, or ignore: state kept
      return;
    }
    decide(e, breach, severity, now, emit, why);
  }

  /** CloudWatch's evaluation range for N evaluation periods: N + max(N / 3, 2), at most 64. */
  static int evaluationRange(int n) {
    return Math.min(64, n + Math.max(n / 3, 2));
  }

  /**
   * CloudWatch's evaluation of an M-of-N alarm over its evaluation range ("How alarm state is
   * evaluated when data is missing"), on the last 64 periods, newest in bit 0.
   *
   * <ul>
   *   <li>At least N real datapoints in the range: the most recent N real ones decide, whatever the
   *       policy ("the value you set for how to treat missing data is not needed and is ignored").
   *   <li>Fewer: every real datapoint in the range counts, and the missing ones fill the rest of
   *       the N as few times as possible: {@code BREACHING} as breaching, {@code NOT_BREACHING}
   *       (and Vigil's {@code KEEP_LAST}) as not breaching. {@code MISSING} and {@code IGNORE}
   *       alarm on M breaching real datapoints, are OK with a non-breaching one in the range, and
   *       otherwise have insufficient data (null: the state is kept); {@code MISSING} also alarms
   *       when every real datapoint breaches and the oldest is at least M periods old ("avoiding
   *       premature transitions to alarm state").
   * </ul>
   *
   * @return whether the rule breaches, or null when the data does not decide
   */
  static @Nullable Boolean verdict(long real, long breach, int m, int n, MissingData policy) {
    int range = evaluationRange(n);
    long mask = range == 64 ? -1L : (1L << range) - 1;
    real &= mask;
    breach &= real;
    int k = Long.bitCount(real);
    if (k >= n) {
      long recent = 0;
      long left = real;
      for (int i = 0; i < n; i++) {
        long newest = Long.lowestOneBit(left);
        recent |= newest;
        left &= ~newest;
      }
      return Long.bitCount(breach & recent) >= m;
    }
    int b = Long.bitCount(breach);
    return switch (policy) {
      case BREACHING -> b + (n - k) >= m;
      case NOT_BREACHING, KEEP_LAST -> b >= m;
      case MISSING, IGNORE -> {
        if (b >= m) yield true;
        if ((real & ~breach) != 0) yield false;
        int oldestAge = 64 - Long.numberOfLeadingZeros(real); // 0 without any real datapoint
        if (policy == MissingData.MISSING && k > 0 && oldestAge >= m) yield true;
        yield null;
      }
    };
  }

  /** The state machine after one evaluation decided whether the rule breaches now. */
  private void decide(
      Entry e, boolean breach, Severity severity, Instant now, Emitter emit, String why) {
    AlertRule rule = e.rt.rule;
    AlertState before = e.state;
    if (rule.flapDetection()) deferred = new ArrayList<>();
    if (e.state == AlertState.NO_DATA) {
      // Data is back: resume where the alert was before it lost its data.
      if (e.stateBeforeNoData == AlertState.FIRING && breach) {
        e.severity = severity;
        transition(e, AlertState.FIRING, now, "data is back; " + why);
        notify(e, NotificationType.FIRING, now, emit);
        settle(e, before, now, emit);
        return;
      }
      resolve(e, now, emit, "data is back; " + why);
    }
    switch (e.state) {
      case INACTIVE, RESOLVED -> {
        if (breach) {
          e.pendingSince = nowNanos;
          e.pendingAt = e.stamp(now);
          e.severity = severity;
          if (rule.forDuration().isZero()) fire(e, now, emit, why);
          else transition(e, AlertState.PENDING, now, why);
        }
      }
      case PENDING -> {
        if (!breach) {
          e.pendingSince = NONE;
          transition(e, AlertState.INACTIVE, now, why);
        } else {
          e.severity = severity;
          long held = nowNanos - e.pendingSince;
          if (held >= e.rt.forNanos) {
            fire(e, now, emit, "condition held for " + Duration.ofNanos(held));
          }
        }
      }
      case FIRING -> {
        if (breach) {
          e.keepFiringSince = NONE;
          if (severity != e.severity) {
            Severity old = e.severity;
            e.severity = severity;
            history(
                e,
                AlertState.FIRING,
                AlertState.FIRING,
                now,
                "severity " + old + " -> " + severity);
            // A sink that never heard it fire hears FIRING instead: delivery decides, per sink.
            notify(e, NotificationType.SEVERITY_CHANGED, now, emit);
          }
        } else if (e.rt.keepFiringNanos > 0
            && nowNanos - keepFiringSince(e) < e.rt.keepFiringNanos) {
          // Prometheus keep_firing_for: counted from the first evaluation that no longer breached.
        } else {
          resolve(e, now, emit, why);
        }
      }
      case NO_DATA -> throw new IllegalStateException("left NO_DATA above");
    }
    settle(e, before, now, emit);
  }

  private long keepFiringSince(Entry e) {
    if (e.keepFiringSince == NONE) e.keepFiringSince = nowNanos;
    return e.keepFiringSince;
  }

  private void fire(Entry e, Instant now, Emitter emit, String why) {
    e.startsAt = e.stamp(now);
    transition(e, AlertState.FIRING, now, why);
    notify(e, NotificationType.FIRING, now, emit);
  }

  private void resolve(Entry e, Instant now, Emitter emit, String why) {
    transition(e, AlertState.RESOLVED, now, why);
    if (e.rt.rule.notifyResolved()) notify(e, NotificationType.RESOLVED, now, emit);
  }

  /**
   * The end of one evaluation of {@code e}: flap detection on the state it is in now, then the
   * notifications the evaluation made. As in Nagios, flapping is checked before notifying ({@code
   * base/checks.c} runs {@code check_for_service_flapping} before {@code service_notification}), so
   * the transition that starts a flap is held with the rest.
   */
  private void settle(Entry e, AlertState before, Instant now, Emitter emit) {
    List<AlertNotification> made = deferred;
    deferred = null;
    FlapDetector.Transition t = FlapDetector.Transition.NONE;
    if (e.rt.rule.flapDetection() && before != AlertState.NO_DATA) {
      t = e.flapDetector().record(flapLevel(e));
    }
    if (t == FlapDetector.Transition.STARTED) {
      e.flapping = true;
      // Nagios set_service_flap: a recovery is owed when the flap stops only if it started on a
      // problem that was notified.
      e.flapStartedOnProblem = e.state == AlertState.FIRING && e.toldFiring;
      reindex(e);
      history(
          e,
          e.state,
          e.state,
          now,
          "flapping started at " + pct(e.flapDetector().percentStateChange()));
      emit.emit(notification(e, NotificationType.FLAPPING_STARTED, AlertStatus.FIRING, now));
      e.note = "";
      return; // what this evaluation made is held with the flap
    }
    if (t == FlapDetector.Transition.STOPPED) {
      stopFlapping(
          e, now, emit, "flapping stopped at " + pct(e.flapDetector().percentStateChange()));
      return; // the notification owed for the current state went out with the stop
    }
    if (made != null && !e.flapping) {
      for (AlertNotification n : made) told(e, n, emit);
    }
    if (!e.flapping && (e.state == AlertState.INACTIVE || e.state == AlertState.RESOLVED)) {
      e.recent = null; // its notifications are made: a quiet series holds no chart
    }
  }

  /**
   * Nagios records the service state, OK, WARNING or CRITICAL, so a change of severity while firing
   * is a state change too; pending is a soft state and counts as OK.
   */
  private static int flapLevel(Entry e) {
    if (e.state != AlertState.FIRING) return 0;
    return e.severity == Severity.CRITICAL ? 2 : 1;
  }

  /**
   * Ends flapping with the stop notice, which carries the current status, then what is owed. As in
   * Nagios' {@code clear_service_flap}: a RESOLVED if the flap started on a notified problem and
   * the alert no longer fires. Beyond Nagios, which waits for the next problem notification: a
   * FIRING if it fires and the sinks last heard it was not firing, and a SEVERITY_CHANGED if it
   * fires at another severity than they last heard of a flap that started on a problem.
   */
  private void stopFlapping(Entry e, Instant now, Emitter emit, String why) {
    e.flapping = false;
    reindex(e);
    history(e, e.state, e.state, now, why);
    boolean firing = e.state == AlertState.FIRING;
    AlertStatus status = firing ? AlertStatus.FIRING : AlertStatus.RESOLVED;
    emit.emit(notification(e, NotificationType.FLAPPING_STOPPED, status, now));
    Severity severity = e.severity == null ? e.rt.rule.severity() : e.severity;
    if (!firing && e.flapStartedOnProblem && e.rt.rule.notifyResolved()) {
      told(e, notification(e, NotificationType.RESOLVED, AlertStatus.RESOLVED, now), emit);
    } else if (firing && !e.toldFiring) {
      told(e, notification(e, NotificationType.FIRING, AlertStatus.FIRING, now), emit);
    } else if (firing && e.flapStartedOnProblem && e.toldSeverity != severity) {
      told(e, notification(e, NotificationType.SEVERITY_CHANGED, AlertStatus.FIRING, now), emit);
    }
    e.flapStartedOnProblem = false;
    e.note = "";
  }

  private static String pct(double p) {
    return Templates.formatNumber(p) + "% state change";
  }

  /**
   * After a successful poll: missing datapoints, NO_DATA after staleness, resources gone. Only the
   * alerts of this source are looked at; resources the source reported as failed are left alone.
   */
  private void sweep(SourceState src, long poll, Set<String> failed, Instant now, Emitter emit) {
    // Rule and resource pairs evaluated in this poll, under any labels: made when first needed.
    Set<List<String>> ruleResources = null;
    for (Entry e : new ArrayList<>(bySource.getOrDefault(src.name, Set.of()))) {
      if (e.rt.rule.heartbeat() != null || failed.contains(e.key.resource())) continue;
      long[] seen = src.resourceSeen.get(e.key.resource());
      long stale = e.rt.staleNanos;
      if (seen == null || nowNanos - seen[0] >= stale) {
        // The resource is no longer listed: after the staleness period its alerts resolve.
        gone(e, now, emit, "resource gone");
        continue;
      }
      if (e.evaluatedPoll == poll) continue;
      if (e.lastDataNanos != NONE && nowNanos - e.lastDataNanos >= stale) {
        if (ruleResources == null) {
          ruleResources = new HashSet<>();
          for (Entry other : entries.values()) {
            if (other.evaluatedPoll == poll) {
              ruleResources.add(List.of(other.key.rule(), other.key.resource()));
            }
          }
        }
      }
      if (ruleResources != null
          && e.lastDataNanos != NONE
          && nowNanos - e.lastDataNanos >= stale
          && ruleResources.contains(List.of(e.key.rule(), e.key.resource()))) {
        // The metric still arrives for the resource, under other labels (a label changed): this
        // series was replaced, its data is not missing. Like a resource gone, it resolves.
        gone(e, now, emit, "series gone");
        forgetSeries(e);
        continue;
      }
      missing(e, now, emit);
      if (e.rt.rule.missingData() == MissingData.MISSING
          && e.state != AlertState.NO_DATA
          && e.lastDataNanos != NONE
          && nowNanos - e.lastDataNanos >= stale) {
        e.value = Double.NaN;
        e.severity = e.severity == null ? e.rt.rule.severity() : e.severity;
        e.stateBeforeNoData =
            e.state == AlertState.FIRING ? AlertState.FIRING : AlertState.INACTIVE;
        if (e.startsAt == null || e.state != AlertState.FIRING) e.startsAt = e.stamp(now);
        e.pendingSince = NONE;
        transition(
            e,
            AlertState.NO_DATA,
            now,
            "no data for " + Duration.ofNanos(nowNanos - e.lastDataNanos));
        notify(e, NotificationType.NO_DATA, now, emit);
      }
    }
    // Forget the series of resources gone for longer than any rule looks back; heartbeat series
    // stay, so that a dead man's switch keeps firing for a resource that went silent.
    for (var it = src.resourceSeen.entrySet().iterator(); it.hasNext(); ) {
      Map.Entry<String, long[]> seen = it.next();
      if (nowNanos - seen.getValue()[0] < maxStaleNanos) continue;
      Set<Series> ofResource = seriesByResource.getOrDefault(seen.getKey(), Set.of());
      for (Series s : new ArrayList<>(ofResource)) {
        if (!s.source.equals(src.name) || heartbeatMetrics.contains(s.key.metric())) continue;
        removeSeries(s);
      }
      it.remove();
    }
  }

  /** Resolves {@code e} if it is open, saying why, and forgets it. */
  private void gone(Entry e, Instant now, Emitter emit, String why) {
    if (e.flapping || e.state == AlertState.FIRING || e.state == AlertState.NO_DATA) {
      e.note = " (" + why + ")";
      if (e.flapping) {
        transition(e, AlertState.RESOLVED, now, why);
        stopFlapping(e, now, emit, why);
      } else {
        resolve(e, now, emit, why);
      }
    }
    forget(e);
  }

  /** Forgets the series of a replaced label set: no data arrives for it any more. */
  private void forgetSeries(Entry e) {
    for (String metric : e.rt.metrics) {
      Series s = series.get(new SeriesKey(metric, e.key.resource(), e.key.labels()));
      if (s != null && !heartbeatMetrics.contains(metric)) removeSeries(s);
    }
  }

  private void removeSeries(Series s) {
    series.remove(s.key);
    removeFrom(seriesByMetric, s.key.metric(), s);
    removeFrom(seriesByResource, s.key.resource(), s);
  }

  // ---------------------------------------------------------------- notifications

  private void transition(Entry e, AlertState to, Instant now, String why) {
    AlertState from = e.state;
    e.state = to;
    e.keepFiringSince = NONE;
    if (to == AlertState.PENDING || to == AlertState.FIRING || to == AlertState.NO_DATA) {
      e.startRecent(now);
    }
    reindex(e);
    history(e, from, to, now, why);
  }

  /** Keeps {@link #open} in step with the state and flapping of {@code e}. */
  private void reindex(Entry e) {
    if (e.state == AlertState.FIRING || e.state == AlertState.NO_DATA || e.flapping) open.add(e);
    else open.remove(e);
  }

  private static void history(Entry e, AlertState from, AlertState to, Instant now, String why) {
    ArrayDeque<AlertTransition> h = e.history;
    if (h == null) e.history = h = new ArrayDeque<>(4);
    if (h.size() == HISTORY_LIMIT) h.removeFirst();
    h.addLast(new AlertTransition(e.stamp(now), from, to, e.value, why));
  }

  /**
   * Makes the notification of a transition of {@code e}; held while it flaps, and kept back until
   * the flap check at the end of the evaluation if its rule detects flapping.
   */
  private void notify(Entry e, NotificationType type, Instant now, Emitter emit) {
    AlertStatus status =
        type == NotificationType.RESOLVED ? AlertStatus.RESOLVED : AlertStatus.FIRING;
    AlertNotification n = notification(e, type, status, now);
    e.note = "";
    List<AlertNotification> later = deferred;
    if (later != null) later.add(n);
    else if (!e.flapping) told(e, n, emit);
  }

  /** Emits {@code n} and remembers what the sinks were last told about {@code e}. */
  private static void told(Entry e, AlertNotification n, Emitter emit) {
    emit.emit(n);
    switch (n.type()) {
      case FIRING, SEVERITY_CHANGED, NO_DATA -> {
        e.toldFiring = true;
        e.toldSeverity = n.severity();
      }
      case RESOLVED -> e.toldFiring = false;
      default -> {}
    }
  }

  private AlertNotification notification(
      Entry e, NotificationType type, AlertStatus status, Instant now) {
    Severity severity = e.severity == null ? e.rt.rule.severity() : e.severity;
    Map<String, String> labels = e.labels(severity);
    Instant at = e.stamp(now); // never before an earlier timestamp of this alert
    Instant startsAt = e.startsAt == null ? at : e.startsAt;
    return new AlertNotification(
        e.rt.rule.name(),
        status,
        severity,
        e.key.resource(),
        labels,
        render(e.rt.rule.summary(), e, severity, labels) + e.note,
        e.value,
        e.threshold,
        startsAt,
        status == AlertStatus.RESOLVED ? (at.isBefore(startsAt) ? startsAt : at) : null,
        e.fingerprint,
        type,
        render(e.rt.rule.description(), e, severity, labels),
        at,
        e.recentValues());
  }

  private static String render(
      String template, Entry e, Severity severity, Map<String, String> labels) {
    if (template.isEmpty()) return "";
    Map<String, String> values = new HashMap<>();
    values.put("rule", e.rt.rule.name());
    values.put("metric", e.rt.rule.metric());
    values.put("resource", e.key.resource());
    values.put("value", Double.isNaN(e.value) ? "no data" : Templates.formatNumber(e.value));
    values.put("threshold", Templates.formatNumber(e.threshold));
    values.put("severity", severity.name());
    return Templates.render(template, values, labels);
  }

  // ---------------------------------------------------------------- queries

  synchronized List<Alert> activeAlerts() {
    List<Alert> alerts = new ArrayList<>();
    for (Entry e : entries.values()) {
      if (e.state == AlertState.PENDING
          || e.state == AlertState.FIRING
          || e.state == AlertState.NO_DATA) {
        alerts.add(e.snapshot());
      }
    }
    for (SourceState src : sources.values()) {
      if (src.health != null) alerts.add(src.health);
    }
    alerts.sort(
        Comparator.comparing(Alert::rule)
            .thenComparing(Alert::resource)
            .thenComparing(Alert::fingerprint));
    return List.copyOf(alerts);
  }

  /** The number of the last evaluation returned; 0 before the first. */
  synchronized long lastSequence() {
    return sequence;
  }

  synchronized List<AlertTransition> history(String fingerprint) {
    Entry e = byFingerprint.get(fingerprint);
    ArrayDeque<AlertTransition> h = e == null ? null : e.history;
    return h == null ? List.of() : List.copyOf(h);
  }

  /** Sample labels, then the rule's labels, then the reserved ones: later ones win. */
  static Map<String, String> alertLabels(
      AlertRule rule, String resource, Map<String, String> sampleLabels, Severity severity) {
    Map<String, String> labels = new TreeMap<>(sampleLabels);
    labels.putAll(rule.labels());
    labels.put("alertname", rule.name());
    labels.put("resource", resource);
    labels.put("severity", severity.name().toLowerCase(Locale.ROOT));
    return labels;
  }

  /** Severity is left out so that an alert keeps its identity when its severity changes. */
  static String fingerprint(Map<String, String> labels) {
    Map<String, String> identity = new TreeMap<>(labels);
    identity.remove("severity");
    return Labels.fingerprint(identity);
  }

  // ---------------------------------------------------------------- state

  record SeriesKey(String metric, String resource, Map<String, String> labels) {}

  record AlertKey(String rule, String resource, Map<String, String> labels) {}

  /** The outcome of evaluating a rule's conditions once. */
  record Result(
      boolean hasData,
      boolean breach,
      boolean critical,
      @Nullable Boolean clear,
      double value,
      double threshold,
      double criticalThreshold) {}

  /**
   * A window some rule reads from a metric, and whether any reads its extremes (min, max) or its
   * trend (predict_linear): a window read for its average keeps neither.
   */
  record WindowSpec(Window window, boolean extremes, boolean trend) {
    static final WindowSpec[] NONE = new WindowSpec[0];

    /** {@code specs} with {@code window} read for {@code kind}, merged into one spec per window. */
    static WindowSpec[] add(WindowSpec @Nullable [] specs, Window window, Aggregation.Kind kind) {
      boolean extremes = kind == Aggregation.Kind.MIN || kind == Aggregation.Kind.MAX;
      boolean trend = kind == Aggregation.Kind.PREDICT_LINEAR;
      WindowSpec[] out = specs == null ? NONE : specs;
      for (int i = 0; i < out.length; i++) {
        WindowSpec s = out[i];
        if (s.window.equals(window)) {
          out = out.clone();
          out[i] = new WindowSpec(window, s.extremes || extremes, s.trend || trend);
          return out;
        }
      }
      out = Arrays.copyOf(out, out.length + 1);
      out[out.length - 1] = new WindowSpec(window, extremes, trend);
      return out;
    }

    SampleWindow create() {
      return SampleWindow.of(
          window.count(), window.duration().isZero() ? null : window.duration(), extremes, trend);
    }
  }

  /** One series: the latest value and the windows its rules need. Not thread safe. */
  static final class Series {
    final SeriesKey key;
    final String source;

    /** The windows, shared by every series of the metric, and this series' samples in each. */
    final WindowSpec[] specs;

    final SampleWindow[] windows;

    double last = Double.NaN;

    /** The last poll that brought a sample of this series. */
    long touchedPoll;

    /** The alerts of the rules reading this series' metric, by their index there; lazily. */
    private Entry @Nullable [] entries;

    /** Ticker reading of the last sample. */
    long lastNanos = NONE;

    /** The same in milliseconds, the time base of the windows. */
    long lastMillis = NONE;

    Series(SeriesKey key, String source, WindowSpec[] specs) {
      this.key = key;
      this.source = source;
      this.specs = specs;
      this.windows = new SampleWindow[specs.length];
      for (int i = 0; i < specs.length; i++) windows[i] = specs[i].create();
    }

    /** The cached alert of the {@code i}-th rule reading this metric, if it is still known. */
    @Nullable Entry entry(int i) {
      Entry[] cached = entries;
      if (cached == null) return null;
      Entry e = cached[i];
      return e == null || e.forgotten ? null : e;
    }

    void cache(int i, int rules, Entry e) {
      Entry[] cached = entries;
      if (cached == null) entries = cached = new Entry[rules];
      cached[i] = e;
    }

    /** Adds a sample taken at ticker reading {@code nanos}. */
    void add(double value, long nanos) {
      long millis = Math.floorDiv(nanos, 1_000_000L);
      last = value;
      lastNanos = nanos;
      lastMillis = millis;
      for (SampleWindow w : windows) w.add(millis, value);
    }

    double aggregate(Aggregation a, long nowNanos) {
      if (a.kind == Aggregation.Kind.LATEST) return last;
      Window window = a.window;
      if (window == null) return Double.NaN;
      SampleWindow w = null;
      for (int i = 0; i < specs.length; i++) {
        if (specs[i].window.equals(window)) w = windows[i];
      }
      if (w == null) return Double.NaN;
      w.evictExpired(Math.max(Math.floorDiv(nowNanos, 1_000_000L), lastMillis));
      if (w.isEmpty()) return Double.NaN;
      // "The last N samples" means N: a count window has no value until it is full.
      if (window.duration().isZero() && w.size() < window.count()) return Double.NaN;
      return switch (a.kind) {
        case AVG -> w.avg();
        case MIN -> w.min();
        case MAX -> w.max();
        case PERCENTILE -> w.percentile(a.percentile);
        case RATE -> w.size() < 2 ? Double.NaN : w.ratePerSecond();
        case PREDICT_LINEAR ->
            w.size() < 2 ? Double.NaN : w.predictLinear(w.lastTimeMillis() + a.ahead.toMillis());
        case LATEST -> last;
      };
    }
  }

  /** A rule and what it needs, computed once. */
  static final class RuleRuntime {
    final AlertRule rule;
    final List<Condition> leaves = new ArrayList<>();
    final Set<String> metrics = new HashSet<>();
    final long forNanos;
    final long keepFiringNanos;
    final long staleNanos;
    final long absentGraceNanos;

    /** For an absent rule: a matching series was reported. Guarded by the evaluator's lock. */
    boolean absentSighted;

    RuleRuntime(AlertRule rule) {
      this.rule = rule;
      this.forNanos = nanos(rule.forDuration());
      this.keepFiringNanos = nanos(rule.keepFiringFor());
      this.staleNanos = nanos(rule.staleAfter());
      Duration grace = rule.absentGrace();
      this.absentGraceNanos = grace == null ? 0 : nanos(grace);
      for (Condition c :
          new Condition[] {rule.condition(), rule.criticalCondition(), rule.clearCondition()}) {
        if (c != null) c.collectLeaves(leaves);
      }
      leaves.forEach(l -> metrics.add(l.metric));
      metrics.add(rule.metric());
    }

    Result evaluate(Evaluator ev, String resource, Map<String, String> labels) {
      // Heartbeat rules, the only ones without a condition, are never evaluated here.
      Condition condition = requireNonNull(rule.condition(), "condition of a threshold rule");
      Outcome base = ev.outcome(condition, resource, labels);
      if (!base.hasData)
        return new Result(false, false, false, null, Double.NaN, Double.NaN, Double.NaN);
      Condition critical = rule.criticalCondition();
      Outcome crit = critical == null ? null : ev.outcome(critical, resource, labels);
      Condition clear = rule.clearCondition();
      Outcome clr = clear == null ? null : ev.outcome(clear, resource, labels);
      boolean isCritical = crit != null && crit.hasData && crit.holds;
      return new Result(
          true,
          base.holds || isCritical,
          isCritical,
          (clr == null || !clr.hasData) ? null : clr.holds,
          base.value,
          base.threshold,
          crit == null ? Double.NaN : crit.threshold);
    }
  }

  record Outcome(boolean hasData, boolean holds, double value, double threshold) {}

  Outcome outcome(Condition c, String resource, Map<String, String> labels) {
    if (c.isLeaf()) {
      Series s = series.get(new SeriesKey(c.metric, resource, labels));
      double v = s == null ? Double.NaN : s.aggregate(c.aggregation, nowNanos);
      if (Double.isNaN(v)) return new Outcome(false, false, Double.NaN, Double.NaN);
      double threshold =
          switch (c.op) {
            case ABOVE -> c.lo;
            case BELOW -> c.hi;
            default -> v > c.hi ? c.hi : c.lo;
          };
      return new Outcome(true, c.holds(v), v, threshold);
    }
    boolean all = c.op == Condition.Op.ALL;
    boolean anyData = false;
    boolean allData = true;
    boolean holds = all;
    Outcome first = null;
    Outcome firstWithData = null;
    Outcome firstHolding = null;
    for (Condition part : c.parts) {
      Outcome o = outcome(part, resource, labels);
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

  /** One alert: its state machine and history. */
  static final class Entry {
    final AlertKey key;
    final RuleRuntime rt;
    final String source;
    final String fingerprint;
    AlertState state = AlertState.INACTIVE;
    @Nullable Severity severity;

    /** Ticker reading when the pending alert first breached; {@link #NONE} when not pending. */
    long pendingSince = NONE;

    /** The same on the wall clock, for {@link Alert#startsAt()} of a pending alert. */
    @Nullable Instant pendingAt;

    /** Wall-clock start of the firing (or no-data) episode. */
    @Nullable Instant startsAt;

    /** Ticker reading of the first evaluation that no longer breached while firing. */
    long keepFiringSince = NONE;

    /** The latest timestamp given to this alert: later ones are never before it. */
    @Nullable Instant lastStamp;

    /** What the sinks were last told: firing (and at which severity) or not. */
    boolean toldFiring;

    @Nullable Severity toldSeverity;

    /** Where the alert was when it lost its data: NO_DATA resumes from there. */
    AlertState stateBeforeNoData = AlertState.INACTIVE;

    /** Appended to the summary of the next notification: why it was sent, if not obvious. */
    String note = "";

    /** Ticker reading of the last real datapoint. */
    long lastDataNanos = NONE;

    @Nullable Instant lastEvaluatedAt;
    @Nullable Result lastResult;
    double value = Double.NaN;
    double threshold = Double.NaN;

    /** The last 64 evaluation periods, real or missing, newest in bit 0: 1 = a real datapoint. */
    long periodReal;

    /** Of those, 1 = a real datapoint that breached. */
    long periodBreach;

    boolean flapping;

    /** The last poll that evaluated this alert. */
    long evaluatedPoll;

    /** Forgotten by the evaluator: a series' cached reference to it is stale. */
    boolean forgotten;

    /** Whether the flap under way started while firing, with the sinks told so. */
    boolean flapStartedOnProblem;

    private @Nullable FlapDetector flapDetector;

    /**
     * The values evaluated since the alert left inactive, for {@link
     * AlertNotification#recentValues()}; null while it is quiet.
     */
    @Nullable SampleWindow recent;

    /** The last transitions; null until the first, so that an alert that never moved holds none. */
    @Nullable ArrayDeque<AlertTransition> history;

    Entry(AlertKey key, RuleRuntime rt, String source) {
      this.key = key;
      this.rt = rt;
      this.source = source;
      this.fingerprint =
          fingerprint(alertLabels(rt.rule, key.resource(), key.labels(), rt.rule.severity()));
    }

    Map<String, String> labels(Severity severity) {
      return alertLabels(rt.rule, key.resource(), key.labels(), severity);
    }

    /**
     * Records one evaluation period, newest in bit 0: whether it had a real datapoint, and whether
     * that breached.
     */
    void recordPeriod(boolean real, boolean breach) {
      periodReal = (periodReal << 1) | (real ? 1L : 0L);
      periodBreach = (periodBreach << 1) | (real && breach ? 1L : 0L);
    }

    /**
     * A timestamp for this alert at wall time {@code now}: {@code now}, unless the clock stepped
     * back behind an earlier timestamp of this alert, which is then kept.
     */
    Instant stamp(Instant now) {
      Instant last = lastStamp;
      if (last != null && now.isBefore(last)) return last;
      lastStamp = now;
      return now;
    }

    /** Starts the recent values with the current one, unless they are under way. */
    void startRecent(Instant now) {
      if (recent != null) return;
      recent = SampleWindow.ofCount(AlertNotification.MAX_RECENT_VALUES);
      recordRecent(now, value);
    }

    /**
     * Adds a finite value at {@code now}, or just after the latest one if the clock stepped back.
     */
    void recordRecent(Instant now, double v) {
      SampleWindow w = recent;
      if (w == null || !Double.isFinite(v)) return;
      long t = now.toEpochMilli();
      w.add(w.isEmpty() ? t : Math.max(t, w.lastTimeMillis()), v);
    }

    List<AlertNotification.Point> recentValues() {
      SampleWindow w = recent;
      if (w == null || w.isEmpty()) return List.of();
      AlertNotification.Point[] points = new AlertNotification.Point[w.size()];
      for (int k = 0; k < points.length; k++) {
        points[k] = new AlertNotification.Point(Instant.ofEpochMilli(w.timeAt(k)), w.valueAt(k));
      }
      return List.of(points);
    }

    FlapDetector flapDetector() {
      if (flapDetector == null) {
        flapDetector = new FlapDetector(rt.rule.flapLowThreshold(), rt.rule.flapHighThreshold());
      }
      return flapDetector;
    }

    Alert snapshot() {
      Severity sev = severity == null ? rt.rule.severity() : severity;
      Map<String, String> labels = labels(sev);
      return new Alert(
          rt.rule.name(),
          sev,
          key.resource(),
          labels,
          render(rt.rule.summary(), this, sev, labels),
          value,
          threshold,
          startsAt == null ? (pendingAt == null ? Instant.EPOCH : pendingAt) : startsAt,
          lastEvaluatedAt == null ? Instant.EPOCH : lastEvaluatedAt,
          fingerprint,
          state);
    }
  }

  /** A source's health alert and the resources it listed. */
  final class SourceState {
    final String name;

    /** Ticker reading of the last successful poll that listed each resource. */
    final Map<String, long[]> resourceSeen = new HashMap<>();

    /** Records that {@code resource} was listed by the poll under way, without boxing. */
    void seen(String resource, long nanos) {
      long[] at = resourceSeen.get(resource);
      if (at == null) resourceSeen.put(resource, new long[] {nanos});
      else at[0] = nanos;
    }

    @Nullable Alert health;
    int consecutiveFailures;

    SourceState(String name) {
      this.name = name;
    }

    void failed(Throwable error, Instant now, Emitter emit) {
      consecutiveFailures++;
      if (consecutiveFailures < sourceFailuresToAlert) return;
      String cause = cause(error);
      Map<String, String> labels = new TreeMap<>();
      labels.put("alertname", SOURCE_HEALTH_RULE);
      labels.put("resource", name);
      labels.put("severity", "warning");
      labels.put("cause", cause);
      String message = error.getMessage() == null ? error.getClass().getName() : error.getMessage();
      String summary =
          "Source "
              + name
              + " is failing ("
              + cause
              + "): "
              + message
              + (consecutiveFailures > 1 ? " (" + consecutiveFailures + " polls in a row)" : "");
      boolean wasFiring = health != null;
      Alert previous = health;
      Instant startsAt = previous != null ? previous.startsAt() : now;
      health =
          new Alert(
              SOURCE_HEALTH_RULE,
              Severity.WARNING,
              name,
              labels,
              summary,
              consecutiveFailures,
              1,
              startsAt,
              now,
              fingerprint(Map.of("alertname", SOURCE_HEALTH_RULE, "resource", name)),
              AlertState.FIRING);
      if (!wasFiring) emitHealth(AlertStatus.FIRING, NotificationType.FIRING, now, emit);
    }

    void succeeded(Instant now, Emitter emit) {
      consecutiveFailures = 0;
      if (health != null) {
        emitHealth(AlertStatus.RESOLVED, NotificationType.RESOLVED, now, emit);
        health = null;
      }
    }

    private void emitHealth(AlertStatus status, NotificationType type, Instant now, Emitter emit) {
      emit.emit(healthNotification(status, type, now));
    }

    AlertNotification healthNotification(AlertStatus status, NotificationType type, Instant now) {
      Alert h = requireNonNull(health, "health");
      return new AlertNotification(
          SOURCE_HEALTH_RULE,
          status,
          h.severity(),
          name,
          h.labels(),
          status == AlertStatus.RESOLVED ? "Source " + name + " recovered" : h.summary(),
          h.value(),
          h.threshold(),
          h.startsAt(),
          status == AlertStatus.RESOLVED ? now : null,
          h.fingerprint(),
          type,
          "",
          now);
    }
  }

  /** auth, timeout, http_status, bad_data, connection, circuit_open, or error for anything else. */
  static String cause(Throwable error) {
    if (error instanceof SourceException se) return se.kind().name().toLowerCase(Locale.ROOT);
    if (error instanceof java.net.SocketTimeoutException) return "timeout";
    if (error instanceof java.io.IOException) return "connection";
    return "error";
  }
}
