package dev.vigil;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;

/**
 * A sink's budget: at most {@code limit} deliveries (a notification or a group each) in any window
 * of {@code per}, on the {@link Ticker}. What comes while the budget is spent is held back and goes
 * out as one {@link AlertGroup.Kind#DIGEST} as soon as a delivery is allowed again. At most {@code
 * maxHeld} notifications are held; past that the oldest reminder, else the oldest notification, is
 * given up (the caller counts and reports it).
 *
 * <p>Not thread safe: {@link Delivery} uses it under its lock.
 */
final class SinkBudget {
  private final int limit;
  private final long perNanos;
  private final int maxHeld;

  /** Ticker readings of the deliveries in the current window, oldest first. */
  private final ArrayDeque<Long> spent = new ArrayDeque<>();

  private final List<AlertNotification> held = new ArrayList<>();

  SinkBudget(int limit, Duration per, int maxHeld) {
    this.limit = limit;
    this.perNanos = per.toNanos();
    this.maxHeld = maxHeld;
  }

  /** Spends one delivery at {@code now} if the budget allows it. */
  boolean tryAcquire(long now) {
    while (!spent.isEmpty() && now - spent.peekFirst() >= perNanos) spent.removeFirst();
    if (spent.size() >= limit) return false;
    spent.addLast(now);
    return true;
  }

  /**
   * Holds {@code notifications} back until the budget refills.
   *
   * @return what had to be given up to stay within {@code maxHeld}
   */
  List<AlertNotification> hold(List<AlertNotification> notifications) {
    held.addAll(notifications);
    List<AlertNotification> evicted = new ArrayList<>();
    while (held.size() > maxHeld) evicted.add(evictOne());
    return evicted;
  }

  private AlertNotification evictOne() {
    for (Iterator<AlertNotification> it = held.iterator(); it.hasNext(); ) {
      AlertNotification n = it.next();
      if (n.type() == NotificationType.REMINDER) {
        it.remove();
        return n;
      }
    }
    return held.remove(0);
  }

  /** What was held back, taken if the budget allows a delivery at {@code now}; else empty. */
  List<AlertNotification> release(long now) {
    if (held.isEmpty() || !tryAcquire(now)) return List.of();
    return drain();
  }

  /** Everything held back, taken whatever the budget: on close. */
  List<AlertNotification> drain() {
    List<AlertNotification> out = List.copyOf(held);
    held.clear();
    return out;
  }

  /** When a delivery is allowed again, if something is held back; else {@link Long#MAX_VALUE}. */
  long nextDue() {
    if (held.isEmpty()) return Long.MAX_VALUE;
    Long oldest = spent.peekFirst();
    return oldest == null ? Long.MIN_VALUE : oldest + perNanos;
  }

  int held() {
    return held.size();
  }
}
