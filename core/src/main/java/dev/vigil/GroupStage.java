package dev.vigil;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;

/**
 * Batches one route's notifications for one sink into {@link AlertGroup}s: Alertmanager's
 * aggregation groups ({@code dispatch/dispatch.go}, {@code aggrGroup}). Notifications with the same
 * group labels wait together: a new group is flushed {@code groupWait} after its first
 * notification, later notifications at most every {@code groupInterval} after the last flush. A
 * group whose alerts all resolved is forgotten once flushed, so the next alert in it waits {@code
 * groupWait} again.
 *
 * <p>Unlike Alertmanager, which sends the state of the group's alerts at flush time, a group
 * carries every notification decided since its last flush, in order: an alert that fired and
 * resolved within {@code groupWait} shows as FIRING then RESOLVED. A group that holds {@code
 * maxSize} notifications is flushed at once, so memory stays bounded; its next notification then
 * waits {@code groupInterval}.
 *
 * <p>Times are {@link Ticker} readings. Not thread safe: {@link Delivery} uses it under its lock.
 */
final class GroupStage {
  private static final long UNSET = Long.MIN_VALUE;

  private final RouteTree.Node route;
  private final long waitNanos;
  private final long intervalNanos;
  private final int maxSize;
  private final Map<String, Group> groups = new HashMap<>();

  /** The group each open alert is in, so that one that changes group leaves the old one. */
  private final Map<String, Group> groupOf = new HashMap<>();

  /** No group is due before this reading; rescanned only once it passed. */
  private long earliest = Long.MAX_VALUE;

  private static final class Group {
    final String key;
    final Map<String, String> labels;
    final List<AlertNotification> pending = new ArrayList<>();
    final Set<String> open = new HashSet<>();
    long flushAt = UNSET;
    long lastFlush = UNSET;

    Group(String key, Map<String, String> labels) {
      this.key = key;
      this.labels = labels;
    }
  }

  GroupStage(RouteTree.Node route, int maxSize) {
    this.route = route;
    this.waitNanos = route.groupWait().toNanos();
    this.intervalNanos = route.groupInterval().toNanos();
    this.maxSize = maxSize;
  }

  /**
   * Adds a notification decided for this route's sink at ticker reading {@code now}; a group that
   * is full goes to {@code out} at once, stamped {@code at}.
   */
  void add(AlertNotification n, long now, Instant at, Consumer<AlertGroup> out) {
    Map<String, String> labels = route.groupLabels(n.labels());
    if (labels == null) throw new IllegalStateException("route does not group: " + route.id());
    String key = route.groupKey(labels);
    Group g = groups.get(key);
    if (g == null) {
      g = new Group(key, Map.copyOf(labels));
      groups.put(key, g);
    }
    String fp = n.fingerprint();
    Group before = groupOf.get(fp);
    if (before != null && before != g) {
      before.open.remove(fp);
      forgetIfDone(before);
    }
    if (n.status() == AlertStatus.RESOLVED) {
      g.open.remove(fp);
      groupOf.remove(fp);
    } else {
      g.open.add(fp);
      groupOf.put(fp, g);
    }
    g.pending.add(n);
    if (g.flushAt == UNSET) {
      g.flushAt =
          g.lastFlush == UNSET ? now + waitNanos : Math.max(now, g.lastFlush + intervalNanos);
    }
    if (g.pending.size() >= maxSize) {
      out.accept(flush(g, now, at));
      return;
    }
    earliest = Math.min(earliest, g.flushAt);
  }

  /** Flushes every group that is due at {@code now} into {@code out}, stamped {@code at}. */
  void flushDue(long now, Instant at, Consumer<AlertGroup> out) {
    if (now < earliest) return;
    long next = Long.MAX_VALUE;
    for (Iterator<Group> it = groups.values().iterator(); it.hasNext(); ) {
      Group g = it.next();
      if (g.flushAt != UNSET && g.flushAt <= now) {
        out.accept(flush(g, now, at));
        if (g.open.isEmpty()) {
          it.remove();
          continue;
        }
      }
      if (g.flushAt != UNSET) next = Math.min(next, g.flushAt);
    }
    earliest = next;
  }

  /** Flushes every group with notifications at once, whatever its timers: on close. */
  void flushAll(long now, Instant at, Consumer<AlertGroup> out) {
    for (Group g : groups.values()) if (!g.pending.isEmpty()) out.accept(flush(g, now, at));
    earliest = Long.MAX_VALUE;
  }

  private AlertGroup flush(Group g, long now, Instant at) {
    AlertGroup group = new AlertGroup(AlertGroup.Kind.GROUP, g.key, g.labels, g.pending, at);
    g.pending.clear();
    g.flushAt = UNSET;
    g.lastFlush = now;
    return group;
  }

  private void forgetIfDone(Group g) {
    if (g.open.isEmpty() && g.pending.isEmpty()) groups.remove(g.key);
  }

  /** Forgets the alerts that left the snapshot without a resolution. */
  void retain(Set<String> openFingerprints) {
    for (Iterator<Map.Entry<String, Group>> it = groupOf.entrySet().iterator(); it.hasNext(); ) {
      Map.Entry<String, Group> e = it.next();
      if (!openFingerprints.contains(e.getKey())) {
        Group g = e.getValue();
        g.open.remove(e.getKey());
        it.remove();
        forgetIfDone(g);
      }
    }
  }

  /** The ticker reading at which the next group is due; {@link Long#MAX_VALUE} if none. */
  long nextDue() {
    return earliest;
  }

  /** Notifications waiting in groups. */
  int pending() {
    int n = 0;
    for (Group g : groups.values()) n += g.pending.size();
    return n;
  }
}
