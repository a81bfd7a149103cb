package dev.vigil.testing;

import static java.util.Objects.requireNonNull;

import dev.vigil.AlertGroup;
import dev.vigil.AlertGroupSink;
import dev.vigil.AlertNotification;
import dev.vigil.AlertStatus;
import dev.vigil.NotificationType;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.junit.jupiter.api.Assertions;

/**
 * An {@link dev.vigil.AlertSink} that records every notification it is given, in order, for
 * assertions. Like OkHttp's {@code RecordingEventListener}. It is an {@link AlertGroupSink}: a
 * group arrives in one call, is recorded in {@link #groups()}, and its notifications in {@link
 * #notifications()}; a notification that travels alone is recorded in {@link #notifications()}
 * only.
 *
 * <pre>{@code
 * RecordingSink sink = RecordingSink.create();
 * ResourceMonitor monitor = ResourceMonitor.builder()...sink("rec", sink).build();
 * monitor.pollNow();
 * assertThat(sink.awaitCount(1, Duration.ofSeconds(5))).extracting(AlertNotification::rule)...;
 * }</pre>
 *
 * <p>Delivery is asynchronous in a monitor, so wait for notifications with {@link #awaitCount}
 * (which waits on a condition with a deadline) rather than by sleeping.
 *
 * <p><b>Thread safety.</b> Thread safe: the monitor's sink thread records while the test thread
 * reads and waits. Every list returned is an immutable snapshot.
 *
 * <p><b>Lifecycle.</b> {@link #close()} only marks the sink closed ({@link #isClosed()}); it goes
 * on recording, so a test can see notifications delivered while the monitor flushed on close.
 */
public final class RecordingSink implements AlertGroupSink {
  private final List<AlertNotification> notifications = new ArrayList<>();
  private final List<AlertGroup> groups = new ArrayList<>();
  private boolean closed;

  private RecordingSink() {}

  /** Returns an empty sink. */
  public static RecordingSink create() {
    return new RecordingSink();
  }

  /**
   * Records {@code notification} and wakes threads waiting in {@link #awaitCount}.
   *
   * @throws NullPointerException if {@code notification} is null
   */
  @Override
  public synchronized void deliver(AlertNotification notification) {
    notifications.add(requireNonNull(notification, "notification == null"));
    notifyAll();
  }

  /**
   * Records {@code group} and its notifications, and wakes threads waiting in {@link #awaitCount}.
   *
   * @throws NullPointerException if {@code group} is null
   */
  @Override
  public synchronized void deliverGroup(AlertGroup group) {
    groups.add(requireNonNull(group, "group == null"));
    notifications.addAll(group.notifications());
    notifyAll();
  }

  /** Every group recorded since creation or the last {@link #clear()}, in order. */
  public synchronized List<AlertGroup> groups() {
    return List.copyOf(groups);
  }

  /** Marks the sink closed; notifications delivered later are still recorded. */
  @Override
  public synchronized void close() {
    closed = true;
  }

  /** Whether the monitor closed this sink. */
  public synchronized boolean isClosed() {
    return closed;
  }

  /** Every notification recorded since creation or the last {@link #clear()}, in order. */
  public synchronized List<AlertNotification> notifications() {
    return List.copyOf(notifications);
  }

  /**
   * The recorded {@link AlertStatus#FIRING} notifications, in order: whatever their {@link
   * AlertNotification#type() type}, so reminders and severity changes too. See {@link #ofType}.
   */
  public List<AlertNotification> firing() {
    return withStatus(AlertStatus.FIRING);
  }

  /**
   * The recorded {@link AlertStatus#RESOLVED} notifications, in order, including a {@link
   * NotificationType#FLAPPING_STOPPED} of an alert that is resolved by then.
   */
  public List<AlertNotification> resolved() {
    return withStatus(AlertStatus.RESOLVED);
  }

  private List<AlertNotification> withStatus(AlertStatus status) {
    return filtered(n -> n.status() == status);
  }

  /**
   * The recorded notifications of any of {@code types}, in order. Unlike {@link #firing()}, which
   * also returns reminders and severity changes, this tells them apart: {@code
   * ofType(NotificationType.FIRING)} returns only the notifications sent when an alert started
   * firing.
   *
   * @throws NullPointerException if {@code types} or one of its elements is null
   * @throws IllegalArgumentException if no type is given
   */
  public List<AlertNotification> ofType(NotificationType... types) {
    requireNonNull(types, "types == null");
    if (types.length == 0) throw new IllegalArgumentException("no notification type given");
    Set<NotificationType> wanted = EnumSet.noneOf(NotificationType.class);
    for (NotificationType type : types) wanted.add(requireNonNull(type, "type == null"));
    return filtered(n -> wanted.contains(n.type()));
  }

  /**
   * The recorded notifications about {@code resource} ({@link AlertNotification#resource()}), in
   * order.
   *
   * @throws NullPointerException if {@code resource} is null
   */
  public List<AlertNotification> forResource(String resource) {
    requireNonNull(resource, "resource == null");
    return filtered(n -> n.resource().equals(resource));
  }

  /**
   * The recorded notifications raised by the rule named {@code rule} ({@link
   * AlertNotification#rule()}), in order.
   *
   * @throws NullPointerException if {@code rule} is null
   */
  public List<AlertNotification> forRule(String rule) {
    requireNonNull(rule, "rule == null");
    return filtered(n -> n.rule().equals(rule));
  }

  private synchronized List<AlertNotification> filtered(Predicate<AlertNotification> filter) {
    return notifications.stream().filter(filter).toList();
  }

  /** Forgets every recorded notification. */
  public synchronized void clear() {
    notifications.clear();
    groups.clear();
  }

  /**
   * Waits until at least {@code count} notifications were recorded, or {@code timeout} passed.
   * Returns at once if there are enough already. It waits on a condition that {@link #deliver}
   * signals, never by sleeping.
   *
   * @return every notification recorded when the count was reached (possibly more than {@code
   *     count})
   * @throws NullPointerException if {@code timeout} is null
   * @throws IllegalArgumentException if {@code count} or {@code timeout} is negative
   * @throws AssertionError (JUnit's {@code AssertionFailedError}) if the timeout passed first, or
   *     the waiting thread was interrupted (its interrupt flag is then set again); the message
   *     lists what was recorded
   */
  public synchronized List<AlertNotification> awaitCount(int count, Duration timeout) {
    requireNonNull(timeout, "timeout == null");
    if (count < 0) throw new IllegalArgumentException("count is negative: " + count);
    if (timeout.isNegative()) throw new IllegalArgumentException("timeout is negative: " + timeout);
    long deadline = System.nanoTime() + timeout.toNanos();
    while (notifications.size() < count) {
      long remaining = deadline - System.nanoTime();
      if (remaining <= 0) {
        return Assertions.fail(
            "timed out after "
                + timeout
                + " waiting for "
                + count
                + " notification(s); got "
                + notifications.size()
                + ": "
                + describe(notifications));
      }
      try {
        TimeUnit.NANOSECONDS.timedWait(this, remaining);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return Assertions.fail(
            "interrupted while waiting for "
                + count
                + " notification(s); got "
                + notifications.size()
                + ": "
                + describe(notifications),
            e);
      }
    }
    return List.copyOf(notifications);
  }

  static String describe(List<AlertNotification> notifications) {
    List<String> parts = new ArrayList<>();
    for (AlertNotification n : notifications) {
      parts.add(n.type() + " " + n.rule() + " " + n.resource());
    }
    return parts.toString();
  }

  @Override
  public synchronized String toString() {
    return "RecordingSink" + describe(notifications);
  }
}
