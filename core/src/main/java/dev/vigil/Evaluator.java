package dev.vigil;

import dev.vigil.internal.Loggers;
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
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.jspecify.annotations.Nullable;

/**
 * Evaluates rules against samples. Guarded by its own lock. Each call returns an {@link
 * Evaluation}: the alert transitions it caused, in order, and a snapshot of the open alerts
 * afterwards, numbered so that delivery can keep their order. The evaluator hands that value back
 * to its caller and hears nothing back: it never calls delivery, suppression or user code, and it
 * does not know what any sink was told (like Prometheus' rule manager handing alerts to a {@code
 * NotifyFunc}, {@code rules/manager.go}).
 *
 * <p>The data path reads one way, each stage handing values down: samples go into the {@link
 * SeriesStore}; each {@link RuleRuntime} reads the series of its metrics; the {@link AlertMachine}
 * moves each {@link AlertEntry} and builds the notifications ({@link Notifications}) into an {@link
 * Emitter}; the {@link SourceHealth} of each source adds its health alert; the evaluator returns
 * what was emitted.
 *
 * <p>Costs: ingesting a sample is a comparison with the series at its position in the source's last
 * poll, else one table lookup (no allocation either way), and O(windows of its metric); evaluating
 * a threshold rule is O(1) in the length of the history (running aggregates; percentiles excepted).
 * An alert of a rule on one series that is inactive and has not breached is two longs in its
 * series, not an object, and evaluating it allocates nothing. After a successful poll, the series
 * of that source are swept once for missing data and staleness. Every evaluation renders the
 * snapshot of the open alerts: O(open alerts).
 */
final class Evaluator {
  static final String SOURCE_HEALTH_RULE = SourceHealth.SOURCE_HEALTH_RULE;
  static final int HISTORY_LIMIT = AlertMachine.HISTORY_LIMIT;

  /** A wall-clock jump against the ticker larger than this is logged as a clock step. */
  static final long CLOCK_STEP_TOLERANCE_MILLIS = 1_000;

  /** "Not set" for the ticker readings below. */
  private static final long NONE = Series.NONE;

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

  /** Metrics read by heartbeat rules: their series are kept while the resource is silent. */
  private final Set<String> heartbeatMetrics = new HashSet<>();

  /** The longest any rule looks back (windows, staleAfter): series kept that long, in nanos. */
  private final long maxStaleNanos;

  private final SeriesStore store;
  private final AlertMachine machine = new AlertMachine();

  /** The alerts that are objects: of composite, heartbeat and absent rules, and loud ones. */
  private final Map<AlertKey, AlertEntry> entries = new LinkedHashMap<>();

  private final Map<String, AlertEntry> byFingerprint = new HashMap<>();

  private final Map<String, SourceHealth> sources = new HashMap<>();

  private final int sourceFailuresToAlert;

  /** The series touched by the poll under way, reused from poll to poll. */
  private Series[] touched = new Series[16];

  private int touchedCount;

  /** Of those, the series of the source polled. */
  private int touchedMine;

  /** Rule and resource pairs evaluated in this poll, under any labels: made when first needed. */
  private @Nullable Set<List<String>> ruleResources;

  private final boolean[] created = new boolean[1];

  /** Wall clock minus ticker, in milliseconds, at the last evaluation: a jump is a clock step. */
  private long clockOffsetMillis = NONE;

  /**
   * The ticker reading (nanoseconds) of the evaluation under way: every duration the engine
   * measures ({@code for}, {@code keepFiringFor}, {@code staleAfter}, heartbeats, windows) is a
   * difference of two such readings, so a step of the wall clock changes none of them.
   */
  private long nowNanos;

  /** The latest ticker reading taken, {@link #NONE} before the first: time never runs back. */
  private long latestNanos = NONE;

  Evaluator(List<AlertRule> alertRules) {
    this(alertRules, 1);
  }

  /**
   * @param sourceFailuresToAlert consecutive failed polls of a source before its health alert fires
   */
  Evaluator(List<AlertRule> alertRules, int sourceFailuresToAlert) {
    this.sourceFailuresToAlert = sourceFailuresToAlert;
    Duration stale = Duration.ofMinutes(5);
    Map<String, SeriesStore.WindowSpec[]> windowsByMetric = new HashMap<>();
    for (AlertRule rule : alertRules) {
      for (Condition c :
          new Condition[] {rule.condition(), rule.criticalCondition(), rule.clearCondition()}) {
        if (c == null) continue;
        for (Condition.Comparison leaf : c.comparisons()) {
          Window w = leaf.aggregation().window();
          if (w == null) continue;
          windowsByMetric.put(
              leaf.metric(),
              SeriesStore.WindowSpec.add(
                  windowsByMetric.get(leaf.metric()), w, leaf.aggregation().kind));
          if (w.duration().compareTo(stale) > 0) stale = w.duration();
        }
      }
      if (rule.staleAfter().compareTo(stale) > 0) stale = rule.staleAfter();
    }
    for (AlertRule rule : alertRules) {
      RuleRuntime rt = new RuleRuntime(rule, windowsByMetric);
      rules.add(rt);
      for (String metric : rt.metrics) {
        rulesByMetric.computeIfAbsent(metric, m -> new ArrayList<>()).add(rt);
      }
      if (rule.heartbeat() != null) heartbeatMetrics.add(rule.metric());
      if (rule.absentGrace() != null) absentUnseen.add(rt);
    }
    // The quiet slots of each metric's series: periods of each quiet rule, then the last datapoint
    // of those not on latest values only.
    Map<String, Integer> quietSlots = new HashMap<>();
    rulesByMetric.forEach(
        (metric, readers) -> {
          int slots = 0;
          for (int i = 0; i < readers.size(); i++) {
            if (quietSlot(readers.get(i), i)) readers.get(i).bitsSlot = slots++;
          }
          for (int i = 0; i < readers.size(); i++) {
            RuleRuntime rt = readers.get(i);
            if (quietSlot(rt, i) && !rt.latestOnly()) rt.dataSlot = slots++;
          }
          if (slots > 0) quietSlots.put(metric, slots);
        });
    this.maxStaleNanos = nanos(stale);
    this.store = new SeriesStore(windowsByMetric, quietSlots, heartbeatMetrics);
  }

  /** Whether reader {@code i} of a metric keeps its quiet alerts in the series. */
  private static boolean quietSlot(RuleRuntime rt, int i) {
    return rt.quiet && i < 64;
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

  private SourceHealth source(String name) {
    return sources.computeIfAbsent(name, n -> new SourceHealth(n, sourceFailuresToAlert));
  }

  private void ingest(
      String source,
      List<Sample> samples,
      Set<String> failed,
      @Nullable Throwable incomplete,
      Instant now,
      Emitter emit) {
    SourceHealth src = source(source);
    if (incomplete == null) {
      src.succeeded(now, emit);
    } else {
      src.failed(incomplete, now, emit);
    }
    for (String resource : failed) src.seen(resource, nowNanos);

    long poll = ++polls;
    touchedCount = 0;
    touchedMine = 0;
    Series[] touchedNow = touched;
    SeriesStore.SourceSeries mine = store.ofSource(source);
    Series[] last = mine.positions(samples.size());
    LastSeen seen = src.resourceSeen;
    for (int k = 0, n = samples.size(); k < n; k++) {
      Sample sample = samples.get(k);
      // Sources list their series in much the same order every poll: the series at this position
      // last time is looked at first, and the resource's slot it remembers; no hashing then.
      Series s = last[k];
      if (s == null || s.removed || !s.is(sample.metric(), sample.resource(), sample.labels())) {
        if (!rulesByMetric.containsKey(sample.metric())) { // no rule reads it: keep nothing
          seen.put(sample.resource(), nowNanos);
          last[k] = null;
          continue;
        }
        s = store.getOrCreate(sample, source, created);
        if (created[0] && !absentUnseen.isEmpty()) sighted(s);
        last[k] = s;
      }
      if (!seen.putAt(s.seenSlot, s.resource, nowNanos)) {
        s.seenSlot = seen.put(s.resource, nowNanos);
      }
      s.add(sample.value(), nowNanos);
      if (s.touchedPoll != poll) {
        if (s.source.equals(source)) touchedMine++;
        if (touchedCount == touchedNow.length) {
          touchedNow = touched = Arrays.copyOf(touchedNow, touchedCount * 2);
        }
        touchedNow[touchedCount++] = s;
      }
      s.touchedPoll = poll;
    }

    long nowMillis = now.toEpochMilli();
    for (int k = 0; k < touchedCount; k++) {
      Series s = touchedNow[k];
      s.evaluatedAtMillis = nowMillis;
      List<RuleRuntime> readers = rulesByMetric.getOrDefault(s.metric, List.of());
      for (int i = 0; i < readers.size(); i++) {
        RuleRuntime rt = readers.get(i);
        if (rt.rule.condition() == null) continue; // heartbeat and absent rules: see tick()
        try {
          AlertEntry e = entryOf(s, i, rt);
          if (e == null) {
            if (quietEvaluation(s, i, rt)) continue; // inactive, no breach: nothing to tell
            e = materialize(s, i, readers.size(), rt, s.source); // swept with its series
          } else if (e.evaluatedPoll == poll) {
            continue; // one evaluation per poll, with the latest values
          }
          e.evaluatedPoll = poll;
          machine.evaluate(e, rt.evaluate(store, s.resource, s.labels, nowNanos), now, emit);
        } catch (Throwable t) {
          Throwables.rethrowIfFatal(t);
          emit.ruleFailed(rt.rule.name(), s.toString(), t);
        }
      }
    }
    sweep(src, poll, failed, now, emit);
    Arrays.fill(touchedNow, 0, touchedCount, null); // keep no series alive
    touchedCount = 0;
    tick(now, emit);
  }

  /**
   * The alert object of reader {@code i} on {@code s}: the cached one, or for a rule that is not
   * quiet the one it shares with the other series of its key (made if new); null for a quiet rule's
   * alert that is still quiet.
   */
  private @Nullable AlertEntry entryOf(Series s, int i, RuleRuntime rt) {
    AlertEntry e = s.entry(i);
    if (e != null) return e;
    List<RuleRuntime> readers = rulesByMetric.getOrDefault(s.metric, List.of());
    if (quietSlot(rt, i)) {
      AlertEntry[] cached = s.entries;
      if (cached != null && cached[i] != null) { // forgotten: a new alert starts quiet
        cached[i] = null;
        s.quietLive &= ~(1L << i);
      }
      if (detached.isEmpty() || (s.quietLive & (1L << i)) != 0) return null;
      e = attach(new AlertKey(rt.rule.name(), s.resource, s.labels));
      if (e != null) s.cache(i, readers.size(), e);
      return e;
    }
    e = entry(new AlertKey(rt.rule.name(), s.resource, s.labels), rt, s.source);
    e.detached = false;
    s.cache(i, readers.size(), e);
    return e;
  }

  /** Starts (if new) the quiet alert of reader {@code i}: no datapoint and no period yet. */
  private static long[] quietOf(Series s, int i, RuleRuntime rt) {
    long[] q = java.util.Objects.requireNonNull(s.quiet, "quiet slots");
    if ((s.quietLive & (1L << i)) == 0) {
      s.quietLive |= 1L << i;
      q[rt.bitsSlot] = 0;
      if (rt.dataSlot >= 0) q[rt.dataSlot] = NONE;
    }
    return q;
  }

  /** The ticker reading of the last datapoint of a live quiet alert, or {@link #NONE}. */
  private static long lastData(Series s, long[] q, RuleRuntime rt) {
    return rt.dataSlot < 0 ? s.lastNanos : q[rt.dataSlot];
  }

  /**
   * Evaluates the quiet alert of reader {@code i} on a series this poll touched, if it stays quiet
   * (inactive with no breach in its evaluation range): records the period and returns true. Returns
   * false, changing nothing, if the full state machine must see it.
   */
  private boolean quietEvaluation(Series s, int i, RuleRuntime rt) {
    long[] q = quietOf(s, i, rt);
    int outcome = rt.quietOutcome(s, nowNanos);
    if (outcome == RuleRuntime.LOUD) return false;
    if (outcome == RuleRuntime.QUIET) {
      long real = (q[rt.bitsSlot] << 1) | 1L;
      if (breaches(rt, real)) return false;
      q[rt.bitsSlot] = real;
      if (rt.dataSlot >= 0) q[rt.dataSlot] = nowNanos;
      return true;
    }
    return quietMissing(s, q, rt);
  }

  /** A period without a datapoint for a quiet alert, as {@link AlertMachine#missing}. */
  private static boolean quietMissing(Series s, long[] q, RuleRuntime rt) {
    long real;
    if (rt.rule.missingData() == MissingData.KEEP_LAST) {
      if (lastData(s, q, rt) == NONE) return true; // no last value to keep
      real = (q[rt.bitsSlot] << 1) | 1L; // the last value, which did not breach, again
    } else {
      real = q[rt.bitsSlot] << 1;
    }
    if (breaches(rt, real)) return false;
    q[rt.bitsSlot] = real;
    return true;
  }

  /** Whether the periods {@code real}, none breaching, make the rule breach (missing-data fill). */
  private static boolean breaches(RuleRuntime rt, long real) {
    AlertRule rule = rt.rule;
    return Boolean.TRUE.equals(
        AlertMachine.verdict(
            real, 0, rule.datapointsToAlarm(), rule.evaluationPeriods(), rule.missingData()));
  }

  /** The quiet alert of reader {@code i} on {@code s} as an object, in the state it has. */
  private AlertEntry materialize(Series s, int i, int readers, RuleRuntime rt, String source) {
    long[] q = quietOf(s, i, rt);
    AlertKey key = new AlertKey(rt.rule.name(), s.resource, s.labels);
    AlertEntry e = entries.get(key);
    if (e == null) {
      e = entry(key, rt, source);
      e.periodReal = q[rt.bitsSlot];
      e.lastDataNanos = lastData(s, q, rt);
      e.evaluatedPoll = s.touchedPoll;
      if (e.lastDataNanos != NONE) {
        e.lastEvaluatedAt = Instant.ofEpochMilli(s.evaluatedAtMillis);
        e.threshold = rt.quietThreshold();
        e.lastResult =
            new RuleRuntime.Result(true, false, false, null, Double.NaN, e.threshold, Double.NaN);
      }
    }
    e.detached = false;
    s.quietLive &= ~(1L << i);
    s.cache(i, readers, e);
    return e;
  }

  /**
   * How many of {@code samples} would start a series the engine does not keep yet (of metrics some
   * rule reads), counting at most to {@code limit + 1}. Changes nothing.
   */
  synchronized int newSeries(List<Sample> samples, int limit) {
    Set<List<Object>> fresh = new HashSet<>();
    for (Sample sample : samples) {
      if (!rulesByMetric.containsKey(sample.metric())) continue;
      if (store.find(sample.metric(), sample.resource(), sample.labels()) != null) continue;
      if (fresh.add(List.of(sample.metric(), sample.resource(), sample.labels()))
          && fresh.size() > limit) break;
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
      source(source).failed(error, now, emit);
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
  private void observe(Instant now, long readNanos) {
    // Two sources read the ticker before they take the lock: the later may hold the older reading.
    long nanos = latestNanos == NONE ? readNanos : Math.max(readNanos, latestNanos);
    latestNanos = nanos;
    nowNanos = nanos;
    machine.nowNanos = nanos;
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
    List<ActiveAlert> active = new ArrayList<>(machine.open.size() + sources.size());
    for (AlertEntry e : machine.open) {
      active.add(
          new ActiveAlert(
              Notifications.of(e, NotificationType.FIRING, AlertStatus.FIRING, now),
              e.state,
              e.flapping,
              e.rt.rule.repeatInterval()));
    }
    for (SourceHealth src : sources.values()) {
      if (src.health != null) {
        active.add(
            new ActiveAlert(
                src.healthNotification(AlertStatus.FIRING, NotificationType.FIRING, now),
                AlertState.FIRING,
                false,
                Duration.ZERO));
      }
    }
    List<AlertStates.Saved> states = List.of();
    if (persist && (!machine.dirty.isEmpty() || !pendingDrops.isEmpty())) {
      List<AlertStates.Saved> changed = new ArrayList<>(pendingDrops);
      pendingDrops = List.of();
      for (AlertEntry e : machine.dirty) {
        e.dirty = false;
        changed.add(new AlertStates.Saved(e.fingerprint, AlertStates.encode(e, now, nowNanos)));
      }
      states = changed;
    }
    for (AlertEntry e : machine.dirty) e.dirty = false;
    machine.dirty.clear();
    return new Evaluation(
        ++sequence, now, nowNanos, emit.notifications, emit.ruleFailures, active, failure, states);
  }

  /** A new series {@code s}: the absent rules it matches are satisfied from now on. */
  private void sighted(Series s) {
    Map<String, String> labels = null;
    for (RuleRuntime rt : absentUnseen) {
      if (!rt.rule.metric().equals(s.metric)) continue;
      if (labels == null) {
        labels = new HashMap<>(s.labels);
        labels.put("resource", s.resource);
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
      AlertEntry e = entries.get(ak);
      if (seen && e == null) {
        it.remove(); // seen within the grace: never absent
        continue;
      }
      e = entry(ak, rt, "");
      e.lastEvaluatedAt = now;
      e.value = seen ? 1 : 0;
      e.threshold = 1;
      e.recordPeriod(true, !seen);
      machine.decide(
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
      List<RuleRuntime> readers = rulesByMetric.getOrDefault(rt.rule.metric(), List.of());
      int index = readers.indexOf(rt);
      for (Series s : store.heartbeatSeries(rt.rule.metric())) {
        AlertEntry e = s.entry(index);
        if (e == null) {
          e = entry(new AlertKey(rt.rule.name(), s.resource, s.labels), rt, s.source);
          s.cache(index, readers.size(), e);
        }
        Duration silent = Duration.ofNanos(nowNanos - s.lastNanos);
        e.lastEvaluatedAt = now;
        e.value = silent.toMillis() / 1000.0;
        e.threshold = max.toMillis() / 1000.0;
        // Prometheus 3's left-open range (t - max, t]: a sample exactly max ago is outside it, so
        // absent_over_time(m[max]) holds from then on, as Window.of(max) would be empty.
        boolean breach = silent.compareTo(max) >= 0;
        e.recordPeriod(true, breach);
        machine.decide(
            e,
            breach,
            rt.rule.severity(),
            now,
            emit,
            breach ? "no sample for " + silent : "sample received");
      }
    }
  }

  /**
   * After a successful poll: missing datapoints, NO_DATA after staleness, resources gone. Only the
   * series of this source are looked at, once each, in the order they started; resources the source
   * reported as failed are left alone.
   */
  private void sweep(SourceHealth src, long poll, Set<String> failed, Instant now, Emitter emit) {
    ruleResources = null;
    SeriesStore.SourceSeries list = store.ofSource(src.name);
    // The steady state: the poll listed every series of the source; none is missing or gone.
    int n = touchedMine == list.live() ? 0 : list.compact();
    for (int k = 0; k < n; k++) {
      Series s = list.get(k);
      // Removed by this sweep, or touched by this poll: evaluated, resource listed, nothing to do.
      if (s.removed || s.touchedPoll == poll) continue;
      List<RuleRuntime> readers = rulesByMetric.getOrDefault(s.metric, List.of());
      for (int i = 0; i < readers.size() && !s.removed; i++) {
        RuleRuntime rt = readers.get(i);
        if (rt.rule.heartbeat() != null || rt.rule.condition() == null) continue;
        AlertEntry e = s.entry(i);
        if (e != null) {
          if (e.sweptPoll == poll || !e.source.equals(src.name)) continue;
          e.sweptPoll = poll;
          if (failed.contains(s.resource)) continue;
          sweepEntry(e, src, poll, now, emit);
        } else if (quietSlot(rt, i) && (s.quietLive & (1L << i)) != 0) {
          if (failed.contains(s.resource)) continue;
          sweepQuiet(s, i, readers.size(), rt, src, poll, now, emit);
        }
      }
      // Forget the series of resources gone for longer than any rule looks back; heartbeat series
      // stay, so that a dead man's switch keeps firing for a resource that went silent.
      if (!s.removed && !heartbeatMetrics.contains(s.metric)) {
        long seen = src.resourceSeen.get(s.resource);
        if (seen == LastSeen.NONE || nowNanos - seen >= maxStaleNanos) store.remove(s);
      }
    }
    if (!detached.isEmpty()) sweepDetached(src, poll, failed, now, emit);
    // Resources listed longer ago than any rule looks back are forgotten; reading an old one or
    // none decides the same (gone), so this runs only every quarter of that time.
    if (src.lastPurge == NONE || nowNanos - src.lastPurge >= Math.max(1, maxStaleNanos / 4)) {
      src.resourceSeen.removeOlderThan(nowNanos, maxStaleNanos);
      src.lastPurge = nowNanos;
    }
    ruleResources = null;
  }

  /** The sweep of an alert object: gone, replaced, or a period without a datapoint. */
  private void sweepEntry(AlertEntry e, SourceHealth src, long poll, Instant now, Emitter emit) {
    long seen = src.resourceSeen.get(e.key.resource());
    long stale = e.rt.staleNanos;
    if (seen == LastSeen.NONE || nowNanos - seen >= stale) {
      // The resource is no longer listed: after the staleness period its alerts resolve.
      gone(e, now, emit, "resource gone");
      return;
    }
    if (e.evaluatedPoll == poll) return;
    if (replaced(e.rt, e.key.resource(), e.lastDataNanos)) {
      // The metric still arrives for the resource, under other labels (a label changed): this
      // series was replaced, its data is not missing. Like a resource gone, it resolves.
      gone(e, now, emit, "series gone");
      forgetSeries(e.rt, e.key.resource(), e.key.labels(), now, emit);
      return;
    }
    missing(e, now, emit);
  }

  /** As {@link #sweepEntry} for a quiet alert, which becomes an object if it stops being quiet. */
  private void sweepQuiet(
      Series s,
      int i,
      int readers,
      RuleRuntime rt,
      SourceHealth src,
      long poll,
      Instant now,
      Emitter emit) {
    long seen = src.resourceSeen.get(s.resource);
    if (seen == LastSeen.NONE || nowNanos - seen >= rt.staleNanos) {
      s.quietLive &= ~(1L << i); // gone: nothing was open
      return;
    }
    if (s.touchedPoll == poll) return;
    long[] q = quietOf(s, i, rt);
    long lastData = lastData(s, q, rt);
    if (replaced(rt, s.resource, lastData)) {
      s.quietLive &= ~(1L << i);
      forgetSeries(rt, s.resource, s.labels, now, emit);
      return;
    }
    boolean noData =
        rt.rule.missingData() == MissingData.MISSING
            && lastData != NONE
            && nowNanos - lastData >= rt.staleNanos;
    if (!noData && quietMissing(s, q, rt)) return;
    AlertEntry e = materialize(s, i, readers, rt, src.name);
    e.sweptPoll = poll;
    missing(e, now, emit);
  }

  /** Data stale, and the rule evaluated for the resource under other labels this poll. */
  private boolean replaced(RuleRuntime rt, String resource, long lastData) {
    if (lastData == NONE || nowNanos - lastData < rt.staleNanos) return false;
    Set<List<String>> pairs = ruleResources;
    if (pairs == null) ruleResources = pairs = evaluatedThisPoll();
    return pairs.contains(List.of(rt.rule.name(), resource));
  }

  /** A period without a datapoint for {@code e}, then NO_DATA once its data is stale. */
  private void missing(AlertEntry e, Instant now, Emitter emit) {
    machine.missing(e, now, emit);
    long stale = e.rt.staleNanos;
    if (e.rt.rule.missingData() == MissingData.MISSING
        && e.state != AlertState.NO_DATA
        && e.lastDataNanos != NONE
        && nowNanos - e.lastDataNanos >= stale) {
      machine.noData(e, now, emit);
    }
  }

  /**
   * The (rule, resource) pairs this poll evaluated, under any labels: the rules with a condition
   * reading the series it touched.
   */
  private Set<List<String>> evaluatedThisPoll() {
    Set<List<String>> out = new HashSet<>();
    for (int k = 0; k < touchedCount; k++) {
      Series s = touched[k];
      for (RuleRuntime rt : rulesByMetric.getOrDefault(s.metric, List.of())) {
        if (rt.rule.condition() != null) out.add(List.of(rt.rule.name(), s.resource));
      }
    }
    return out;
  }

  /** Resolves {@code e} if it is open, saying why, and forgets it. */
  private void gone(AlertEntry e, Instant now, Emitter emit, String why) {
    machine.gone(e, now, emit, why);
    forget(e);
  }

  /**
   * Forgets the series of a replaced label set: no data arrives for it any more. The alerts of the
   * other rules on a forgotten series resolve with it ("series gone"): once the series is removed
   * no sweep would reach them.
   */
  private void forgetSeries(
      RuleRuntime rt, String resource, Map<String, String> labels, Instant now, Emitter emit) {
    for (String metric : rt.metrics) {
      Series s = store.find(metric, resource, labels);
      if (s == null || heartbeatMetrics.contains(metric)) continue;
      List<RuleRuntime> readers = rulesByMetric.getOrDefault(metric, List.of());
      for (int i = 0; i < readers.size(); i++) {
        AlertEntry other = s.entry(i);
        if (other != null && !other.forgotten) gone(other, now, emit, "series gone");
      }
      store.remove(s);
    }
  }

  private AlertEntry entry(AlertKey ak, RuleRuntime rt, String source) {
    AlertEntry e = entries.get(ak);
    if (e == null) {
      e = new AlertEntry(ak, rt, source);
      entries.put(ak, e);
      byFingerprint.put(e.fingerprint, e);
    }
    return e;
  }

  private void forget(AlertEntry e) {
    e.forgotten = true; // series that cached it look it up again
    machine.changed(e); // its stored state is removed
    entries.remove(e.key);
    byFingerprint.remove(e.fingerprint);
    machine.open.remove(e);
  }

  // ---------------------------------------------------------------- restart

  /**
   * Restores the alert states stored before a restart ({@link AlertStates}), once, before the first
   * poll; from then on each evaluation lists the states it changed. A record of a rule that no
   * longer exists (or is a heartbeat or absent rule, which start afresh), of another format
   * version, or that cannot be read is skipped; the skipped ones are logged in one line. A restored
   * alert waits for a series of its key; the sweeps of its source treat it as any alert of that
   * source meanwhile (resolved as "resource gone" if the first poll does not list its resource).
   * Alerts of a source not in {@code sources} (renamed or removed; null: any source) are skipped
   * too: no sweep of theirs would ever resolve them.
   *
   * @return the number of alerts restored
   */
  synchronized int restore(
      Map<String, String> records, Instant now, long nanos, @Nullable Set<String> sources) {
    persist = true;
    Map<String, RuleRuntime> byName = new HashMap<>();
    for (RuleRuntime rt : rules) byName.put(rt.rule.name(), rt);
    Map<String, Integer> skipped = new TreeMap<>();
    List<AlertStates.Saved> drop = new ArrayList<>();
    int restored = 0;
    for (Map.Entry<String, String> r : records.entrySet()) {
      AlertStates.Restored rec = AlertStates.decode(r.getValue());
      String why = null;
      RuleRuntime rt = rec == null ? null : byName.get(rec.rule());
      if (rec == null) why = "an unknown record format";
      else if (rt == null) why = "rule " + rec.rule() + " no longer exists";
      else if (rt.rule.condition() == null)
        why = "rule " + rec.rule() + " is a heartbeat or absent rule";
      else if (sources != null && !sources.contains(rec.source()))
        why = "source " + rec.source() + " no longer exists";
      if (rec != null && rt != null && why == null) {
        AlertKey key = new AlertKey(rec.rule(), rec.resource(), store.intern(rec.labels()));
        AlertEntry e = new AlertEntry(key, rt, rec.source());
        try {
          AlertStates.apply(e, rec, now, nanos);
        } catch (RuntimeException bad) {
          why = "an unreadable record (" + bad.getClass().getSimpleName() + ")";
        }
        if (why == null && !e.fingerprint.equals(r.getKey())) why = "a changed fingerprint";
        if (why == null) {
          e.detached = true;
          entries.put(key, e);
          byFingerprint.put(e.fingerprint, e);
          detached.computeIfAbsent(e.source, k -> new ArrayList<>()).add(e);
          machine.reindex(e);
          restored++;
          continue;
        }
      }
      skipped.merge(java.util.Objects.requireNonNull(why), 1, Integer::sum);
      drop.add(new AlertStates.Saved(r.getKey(), null));
    }
    if (!skipped.isEmpty()) {
      Loggers.RULES.warn(
          "Dropped {} stored alert state(s) that cannot be restored: {}; those alerts start afresh",
          drop.size(),
          skipped);
    }
    pendingDrops = drop;
    return restored;
  }

  /** The records {@link #restore} skipped: removed from the store with the first evaluation. */
  private List<AlertStates.Saved> pendingDrops = List.of();

  /** Whether evaluations list the alert states they changed: a store was restored from. */
  private boolean persist;

  /** Restored alerts not yet found by a series, by source. */
  private final Map<String, List<AlertEntry>> detached = new HashMap<>();

  /** The restored alert of {@code key} still waiting for its series, attached to it; or null. */
  private @Nullable AlertEntry attach(AlertKey key) {
    AlertEntry e = entries.get(key);
    if (e == null || !e.detached) return null;
    e.detached = false;
    return e;
  }

  /** The sweep of the restored alerts of {@code src} no series found yet. */
  private void sweepDetached(
      SourceHealth src, long poll, Set<String> failed, Instant now, Emitter emit) {
    List<AlertEntry> list = detached.get(src.name);
    if (list == null) return;
    for (AlertEntry e : new ArrayList<>(list)) {
      if (!e.detached || e.forgotten) {
        list.remove(e);
        continue;
      }
      if (e.sweptPoll == poll || failed.contains(e.key.resource())) continue;
      e.sweptPoll = poll;
      sweepEntry(e, src, poll, now, emit);
      if (e.forgotten) list.remove(e);
    }
    if (list.isEmpty()) detached.remove(src.name);
  }

  // ---------------------------------------------------------------- queries

  synchronized List<Alert> activeAlerts() {
    List<Alert> alerts = new ArrayList<>();
    for (AlertEntry e : entries.values()) {
      if (e.state == AlertState.PENDING
          || e.state == AlertState.FIRING
          || e.state == AlertState.NO_DATA) {
        alerts.add(e.snapshot());
      }
    }
    for (SourceHealth src : sources.values()) {
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
    AlertEntry e = byFingerprint.get(fingerprint);
    ArrayDeque<AlertTransition> h = e == null ? null : e.history;
    return h == null ? List.of() : List.copyOf(h);
  }

  /** Severity is left out so that an alert keeps its identity when its severity changes. */
  static String fingerprint(Map<String, String> labels) {
    return Notifications.fingerprint(labels);
  }

  /** For tests: the series store. */
  SeriesStore store() {
    return store;
  }

  /** For tests: how many alerts are objects (not quiet in their series). */
  synchronized int alertObjects() {
    return entries.size();
  }
}
