package dev.vigil;

import dev.vigil.internal.FlapDetector;
import dev.vigil.internal.SampleWindow;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * One alert's state: where its state machine ({@link AlertMachine}) is, its timers on the ticker,
 * its evaluation periods, flap detector, recent values and history. Not thread safe: guarded by the
 * evaluator's lock.
 */
final class AlertEntry {
  final AlertKey key;
  final RuleRuntime rt;
  final String source;
  final String fingerprint;
  AlertState state = AlertState.INACTIVE;
  @Nullable Severity severity;

  /** Ticker reading when the pending alert first breached; {@link Series#NONE} when not pending. */
  long pendingSince = Series.NONE;

  /** The same on the wall clock, for {@link Alert#startsAt()} of a pending alert. */
  @Nullable Instant pendingAt;

  /** Wall-clock start of the firing (or no-data) episode. */
  @Nullable Instant startsAt;

  /** Ticker reading of the first evaluation that no longer breached while firing. */
  long keepFiringSince = Series.NONE;

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
  long lastDataNanos = Series.NONE;

  @Nullable Instant lastEvaluatedAt;
  RuleRuntime.@Nullable Result lastResult;
  double value = Double.NaN;
  double threshold = Double.NaN;

  /** The last 64 evaluation periods, real or missing, newest in bit 0: 1 = a real datapoint. */
  long periodReal;

  /** Of those, 1 = a real datapoint that breached. */
  long periodBreach;

  boolean flapping;

  /** The last poll that evaluated this alert. */
  long evaluatedPoll;

  /** The last poll whose sweep looked at this alert. */
  long sweptPoll;

  /** Changed since {@link AlertStates} last saved it: listed in {@link AlertMachine#dirty}. */
  boolean dirty;

  /** Restored from the store and not yet found by a series of its key. */
  boolean detached;

  /** Forgotten by the evaluator: a series' cached reference to it is stale. */
  boolean forgotten;

  /** Whether the flap under way started while firing, with the sinks told so. */
  boolean flapStartedOnProblem;

  @Nullable FlapDetector flapDetector;

  /**
   * The values evaluated since the alert left inactive, for {@link
   * AlertNotification#recentValues()}; null while it is quiet.
   */
  @Nullable SampleWindow recent;

  /** The last transitions; null until the first, so that an alert that never moved holds none. */
  @Nullable ArrayDeque<AlertTransition> history;

  AlertEntry(AlertKey key, RuleRuntime rt, String source) {
    this.key = key;
    this.rt = rt;
    this.source = source;
    this.fingerprint =
        Notifications.fingerprint(
            Notifications.alertLabels(rt.rule, key.resource(), key.labels(), rt.rule.severity()));
  }

  Map<String, String> labels(Severity severity) {
    return Notifications.alertLabels(rt.rule, key.resource(), key.labels(), severity);
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
   * A timestamp for this alert at wall time {@code now}: {@code now}, unless the clock stepped back
   * behind an earlier timestamp of this alert, which is then kept.
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

  /** Adds a finite value at {@code now}, or just after the latest one if the clock stepped back. */
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
        Notifications.render(rt.rule.summary(), this, sev, labels),
        value,
        threshold,
        startsAt == null ? (pendingAt == null ? Instant.EPOCH : pendingAt) : startsAt,
        lastEvaluatedAt == null ? Instant.EPOCH : lastEvaluatedAt,
        fingerprint,
        state);
  }
}
