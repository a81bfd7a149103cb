package dev.vigil;

import dev.vigil.internal.FlapDetector;
import dev.vigil.internal.Templates;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * The state machine of every alert: one evaluation period with or without a datapoint, CloudWatch's
 * M-of-N verdict over the evaluation range, Prometheus' {@code for} and {@code keep_firing_for} on
 * the ticker, Nagios' flap detection before notifying, and the notifications each transition makes.
 * It reads an {@link AlertEntry}, changes it, and adds what it made to the {@link Emitter} it is
 * given; it calls nobody back. Keeps the set of open alerts (firing, without data, or flapping),
 * which is what each evaluation's snapshot holds. Not thread safe: guarded by the evaluator's lock.
 */
final class AlertMachine {
  static final int HISTORY_LIMIT = 32;

  /** The ticker reading of the evaluation under way; see {@link Evaluator}. */
  long nowNanos;

  /**
   * The notifications of the evaluation under way of an alert whose rule detects flapping, held
   * until {@link #settle} checked for flapping; null otherwise.
   */
  private @Nullable List<AlertNotification> deferred;

  /** Entries that may be open in a sink: FIRING, NO_DATA or flapping. What the snapshot holds. */
  final Set<AlertEntry> open = new LinkedHashSet<>();

  /**
   * Entries whose stored state changed in the evaluation under way (a transition, a severity, a
   * flap, what the sinks were told, keepFiringFor started): what {@link AlertStates} saves.
   */
  final List<AlertEntry> dirty = new ArrayList<>();

  /** Marks {@code e} as changed for {@link AlertStates}. */
  void changed(AlertEntry e) {
    if (e.dirty) return;
    e.dirty = true;
    dirty.add(e);
  }

  /** One evaluation of {@code e} with data (or without, per its missing-data policy). */
  void evaluate(AlertEntry e, RuleRuntime.Result r, Instant now, Emitter emit) {
    e.lastEvaluatedAt = now;
    if (!r.hasData()) {
      missing(e, now, emit);
      return;
    }
    e.lastDataNanos = nowNanos;
    e.lastResult = r;
    e.recordRecent(now, r.value());
    apply(e, r, now, emit, null);
  }

  /** One evaluation period with a real datapoint (for KEEP_LAST, the last one again). */
  private void apply(
      AlertEntry e, RuleRuntime.Result r, Instant now, Emitter emit, @Nullable String why) {
    e.value = r.value();
    // Hysteresis holds for a firing alert, also one that lost its data for a while.
    boolean firing =
        e.state == AlertState.FIRING
            || (e.state == AlertState.NO_DATA && e.stateBeforeNoData == AlertState.FIRING);
    boolean breach = (firing && r.clear() != null) ? !r.clear() : r.breach();
    Severity severity = r.critical() ? Severity.CRITICAL : e.rt.rule.severity();
    e.threshold = r.critical() ? r.criticalThreshold() : r.threshold();
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
  void missing(AlertEntry e, Instant now, Emitter emit) {
    AlertRule rule = e.rt.rule;
    MissingData policy = rule.missingData();
    if (policy == MissingData.KEEP_LAST) {
      RuleRuntime.Result last = e.lastResult;
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
          e.pendingSince = Series.NONE;
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
  private void judge(AlertEntry e, Severity severity, Instant now, Emitter emit, String why) {
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
  void decide(
      AlertEntry e, boolean breach, Severity severity, Instant now, Emitter emit, String why) {
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
          e.pendingSince = Series.NONE;
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
          if (e.keepFiringSince != Series.NONE) {
            e.keepFiringSince = Series.NONE;
            changed(e);
          }
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

  private long keepFiringSince(AlertEntry e) {
    if (e.keepFiringSince == Series.NONE) {
      e.keepFiringSince = nowNanos;
      changed(e);
    }
    return e.keepFiringSince;
  }

  private void fire(AlertEntry e, Instant now, Emitter emit, String why) {
    e.startsAt = e.stamp(now);
    transition(e, AlertState.FIRING, now, why);
    notify(e, NotificationType.FIRING, now, emit);
  }

  void resolve(AlertEntry e, Instant now, Emitter emit, String why) {
    transition(e, AlertState.RESOLVED, now, why);
    if (e.rt.rule.notifyResolved()) notify(e, NotificationType.RESOLVED, now, emit);
  }

  /**
   * The end of one evaluation of {@code e}: flap detection on the state it is in now, then the
   * notifications the evaluation made. As in Nagios, flapping is checked before notifying ({@code
   * base/checks.c} runs {@code check_for_service_flapping} before {@code service_notification}), so
   * the transition that starts a flap is held with the rest.
   */
  private void settle(AlertEntry e, AlertState before, Instant now, Emitter emit) {
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
      emit.emit(Notifications.of(e, NotificationType.FLAPPING_STARTED, AlertStatus.FIRING, now));
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
  private static int flapLevel(AlertEntry e) {
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
  private void stopFlapping(AlertEntry e, Instant now, Emitter emit, String why) {
    e.flapping = false;
    reindex(e);
    history(e, e.state, e.state, now, why);
    boolean firing = e.state == AlertState.FIRING;
    AlertStatus status = firing ? AlertStatus.FIRING : AlertStatus.RESOLVED;
    emit.emit(Notifications.of(e, NotificationType.FLAPPING_STOPPED, status, now));
    Severity severity = e.severity == null ? e.rt.rule.severity() : e.severity;
    if (!firing && e.flapStartedOnProblem && e.rt.rule.notifyResolved()) {
      told(e, Notifications.of(e, NotificationType.RESOLVED, AlertStatus.RESOLVED, now), emit);
    } else if (firing && !e.toldFiring) {
      told(e, Notifications.of(e, NotificationType.FIRING, AlertStatus.FIRING, now), emit);
    } else if (firing && e.flapStartedOnProblem && e.toldSeverity != severity) {
      told(
          e, Notifications.of(e, NotificationType.SEVERITY_CHANGED, AlertStatus.FIRING, now), emit);
    }
    e.flapStartedOnProblem = false;
    e.note = "";
  }

  private static String pct(double p) {
    return Templates.formatNumber(p) + "% state change";
  }

  /** Resolves {@code e} if it is open, saying why; the caller forgets it. */
  void gone(AlertEntry e, Instant now, Emitter emit, String why) {
    if (e.flapping || e.state == AlertState.FIRING || e.state == AlertState.NO_DATA) {
      e.note = " (" + why + ")";
      if (e.flapping) {
        transition(e, AlertState.RESOLVED, now, why);
        stopFlapping(e, now, emit, why);
      } else {
        resolve(e, now, emit, why);
      }
    }
    open.remove(e);
  }

  void transition(AlertEntry e, AlertState to, Instant now, String why) {
    AlertState from = e.state;
    e.state = to;
    e.keepFiringSince = Series.NONE;
    if (to == AlertState.PENDING || to == AlertState.FIRING || to == AlertState.NO_DATA) {
      e.startRecent(now);
    }
    reindex(e);
    history(e, from, to, now, why);
  }

  /** Keeps {@link #open} in step with the state and flapping of {@code e}. */
  void reindex(AlertEntry e) {
    if (e.state == AlertState.FIRING || e.state == AlertState.NO_DATA || e.flapping) open.add(e);
    else open.remove(e);
  }

  private void history(AlertEntry e, AlertState from, AlertState to, Instant now, String why) {
    changed(e);
    ArrayDeque<AlertTransition> h = e.history;
    if (h == null) e.history = h = new ArrayDeque<>(4);
    if (h.size() == HISTORY_LIMIT) h.removeFirst();
    h.addLast(new AlertTransition(e.stamp(now), from, to, e.value, why));
  }

  /**
   * Makes the notification of a transition of {@code e}; held while it flaps, and kept back until
   * the flap check at the end of the evaluation if its rule detects flapping.
   */
  void notify(AlertEntry e, NotificationType type, Instant now, Emitter emit) {
    AlertStatus status =
        type == NotificationType.RESOLVED ? AlertStatus.RESOLVED : AlertStatus.FIRING;
    AlertNotification n = Notifications.of(e, type, status, now);
    e.note = "";
    List<AlertNotification> later = deferred;
    if (later != null) later.add(n);
    else if (!e.flapping) told(e, n, emit);
  }

  /** Emits {@code n} and remembers what the sinks were last told about {@code e}. */
  private void told(AlertEntry e, AlertNotification n, Emitter emit) {
    emit.emit(n);
    changed(e);
    switch (n.type()) {
      case FIRING, SEVERITY_CHANGED, NO_DATA -> {
        e.toldFiring = true;
        e.toldSeverity = n.severity();
      }
      case RESOLVED -> e.toldFiring = false;
      default -> {}
    }
  }

  /** The data of {@code e} is stale under the MISSING policy: NO_DATA, told as such. */
  void noData(AlertEntry e, Instant now, Emitter emit) {
    e.value = Double.NaN;
    e.severity = e.severity == null ? e.rt.rule.severity() : e.severity;
    e.stateBeforeNoData = e.state == AlertState.FIRING ? AlertState.FIRING : AlertState.INACTIVE;
    if (e.startsAt == null || e.state != AlertState.FIRING) e.startsAt = e.stamp(now);
    e.pendingSince = Series.NONE;
    transition(
        e, AlertState.NO_DATA, now, "no data for " + Duration.ofNanos(nowNanos - e.lastDataNanos));
    notify(e, NotificationType.NO_DATA, now, emit);
  }
}
