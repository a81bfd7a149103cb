package dev.vigil;

import static java.util.Objects.requireNonNull;

import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
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

  /** A decision for this sink: send {@code notification}, or, with {@code muted} set, do not. */
  record Decision(AlertNotification notification, MuteStage.@Nullable Muted muted) {
    boolean send() {
      return muted == null;
    }
  }

  private static final class Entry {
    boolean told;
    boolean announce;
    MuteStage.@Nullable Muted openingMuted;
    @Nullable Instant lastAt;
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
    requireNonNull(n, "n == null");
    String fp = n.fingerprint();
    if (n.status() == AlertStatus.RESOLVED) {
      Entry e = entries.remove(fp);
      if (e == null || e.told || e.openingMuted == null) return new Decision(n, null);
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
    e.lastAt = now;
    if (muted == null) {
      told(e);
      return new Decision(out, null);
    }
    if (opens(out) && !e.told) e.openingMuted = muted;
    if (out.type() == NotificationType.FIRING || out.type() == NotificationType.FLAPPING_STOPPED) {
      e.announce = true;
    } else if (out.type() == NotificationType.NO_DATA) {
      e.announce = false;
    }
    return new Decision(out, muted);
  }

  private static void told(Entry e) {
    e.told = true;
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
    if (!alert.firing()) return null;
    Entry e = entries.get(alert.fingerprint());
    if (e == null) return null;
    if (e.announce) {
      if (mute.apply(alert.current()) != null) return null; // still muted: owed, not counted again
      told(e);
      e.lastAt = now;
      return new Decision(alert.current(), null);
    }
    Instant last = e.lastAt;
    if (repeatInterval.isZero() || last == null || now.isBefore(last.plus(repeatInterval))) {
      return null;
    }
    AlertNotification reminder = alert.current().withType(NotificationType.REMINDER);
    MuteStage.Muted m = mute.apply(reminder);
    e.lastAt = now;
    if (m == null) told(e);
    return new Decision(reminder, m);
  }

  /** Forgets the alerts that are no longer open: they can be owed nothing. */
  void retain(Set<String> openFingerprints) {
    entries.keySet().retainAll(openFingerprints);
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
