package dev.vigil;

import dev.vigil.internal.Codec;
import dev.vigil.internal.FlapDetector;
import dev.vigil.internal.SampleWindow;
import dev.vigil.state.StateStore;
import java.io.IOException;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.jspecify.annotations.Nullable;

/**
 * The engine's alert states in a {@link StateStore}, space {@code alerts/<instanceId>}, one record
 * per alert by fingerprint: state, severity, {@code startsAt}, the time already spent pending and
 * in {@code keepFiringFor}, the evaluation periods, the flap history, what the sinks were last
 * told, the value, threshold, recent values and transitions. Ticker readings do not survive a
 * restart: a timer is saved as the time elapsed at the save, with the wall-clock time of the save,
 * and restored as a ticker reading that much (plus the time the monitor was down) before now.
 *
 * <p>Alerts of heartbeat and absent rules are not stored: they start afresh after a restart.
 *
 * <p>Records are made by the evaluator under its lock ({@link #encode}, only for alerts whose
 * stored state changed: a transition, a severity, a flap, what the sinks were told, {@code
 * keepFiringFor} starting or ending) and written by the poll thread after the evaluation was handed
 * on ({@link #write}), outside the lock. Thread safe: the store is.
 */
final class AlertStates {
  /** The record format; a record of another version is skipped. */
  static final String VERSION = "a1";

  private final StateStore store;
  private final String space;
  private final StateErrors errors;

  AlertStates(StateStore store, String instanceId, StateErrors errors) {
    this.store = store;
    this.space = "alerts/" + instanceId;
    this.errors = errors;
  }

  /** One alert's record to write: {@code record} null removes it. */
  record Saved(String fingerprint, @Nullable String record) {}

  /** The stored records, by fingerprint; empty if the store failed (reported). */
  Map<String, String> load() {
    try {
      return store.load(space);
    } catch (IOException e) {
      errors.failed("load", space, e);
      return Map.of();
    }
  }

  /**
   * How far apart, in evaluation numbers, two evaluations handed off by different poll threads can
   * arrive here: delivery waits for at most this many out of order as well.
   */
  private static final long REORDER_WINDOW = 1_000;

  /** The evaluation that last wrote each alert's record, within the reorder window; guarded. */
  private final Map<String, Long> writtenBy = new HashMap<>();

  private long newest = Long.MIN_VALUE; // guarded by this
  private int pruneAt = 1_024; // guarded by this

  /**
   * Writes what evaluation {@code sequence} changed; a failure is reported and the rest written.
   * Poll threads hand off in any order: an alert's record that a later evaluation already wrote is
   * not overwritten by an earlier one, so the store ends with the newest state of every alert.
   */
  synchronized void write(long sequence, List<Saved> changes) {
    newest = Math.max(newest, sequence);
    for (Saved s : changes) {
      Long by = writtenBy.get(s.fingerprint());
      if (by != null && by > sequence) continue; // stale: a later evaluation wrote it
      writtenBy.put(s.fingerprint(), sequence);
      try {
        String r = s.record();
        if (r == null) store.remove(space, s.fingerprint());
        else store.put(space, s.fingerprint(), r);
      } catch (IOException e) {
        errors.failed("write", space, e);
      }
    }
    if (writtenBy.size() > pruneAt) {
      long oldest = newest - REORDER_WINDOW;
      writtenBy.values().removeIf(by -> by < oldest);
      pruneAt = Math.max(1_024, 2 * writtenBy.size());
    }
  }

  /** The record of {@code e} at ({@code now}, {@code nowNanos}), or null if nothing is kept. */
  static @Nullable String encode(AlertEntry e, Instant now, long nowNanos) {
    boolean keep =
        !e.forgotten
            && e.rt.rule.condition() != null // heartbeat and absent alerts start afresh
            && (e.state == AlertState.PENDING
                || e.state == AlertState.FIRING
                || e.state == AlertState.NO_DATA
                || e.flapping
                || e.toldFiring);
    if (!keep) return null;
    List<String> f = new ArrayList<>();
    f.add(VERSION);
    f.add(e.rt.rule.name());
    f.add(e.key.resource());
    List<String> labels = new ArrayList<>();
    e.key
        .labels()
        .forEach(
            (k, v) -> {
              labels.add(k);
              labels.add(v);
            });
    f.add(Codec.join(labels));
    f.add(e.source);
    f.add(e.state.name());
    f.add(e.severity == null ? "" : e.severity.name());
    f.add(millis(e.pendingAt));
    f.add(millis(e.startsAt));
    f.add(elapsed(e.pendingSince, nowNanos));
    f.add(elapsed(e.keepFiringSince, nowNanos));
    f.add(elapsed(e.lastDataNanos, nowNanos));
    f.add(Long.toString(now.toEpochMilli()));
    f.add(Long.toString(e.periodReal));
    f.add(Long.toString(e.periodBreach));
    f.add(e.flapping ? "1" : "0");
    f.add(e.flapStartedOnProblem ? "1" : "0");
    FlapDetector d = e.flapDetector;
    StringBuilder states = new StringBuilder();
    if (d != null) for (int st : d.states()) states.append((char) ('0' + st));
    f.add(states.toString());
    f.add(e.toldFiring ? "1" : "0");
    f.add(e.toldSeverity == null ? "" : e.toldSeverity.name());
    f.add(e.stateBeforeNoData.name());
    f.add(Double.toString(e.value));
    f.add(Double.toString(e.threshold));
    f.add(millis(e.lastStamp));
    f.add(millis(e.lastEvaluatedAt));
    List<String> recent = new ArrayList<>();
    SampleWindow w = e.recent;
    if (w != null) {
      for (int k = 0; k < w.size(); k++) {
        recent.add(Long.toString(w.timeAt(k)));
        recent.add(Double.toString(w.valueAt(k)));
      }
    }
    f.add(w == null ? "-" : Codec.join(recent));
    List<String> history = new ArrayList<>();
    ArrayDeque<AlertTransition> h = e.history;
    if (h != null) {
      for (AlertTransition t : h) {
        history.add(
            Codec.join(
                List.of(
                    Long.toString(t.at().toEpochMilli()),
                    t.from().name(),
                    t.to().name(),
                    Double.toString(t.value()),
                    t.reason())));
      }
    }
    f.add(Codec.join(history));
    return Codec.join(f);
  }

  /** A record read back: the alert's key and the fields {@link #apply} sets. */
  record Restored(
      String rule, String resource, Map<String, String> labels, String source, List<String> f) {}

  /** Reads a record's identity; null if it is not of this {@link #VERSION} or cannot be read. */
  static @Nullable Restored decode(String record) {
    try {
      List<String> f = Codec.split(record);
      if (f.size() != 27 || !f.get(0).equals(VERSION)) return null;
      List<String> kv = f.get(3).isEmpty() ? List.of() : Codec.split(f.get(3));
      Map<String, String> labels = new TreeMap<>();
      for (int i = 0; i + 1 < kv.size(); i += 2) labels.put(kv.get(i), kv.get(i + 1));
      return new Restored(f.get(1), f.get(2), Map.copyOf(labels), f.get(4), f);
    } catch (IllegalArgumentException bad) {
      return null;
    }
  }

  /**
   * Sets the state of {@code e} from {@code r}, timers converted to ticker readings before {@code
   * nowNanos}: the time elapsed at the save plus the time since the save on the wall clock.
   *
   * @throws IllegalArgumentException if a field cannot be read
   */
  static void apply(AlertEntry e, Restored r, Instant now, long nowNanos) {
    List<String> f = r.f();
    long savedAt = Long.parseLong(f.get(12));
    long down = Math.max(0, now.toEpochMilli() - savedAt) * 1_000_000L;
    e.state = AlertState.valueOf(f.get(5));
    e.severity = f.get(6).isEmpty() ? null : Severity.valueOf(f.get(6));
    e.pendingAt = instant(f.get(7));
    e.startsAt = instant(f.get(8));
    e.pendingSince = reading(f.get(9), down, nowNanos);
    e.keepFiringSince = reading(f.get(10), down, nowNanos);
    e.lastDataNanos = reading(f.get(11), down, nowNanos);
    e.periodReal = Long.parseLong(f.get(13));
    e.periodBreach = Long.parseLong(f.get(14));
    e.flapping = f.get(15).equals("1");
    e.flapStartedOnProblem = f.get(16).equals("1");
    String states = f.get(17);
    if (!states.isEmpty()) {
      int[] s = new int[states.length()];
      for (int i = 0; i < s.length; i++) s[i] = states.charAt(i) - '0';
      e.flapDetector =
          FlapDetector.restored(
              e.rt.rule.flapLowThreshold(), e.rt.rule.flapHighThreshold(), s, e.flapping);
    }
    e.toldFiring = f.get(18).equals("1");
    e.toldSeverity = f.get(19).isEmpty() ? null : Severity.valueOf(f.get(19));
    e.stateBeforeNoData = AlertState.valueOf(f.get(20));
    e.value = Double.parseDouble(f.get(21));
    e.threshold = Double.parseDouble(f.get(22));
    e.lastStamp = instant(f.get(23));
    e.lastEvaluatedAt = instant(f.get(24));
    if (!f.get(25).equals("-")) {
      SampleWindow w = SampleWindow.ofCount(AlertNotification.MAX_RECENT_VALUES);
      List<String> points = f.get(25).isEmpty() ? List.of() : Codec.split(f.get(25));
      for (int i = 0; i + 1 < points.size(); i += 2) {
        w.add(Long.parseLong(points.get(i)), Double.parseDouble(points.get(i + 1)));
      }
      e.recent = w;
    }
    if (!f.get(26).isEmpty()) {
      ArrayDeque<AlertTransition> h = new ArrayDeque<>();
      for (String t : Codec.split(f.get(26))) {
        List<String> p = Codec.split(t);
        h.addLast(
            new AlertTransition(
                Instant.ofEpochMilli(Long.parseLong(p.get(0))),
                AlertState.valueOf(p.get(1)),
                AlertState.valueOf(p.get(2)),
                Double.parseDouble(p.get(3)),
                p.get(4)));
      }
      e.history = h;
    }
  }

  private static String millis(@Nullable Instant t) {
    return t == null ? "" : Long.toString(t.toEpochMilli());
  }

  private static @Nullable Instant instant(String millis) {
    return millis.isEmpty() ? null : Instant.ofEpochMilli(Long.parseLong(millis));
  }

  private static String elapsed(long reading, long nowNanos) {
    return reading == Series.NONE ? "" : Long.toString(Math.max(0, nowNanos - reading));
  }

  private static long reading(String elapsed, long down, long nowNanos) {
    if (elapsed.isEmpty()) return Series.NONE;
    return nowNanos - Long.parseLong(elapsed) - down;
  }
}
