package dev.vigil;

import static java.util.Objects.requireNonNull;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;

/**
 * What one sink was told, and what it is owed: Alertmanager's notification log and dedup stage
 * ({@code notify/dedup_stage.go}, {@code needsUpdate}), kept per sink on the delivery side. The
 * engine never reads it.
 *
 * <ul>
 *   <li><b>What a sink was told is closed.</b> A RESOLVED goes to this sink when it was told the
 *       alert is open (any FIRING-status notification of it was sent to it), even if a silence
 *       started in between. When its opening (FIRING, NO_DATA, FLAPPING_STARTED) was muted and it
 *       was never told, the RESOLVED is muted too, with the reason {@code resolves a suppressed
 *       notification (<reason of the opening>)}, so a sink never hears of an incident only when it
 *       ends.
 *   <li><b>What is still firing is announced.</b> A FIRING (or FLAPPING_STOPPED while firing) that
 *       was muted for this sink is owed: once nothing mutes it, the next snapshot in which the
 *       alert still fires sends one FIRING. A SEVERITY_CHANGED of an owed alert is sent as FIRING.
 *   <li><b>Reminders</b> every repeat interval after the last FIRING-status notification decided
 *       for this sink (sent or muted), while the alert fires and is not flapping.
 * </ul>
 *
 * <p>Memory is bounded: entries are dropped when their alert leaves the snapshot, and at most
 * {@value #MAX_TRACKED} are kept (the oldest go first; their resolution is then sent).
 *
 * <p>Not thread safe: {@link Delivery} uses it under its intake lock only.
 */
final class NotificationLog {
  static final int MAX_TRACKED = 10_000;

  private static final long UNKNOWN = Long.MIN_VALUE;

  /**
   * A decision for this sink: send {@code notification}; or, with {@code muted} set, do not
   * (muted); or, with {@code skipped}, do not and count nothing: the sink was told already (by
   * another replica, or before a restart: the store says so), or there is nothing it should hear.
   */
  record Decision(
      AlertNotification notification, MuteStage.@Nullable Muted muted, boolean skipped) {
    Decision(AlertNotification notification, MuteStage.@Nullable Muted muted) {
      this(notification, muted, false);
    }

    static Decision skipped(AlertNotification n) {
      return new Decision(n, null, true);
    }

    boolean send() {
      return muted == null && !skipped;
    }
  }

  private static final class Entry {
    /** Restored from the store after a restart, not yet seen in a snapshot. */
    boolean restored;

    /** What the sink was last told of it (for a RESOLVED made after a restart). */
    @Nullable AlertNotification toldAs;

    boolean told;
    boolean announce;
    MuteStage.@Nullable Muted openingMuted;
    @Nullable Instant lastAt;

    /** {@link #lastAt} on the ticker; {@link #UNKNOWN} when restored from a store. */
    long lastNanos = UNKNOWN;
  }

  private final @Nullable StoredLog stored;

  NotificationLog() {
    this(null);
  }

  /**
   * A log kept also in {@code stored}: what it holds is restored now, and its claims make replicas
   * that share the store tell the sink once.
   */
  NotificationLog(@Nullable StoredLog stored) {
    this.stored = stored;
    if (stored != null) {
      stored
          .restore()
          .forEach(
              (fp, t) -> {
                Entry e = new Entry();
                e.told = true;
                e.restored = true;
                e.toldAs = t.notification();
                e.lastAt = t.at();
                entries.put(fp, e);
              });
    }
  }

  private final Map<String, Entry> entries =
      new LinkedHashMap<>() {
        private static final long serialVersionUID = 1L;

        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Entry> eldest) {
          return size() > MAX_TRACKED;
        }
      };

  private static boolean opens(AlertNotification n) {
    return n.status() == AlertStatus.FIRING
        && (n.type() == NotificationType.FIRING
            || n.type() == NotificationType.NO_DATA
            || n.type() == NotificationType.FLAPPING_STARTED);
  }

  /**
   * Decides what this sink hears of a transition the engine emitted at {@code now}.
   *
   * @param muted what the mute stages said about it, or null
   */
  Decision onTransition(AlertNotification n, MuteStage.@Nullable Muted muted, Instant now) {
    return onTransition(n, muted, now, epochNanos(now));
  }

  /** A ticker reading for callers without a ticker: the instant in nanoseconds. */
  private static long epochNanos(Instant now) {
    return now.getEpochSecond() * 1_000_000_000L + now.getNano();
  }

  /**
   * Decides what this sink hears of a transition the engine emitted at {@code now}, ticker reading
   * {@code nanos} (reminders are timed on the ticker).
   *
   * @param muted what the mute stages said about it, or null
   */
  Decision onTransition(
      AlertNotification n, MuteStage.@Nullable Muted muted, Instant now, long nanos) {
    requireNonNull(n, "n == null");
    String fp = n.fingerprint();
    if (n.status() == AlertStatus.RESOLVED && n.type() == NotificationType.FLAPPING_STOPPED) {
      // A notice: the flap stopped while the alert does not fire. What closes the alert for this
      // sink is the RESOLVED the engine sends after it, if one is owed. A sink that never heard
      // the alert open hears nothing of it.
      Entry e = entries.get(fp);
      if (e == null || !e.told) return Decision.skipped(n);
      return muted == null ? new Decision(n, null) : new Decision(n, muted);
    }
    if (n.status() == AlertStatus.RESOLVED) {
      Entry e = entries.remove(fp);
      if (e == null || e.told || e.openingMuted == null) {
        StoredLog st = stored;
        if (st != null && !st.claimResolved(fp)) return Decision.skipped(n);
        return new Decision(n, null);
      }
      MuteStage.Muted opening = e.openingMuted;
      return new Decision(
          n,
          new MuteStage.Muted(
              opening.kind(), "resolves a suppressed notification (" + opening.reason() + ")"));
    }
    Entry e = entries.get(fp);
    if (e == null) {
      e = new Entry();
      entries.put(fp, e);
    }
    AlertNotification out = n;
    if (n.type() == NotificationType.SEVERITY_CHANGED && !e.told) {
      // This sink never heard it fire: it hears FIRING (at the new severity), not a change.
      out = n.withType(NotificationType.FIRING);
    }
    if (muted == null && e.restored && out.type() == NotificationType.FIRING) {
      // Told before the restart: the engine fires it again, the sink heard it already; reminders
      // keep the rhythm of what it heard.
      e.restored = false;
      told(e, out);
      return Decision.skipped(out);
    }
    e.lastAt = now;
    e.lastNanos = nanos;
    if (muted == null) {
      e.restored = false;
      return tell(fp, e, out, now);
    }
    if (opens(out) && !e.told) e.openingMuted = muted;
    if (out.type() == NotificationType.FIRING || out.type() == NotificationType.FLAPPING_STOPPED) {
      e.announce = true;
    } else if (out.type() == NotificationType.NO_DATA) {
      e.announce = false;
    }
    return new Decision(out, muted);
  }

  /** The sink is to hear {@code n}: claimed in the store first, if this log has one. */
  private Decision tell(String fp, Entry e, AlertNotification n, Instant now) {
    StoredLog st = stored;
    if (st != null) {
      if (!e.told) {
        if (!st.claimOpen(fp, n, now)) {
          told(e, n);
          return Decision.skipped(n);
        }
      } else if (!st.claimChange(fp, n, now)) {
        told(e, n);
        return Decision.skipped(n); // another replica told the sink of this change
      }
    }
    told(e, n);
    return new Decision(n, null);
  }

  private static void told(Entry e, AlertNotification n) {
    e.told = true;
    e.toldAs = n;
    e.announce = false;
    e.openingMuted = null;
  }

  /**
   * What this sink is owed at {@code now} for an alert of the snapshot: the held-back FIRING once
   * nothing mutes it, or a reminder when its repeat interval has passed; null if nothing.
   *
   * @param mute the mute stages for a notification made now (asked lazily, at most once per type)
   * @param repeatInterval how often this sink is reminded (its route's, else the rule's); zero for
   *     never
   */
  @Nullable Decision due(
      ActiveAlert alert,
      Instant now,
      Function<AlertNotification, MuteStage.@Nullable Muted> mute,
      Duration repeatInterval) {
    return due(alert, now, epochNanos(now), mute, repeatInterval);
  }

  /** As {@link #due(ActiveAlert, Instant, Function, Duration)}, at ticker reading {@code nanos}. */
  @Nullable Decision due(
      ActiveAlert alert,
      Instant now,
      long nanos,
      Function<AlertNotification, MuteStage.@Nullable Muted> mute,
      Duration repeatInterval) {
    if (!alert.firing()) return null;
    Entry e = entries.get(alert.fingerprint());
    if (e == null) return null;
    if (e.announce) {
      if (mute.apply(alert.current()) != null) return null; // still muted: owed, not counted again
      e.lastAt = now;
      e.lastNanos = nanos;
      return tell(alert.fingerprint(), e, alert.current(), now);
    }
    if (repeatInterval.isZero()) return null;
    Instant last = e.lastAt;
    boolean due =
        e.lastNanos != UNKNOWN
            ? nanos - e.lastNanos >= repeatInterval.toNanos()
            : last != null && !now.isBefore(last.plus(repeatInterval)); // restored: by the clock
    if (!due) return null;
    AlertNotification reminder = alert.current().withType(NotificationType.REMINDER);
    MuteStage.Muted m = mute.apply(reminder);
    e.lastAt = now;
    e.lastNanos = nanos;
    if (m != null) return new Decision(reminder, m);
    StoredLog st = stored;
    if (st != null && !st.claimReminder(alert.fingerprint(), reminder, now, repeatInterval)) {
      return null; // another replica reminds it
    }
    told(e, reminder);
    return new Decision(reminder, null);
  }

  /**
   * Forgets the alerts that are no longer open: they can be owed nothing. Alerts restored after a
   * restart wait for {@link #resolveRestored}.
   */
  void retain(Set<String> openFingerprints) {
    for (var it = entries.entrySet().iterator(); it.hasNext(); ) {
      Map.Entry<String, Entry> e = it.next();
      if (openFingerprints.contains(e.getKey()) || e.getValue().restored) continue;
      it.remove();
      StoredLog st = stored;
      if (st != null && e.getValue().told) st.forget(e.getKey());
    }
  }

  /** Whether alerts restored after a restart still wait for {@link #resolveRestored}. */
  boolean hasRestored() {
    for (Entry e : entries.values()) if (e.restored) return true;
    return false;
  }

  /**
   * After a restart, once every source was polled: the alerts the sink was told are open, that the
   * engine no longer knows ({@code known}: pending, firing or without data), resolved while the
   * monitor was down. Returns their RESOLVED notifications, claimed, ended {@code now}; every other
   * restored alert is an alert like any other from now on.
   */
  List<AlertNotification> resolveRestored(Set<String> known, Instant now) {
    List<AlertNotification> out = new ArrayList<>();
    for (var it = entries.entrySet().iterator(); it.hasNext(); ) {
      Map.Entry<String, Entry> me = it.next();
      Entry e = me.getValue();
      if (!e.restored) continue;
      e.restored = false;
      AlertNotification last = e.toldAs;
      if (known.contains(me.getKey()) || last == null) continue;
      it.remove();
      StoredLog st = stored;
      if (st != null && !st.claimResolved(me.getKey())) continue; // resolved elsewhere
      out.add(
          new AlertNotification(
              last.rule(),
              AlertStatus.RESOLVED,
              last.severity(),
              last.resource(),
              last.labels(),
              last.summary(),
              last.value(),
              last.threshold(),
              last.startsAt(),
              now.isBefore(last.startsAt()) ? last.startsAt() : now,
              last.fingerprint(),
              NotificationType.RESOLVED,
              last.description(),
              now,
              last.recentValues()));
    }
    return out;
  }

  /** Whether this log has an entry for the alert: it was told of it, or owes it something. */
  boolean has(String fingerprint) {
    return entries.containsKey(fingerprint);
  }

  /** Whether this sink was told that the alert with {@code fingerprint} is open. */
  boolean told(String fingerprint) {
    Entry e = entries.get(fingerprint);
    return e != null && e.told;
  }

  int size() {
    return entries.size();
  }
}
