package dev.vigil;

import static java.util.Objects.requireNonNull;

import dev.vigil.internal.LogThrottle;
import dev.vigil.internal.Loggers;
import dev.vigil.internal.NamedThreadFactory;
import dev.vigil.internal.Threads;
import dev.vigil.internal.Throwables;
import dev.vigil.state.StateStore;
import io.github.resilience4j.core.IntervalFunction;
import io.github.resilience4j.retry.Retry;
import io.github.resilience4j.retry.RetryConfig;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;

/**
 * One sink's bounded queue and delivery thread ({@code vigil-sink-<name>-N}, started on the first
 * notification): the last stage of delivery.
 *
 * <ul>
 *   <li><b>Queue.</b> Bounded; when full, the oldest REMINDER is dropped first, else the oldest
 *       notification; every drop is counted by reason and reported to {@link
 *       MonitorListener#onDropped}; the log says so once, then at most once a minute.
 *   <li><b>Retry.</b> A Resilience4j {@link Retry} with exponential random back-off (jitter 0.5,
 *       multiplier 2) capped at the maximum back-off. A {@link PermanentDeliveryException} is not
 *       retried. What is finally given up goes to {@link MonitorListener#onDeadLetter}.
 *   <li><b>Thread death.</b> A thread that dies of an {@link Error} (a {@code StackOverflowError}
 *       in the sink) is replaced at once; the notification it held is put back at the head of the
 *       queue (its failed attempt counted) or, out of attempts, dead-lettered.
 *   <li><b>Close.</b> {@link #beginClose} then {@link #awaitClose}: delivers what is queued until
 *       the deadline, then closes the sink on a helper thread, abandoned with one WARN if it hangs.
 * </ul>
 *
 * <p>A sink that hangs only ever blocks its own thread. Thread safe.
 */
final class SinkDispatcher {
  private static final Logger log = Loggers.DELIVERY;

  static final String DEAD_LETTER = "dead letter";
  static final String QUEUE_FULL_REMINDER = "queue full (reminder)";
  static final String QUEUE_FULL = "queue full";
  static final String CLOSING = "monitor closing";
  static final String CLOSED = "closed before delivery";

  private final String name;
  private final AlertSink sink;
  private final MonitorListener listener;
  private final int capacity;
  private final int maxAttempts;
  private final Retry retry;
  private final NamedThreadFactory threads;

  /** Repeating failures and drops are logged once, then at most once a minute (real time). */
  private final LogThrottle throttle = LogThrottle.perMinute(System::nanoTime);

  private final ReentrantLock lock = new ReentrantLock();
  private final Condition changed = lock.newCondition();
  private final ArrayDeque<Queued> queue = new ArrayDeque<>();
  private @Nullable Thread thread;
  private @Nullable Queued inFlight;
  private boolean closing;

  /** close() was called from this sink's own thread: the thread closes the sink when done. */
  private boolean closeLeftToThread;

  /** How long a sink's own close() may take when its thread closes it. */
  private static final long CLOSE_TIMEOUT_NANOS = TimeUnit.SECONDS.toNanos(1);

  /** Set when close() gave up waiting: no more retries, the thread is being interrupted. */
  private volatile boolean abandoned;

  private long delivered;
  private long failedAttempts;
  private long retried;
  private long deadLettered;
  private final Map<String, Long> droppedByReason = new LinkedHashMap<>();

  /** A notification and the attempts spent on it so far (kept when a dying thread hands it on). */
  private record Queued(
      List<AlertNotification> notifications,
      @Nullable AlertGroup group,
      int attemptsDone,
      @Nullable String outboxKey) {
    Queued(List<AlertNotification> notifications, @Nullable AlertGroup group, int attemptsDone) {
      this(notifications, group, attemptsDone, null);
    }

    Queued next() {
      return new Queued(notifications, group, attemptsDone + 1, outboxKey);
    }

    Queued withOutboxKey(String key) {
      return new Queued(notifications, group, attemptsDone, key);
    }

    /** Only reminders: given up first when the queue is full. */
    boolean reminders() {
      for (AlertNotification n : notifications) {
        if (n.type() != NotificationType.REMINDER) return false;
      }
      return true;
    }

    String describe() {
      return group != null
          ? group.kind() + " of " + notifications.size() + " " + group.groupKey()
          : SinkDispatcher.describe(notifications.get(0));
    }
  }

  /** Where queued items are kept until their fate is known, so a restart delivers them; or null. */
  private final @Nullable StateStore store;

  private final String outbox;

  /**
   * Where the notifications decided for this sink that wait in a group or behind its budget are
   * kept, by idempotency key, until they reach the queue (and so the outbox); see {@link #hold}.
   */
  private final String held;

  /** The keys in {@link #held}; guarded by delivery's lock, under which hold and release run. */
  private final java.util.Set<String> heldKeys = new java.util.HashSet<>();

  private final StateErrors stateErrors = new StateErrors();
  private long outboxSequence;

  /** Notifications in {@link #queue}: a group counts as its notifications. */
  private int queued;

  private long groups;
  private long grouped;
  private long heldBack;
  private long decided;
  private long digests;
  private final Map<SuppressionKind, Long> muted = new java.util.EnumMap<>(SuppressionKind.class);

  SinkDispatcher(
      String name,
      AlertSink sink,
      MonitorListener listener,
      int capacity,
      int maxAttempts,
      Duration initialBackoff,
      Duration maxBackoff,
      @Nullable StateStore store,
      String instanceId) {
    this.store = store;
    this.outbox = outboxOf(name, instanceId);
    this.held = heldOf(name, instanceId);
    this.name = name;
    this.sink = sink;
    this.listener = listener;
    this.capacity = capacity;
    this.maxAttempts = maxAttempts;
    long initial = initialBackoff.toMillis();
    long max = maxBackoff.toMillis();
    IntervalFunction interval =
        initial < 1
            ? attempt -> 0L // no back-off: Resilience4j's functions need at least 1 ms
            : IntervalFunction.ofExponentialRandomBackoff(
                initial, 2.0, 0.5, Math.max(initial, max));
    this.retry =
        Retry.of(
            "vigil-sink-" + name,
            RetryConfig.custom()
                .maxAttempts(maxAttempts)
                .intervalBiFunction(
                    (attempt, outcome) -> {
                      Throwable t = outcome.isLeft() ? outcome.getLeft() : null;
                      if (t instanceof ExecutionException && t.getCause() != null) {
                        t = t.getCause();
                      }
                      if (t instanceof RetryAfterHint hint) {
                        Duration wait = hint.retryAfter().orElse(null);
                        if (wait != null && !wait.isNegative()) {
                          return Math.min(
                              wait.toMillis(),
                              Duration.ofMinutes(RetryAfterHint.MAX_WAIT_MINUTES).toMillis());
                        }
                      }
                      return interval.apply(attempt);
                    })
                .retryOnException(t -> !(t instanceof PermanentDeliveryException) && !abandoned)
                .build());
    this.threads = new NamedThreadFactory("sink-" + name);
  }

  String name() {
    return name;
  }

  /** Queues {@code notification}; never blocks. When the queue is full, room is made. */
  void enqueue(AlertNotification notification) {
    enqueue(new Queued(List.of(notification), null, 0));
  }

  /**
   * Queues {@code group}: as one delivery for an {@link AlertGroupSink}, else as its notifications
   * one by one. Never blocks.
   */
  void enqueue(AlertGroup group) {
    if (sink instanceof AlertGroupSink) {
      enqueue(new Queued(group.notifications(), group, 0));
    } else {
      for (AlertNotification n : group.notifications()) enqueue(n);
    }
  }

  private void enqueue(Queued fresh) {
    Queued item = toOutbox(fresh);
    List<Queued> evicted = new ArrayList<>();
    boolean rejected = false;
    lock.lock();
    try {
      if (closing) {
        rejected = true;
        for (int i = 0; i < item.notifications().size(); i++) countDrop(CLOSING);
      } else {
        while (!queue.isEmpty() && queued + item.notifications().size() > capacity) {
          Queued e = evictOne();
          String why = e.reminders() ? QUEUE_FULL_REMINDER : QUEUE_FULL;
          for (int i = 0; i < e.notifications().size(); i++) countDrop(why);
          evicted.add(e);
        }
        queue.addLast(item);
        queued += item.notifications().size();
        ensureThread();
        changed.signalAll();
      }
    } finally {
      lock.unlock();
    }
    // Rejected while closing: kept in the outbox, so the next start delivers it.
    if (rejected) for (AlertNotification n : item.notifications()) dropped(n, CLOSING);
    for (Queued e : evicted) {
      fromOutbox(e);
      String why = e.reminders() ? QUEUE_FULL_REMINDER : QUEUE_FULL;
      for (AlertNotification n : e.notifications()) dropped(n, why);
    }
  }

  /** Writes {@code q} to the outbox, if there is a store; returns it with its key. */
  private Queued toOutbox(Queued q) {
    StateStore st = store;
    if (st == null) return q;
    long seq;
    lock.lock();
    try {
      seq = ++outboxSequence;
    } finally {
      lock.unlock();
    }
    AlertGroup g = q.group();
    String key =
        String.format(java.util.Locale.ROOT, "%019d", seq)
            + ":"
            + (g != null ? g.idempotencyKey() : q.notifications().get(0).idempotencyKey());
    try {
      st.put(outbox, key, StoredNotifications.encodeItem(q.notifications(), g));
    } catch (IOException e) {
      stateErrors.failed("write", outbox, e);
      return q;
    }
    return q.withOutboxKey(key);
  }

  /** The outbox space of sink {@code sink} of monitor instance {@code instanceId}. */
  static String outboxOf(String sink, String instanceId) {
    return "outbox/" + sink + "/" + instanceId;
  }

  /** The space of the notifications that wait in groups or behind the budget of {@code sink}. */
  static String heldOf(String sink, String instanceId) {
    return "held/" + sink + "/" + instanceId;
  }

  /**
   * Keeps {@code notifications}, which now wait in a group or behind the budget, in the store until
   * {@link #release}: a crash while they wait loses nothing, the next start (or a replica) sends
   * them. Called under delivery's lock.
   */
  void hold(List<AlertNotification> notifications) {
    StateStore st = store;
    if (st == null) return;
    for (AlertNotification n : notifications) {
      String key = n.idempotencyKey();
      if (!heldKeys.add(key)) continue;
      try {
        st.put(held, key, StoredNotifications.encode(n));
      } catch (IOException e) {
        stateErrors.failed("write", held, e);
      }
    }
  }

  /**
   * Forgets the held records of {@code notifications}: they were queued (and so are in the outbox)
   * or dropped. Called under delivery's lock.
   */
  void release(List<AlertNotification> notifications) {
    StateStore st = store;
    if (st == null || heldKeys.isEmpty()) return;
    for (AlertNotification n : notifications) {
      String key = n.idempotencyKey();
      if (!heldKeys.remove(key)) continue;
      try {
        st.remove(held, key);
      } catch (IOException e) {
        stateErrors.failed("write", held, e);
      }
    }
  }

  /** Forgets {@code q} in the outbox: it was delivered or given up for good. */
  private void fromOutbox(Queued q) {
    StateStore st = store;
    String key = q.outboxKey();
    if (st == null || key == null) return;
    try {
      st.remove(outbox, key);
    } catch (IOException e) {
      stateErrors.failed("write", outbox, e);
    }
  }

  /**
   * Queues what the outbox held when the monitor was built: what was decided for this sink before a
   * restart and not delivered. Called once, before anything else is queued.
   *
   * @return how many notifications were restored
   */
  int restoreOutbox() {
    int restored = take(outbox, false) + takeHeld(held, false);
    if (restored > 0) {
      log.info("Sink {}: {} notification(s) from before the restart queued again", name, restored);
    }
    return restored;
  }

  /**
   * Takes over the outbox of a monitor instance that stopped without delivering it (a replica that
   * died): each item is claimed by removing it there, so of several replicas each takes an item
   * once, then queued here.
   *
   * @return how many notifications were taken over
   */
  int adopt(String otherInstance) {
    String space = outboxOf(name, otherInstance);
    if (space.equals(outbox)) return 0;
    int taken = take(space, true) + takeHeld(heldOf(name, otherInstance), true);
    if (taken > 0) {
      log.warn(
          "Sink {}: took over {} undelivered notification(s) of stopped instance {}",
          name,
          taken,
          otherInstance);
    }
    return taken;
  }

  /**
   * Queues what waited in groups or behind the budget in {@code space} when its monitor stopped, as
   * one digest in decided order; the budget does not apply, as on close. Each record is claimed by
   * removing it first when {@code claim} (the space of another instance), else removed once queued.
   */
  private int takeHeld(String space, boolean claim) {
    StateStore st = store;
    if (st == null) return 0;
    Map<String, String> records;
    try {
      records = st.load(space);
    } catch (IOException e) {
      stateErrors.failed("load", space, e);
      return 0;
    }
    List<AlertNotification> waiting = new ArrayList<>();
    List<String> keys = new ArrayList<>();
    int unreadable = 0;
    for (Map.Entry<String, String> r : records.entrySet()) {
      AlertNotification n;
      try {
        n = StoredNotifications.decode(r.getValue());
      } catch (RuntimeException e) {
        unreadable++;
        continue;
      }
      if (claim) {
        try {
          if (!st.remove(space, r.getKey())) continue; // another replica took it
        } catch (IOException e) {
          stateErrors.failed("claim", space, e);
          continue;
        }
      }
      waiting.add(n);
      keys.add(r.getKey());
    }
    if (unreadable > 0) {
      stateErrors.failed(
          "read " + unreadable + " record(s) of", space, new IOException("unknown record format"));
    }
    if (waiting.isEmpty()) return 0;
    waiting.sort(java.util.Comparator.comparing(AlertNotification::at));
    Instant at = waiting.get(waiting.size() - 1).at();
    AlertGroup digest =
        new AlertGroup(AlertGroup.Kind.DIGEST, "restored:" + name, Map.of(), waiting, at);
    lock.lock();
    try {
      decided += waiting.size();
    } finally {
      lock.unlock();
    }
    countGroup(digest);
    enqueue(digest);
    if (!claim) { // queued, and so in the outbox: a crash before this delivers it twice at most
      for (String key : keys) {
        try {
          st.remove(space, key);
        } catch (IOException e) {
          stateErrors.failed("write", space, e);
        }
      }
    }
    return waiting.size();
  }

  private int take(String space, boolean claim) {
    StateStore st = store;
    if (st == null) return 0;
    Map<String, String> records;
    try {
      records = st.load(space);
    } catch (IOException e) {
      stateErrors.failed("load", space, e);
      return 0;
    }
    List<String> keys = new ArrayList<>(records.keySet());
    java.util.Collections.sort(keys);
    int taken = 0;
    int unreadable = 0;
    for (String key : keys) {
      StoredNotifications.Item item;
      try {
        item = StoredNotifications.decodeItem(requireNonNull(records.get(key), key));
      } catch (RuntimeException e) {
        unreadable++;
        continue;
      }
      if (claim) {
        try {
          if (!st.remove(space, key)) continue; // another replica took it
        } catch (IOException e) {
          stateErrors.failed("claim", space, e);
          continue;
        }
        enqueue(new Queued(item.notifications(), item.group(), 0));
        lock.lock();
        try {
          decided += item.notifications().size();
        } finally {
          lock.unlock();
        }
      } else {
        lock.lock();
        try {
          int colon = key.indexOf(':');
          try {
            outboxSequence = Math.max(outboxSequence, Long.parseLong(key.substring(0, colon)));
          } catch (RuntimeException e) {
            // a key of another format: keep its item, its number does not matter
          }
          queue.addLast(new Queued(item.notifications(), item.group(), 0, key));
          queued += item.notifications().size();
          decided += item.notifications().size();
          ensureThread();
          changed.signalAll();
        } finally {
          lock.unlock();
        }
      }
      taken += item.notifications().size();
    }
    if (unreadable > 0) {
      stateErrors.failed(
          "read " + unreadable + " record(s) of", space, new IOException("unknown record format"));
    }
    return taken;
  }

  /**
   * Held while the store is synced: the lock under which delivery writes a notification's claim and
   * its outbox record, so that a sync never falls between the two.
   */
  private java.util.concurrent.locks.@Nullable Lock syncGuard;

  /** Syncs the store only under {@code guard} (delivery's own lock). */
  void guardSyncWith(java.util.concurrent.locks.Lock guard) {
    this.syncGuard = guard;
  }

  /** Makes what the store holds about this delivery durable before the sink hears it. */
  private void syncStore() {
    StateStore st = store;
    if (st == null) return;
    java.util.concurrent.locks.Lock guard = syncGuard;
    if (guard != null) guard.lock();
    try {
      st.sync();
    } catch (IOException e) {
      stateErrors.failed("sync", outbox, e);
    } finally {
      if (guard != null) guard.unlock();
    }
  }

  /** Removes the oldest item of reminders only, or else the oldest item. Lock held, not empty. */
  private Queued evictOne() {
    for (Iterator<Queued> it = queue.iterator(); it.hasNext(); ) {
      Queued q = it.next();
      if (q.reminders()) {
        it.remove();
        queued -= q.notifications().size();
        return q;
      }
    }
    Queued q = queue.removeFirst();
    queued -= q.notifications().size();
    return q;
  }

  /**
   * Gives up {@code n} before it reached the queue (a budget with too much held back): counted and
   * reported like a queue drop.
   */
  void drop(AlertNotification n, String reason) {
    lock.lock();
    try {
      countDrop(reason);
    } finally {
      lock.unlock();
    }
    dropped(n, reason);
  }

  /** Counts a notification muted for this sink. */
  void countMuted(SuppressionKind kind) {
    lock.lock();
    try {
      muted.merge(kind, 1L, Long::sum);
    } finally {
      lock.unlock();
    }
  }

  /** Counts a group or digest flushed for this sink. */
  void countGroup(AlertGroup group) {
    lock.lock();
    try {
      if (group.kind() == AlertGroup.Kind.DIGEST) digests++;
      else groups++;
      grouped += group.notifications().size();
    } finally {
      lock.unlock();
    }
  }

  /** Counts a notification decided for this sink: it entered a group, the budget or the queue. */
  void countDecided() {
    lock.lock();
    try {
      decided++;
    } finally {
      lock.unlock();
    }
  }

  /** Counts notifications held back by this sink's budget. */
  void countHeldBack(int notifications) {
    lock.lock();
    try {
      heldBack += notifications;
    } finally {
      lock.unlock();
    }
  }

  private void countDrop(String reason) {
    droppedByReason.merge(reason, 1L, Long::sum);
  }

  private void dropped(AlertNotification n, String reason) {
    long repeats = throttle.admit("drop\0" + reason);
    if (repeats >= 0) {
      log.warn(
          "Sink {}: {}; dropped {}{}", name, reason, describe(n), LogThrottle.repeats(repeats));
    }
    listener.onDropped(name, n, reason);
  }

  /** Starts the thread on the first notification, or replaces one that died. Lock held. */
  private void ensureThread() {
    Thread t = thread;
    if (t == null || !t.isAlive()) startThread();
  }

  private void startThread() {
    Thread next = threads.newThread(this::run);
    thread = next;
    next.start();
  }

  private void run() {
    MonitorThread.run(this::loop);
  }

  private void loop() {
    while (true) {
      Queued next;
      lock.lock();
      try {
        while (queue.isEmpty() && !closing) changed.awaitUninterruptibly();
        next = queue.pollFirst();
        if (next != null) queued -= next.notifications().size();
        if (next == null) {
          // Closing and flushed; a close() called from this thread left closing the sink to us.
          if (closeLeftToThread) closeSink(System.nanoTime() + CLOSE_TIMEOUT_NANOS);
          return;
        }
        inFlight = next;
      } finally {
        lock.unlock();
      }
      try {
        deliver(next);
      } catch (Throwable fatal) {
        // A VirtualMachineError from the sink (deliver() handles everything else): this thread
        // dies, a new one takes over at once, and the notification is not lost.
        died(next, fatal);
        throw fatal;
      }
      lock.lock();
      try {
        inFlight = null;
        changed.signalAll();
      } finally {
        lock.unlock();
      }
      if (abandoned) return; // close() gave up waiting
    }
  }

  private void died(Queued q, Throwable fatal) {
    boolean retryIt;
    int size = q.notifications().size();
    lock.lock();
    try {
      failedAttempts++;
      retryIt = q.attemptsDone() + 1 < maxAttempts && !abandoned;
      if (retryIt) {
        retried++;
        queue.addFirst(q.next());
        queued += size;
      } else {
        deadLettered += size;
        for (int i = 0; i < size; i++) countDrop(DEAD_LETTER);
      }
      if (!retryIt) fromOutbox(q);
      startThread(); // this thread is dying
      inFlight = null;
      changed.signalAll();
    } finally {
      lock.unlock();
    }
    log.error(
        "Sink {} delivery thread died of {} delivering {}; {}",
        name,
        fatal.getClass().getName(),
        q.describe(),
        retryIt ? "retrying on a new thread" : "dead-lettered");
    for (AlertNotification n : q.notifications()) {
      listener.onDeliveryFailed(name, n, fatal, retryIt);
      if (!retryIt) listener.onDeadLetter(name, n, fatal);
    }
  }

  private void deliver(Queued q) {
    List<AlertNotification> notifications = q.notifications();
    AlertGroup group = q.group();
    Retry.Context<Void> context = retry.context();
    syncStore();
    for (int attempt = q.attemptsDone() + 1; ; attempt++) {
      // Only close() interrupts this thread, and then sets abandoned. A stray interrupt (or an
      // InterruptedException a sink threw) must not poison the deliveries after it.
      if (!abandoned) Thread.interrupted();
      try {
        if (group != null) ((AlertGroupSink) sink).deliverGroup(group);
        else sink.deliver(notifications.get(0));
        increment(Counter.DELIVERED, notifications.size());
        fromOutbox(q);
        context.onComplete();
        for (AlertNotification n : notifications) listener.onDelivered(name, n);
        return;
      } catch (Throwable t) {
        Throwables.rethrowIfFatal(t);
        increment(Counter.FAILED, 1);
        boolean permanent = t instanceof PermanentDeliveryException;
        boolean retriable = !permanent && attempt < maxAttempts;
        boolean willRetry = retriable && !abandoned;
        logFailure(q, t, attempt, retriable, permanent);
        for (AlertNotification n : notifications) {
          listener.onDeliveryFailed(name, n, t, willRetry);
        }
        if (retriable && abandoned) {
          closedBeforeDelivery(notifications); // still in the outbox, for a restart or a replica
          return;
        }
        if (!willRetry) {
          fromOutbox(q);
          deadLetter(notifications, t);
          return;
        }
        increment(Counter.RETRIED, 1);
        try {
          // Waits the back-off (exponential, random, capped); throws if it will not retry.
          context.onError(t instanceof Exception e ? e : new ExecutionException(t));
        } catch (Throwable stopped) {
          Throwables.rethrowIfFatal(stopped);
          if (abandoned) {
            closedBeforeDelivery(notifications);
          } else {
            fromOutbox(q);
            deadLetter(notifications, t);
          }
          return;
        }
      }
    }
  }

  /**
   * Counts and reports {@code notifications} as dropped because the monitor closed while they were
   * being retried; they stay in the outbox.
   */
  private void closedBeforeDelivery(List<AlertNotification> notifications) {
    lock.lock();
    try {
      for (int i = 0; i < notifications.size(); i++) countDrop(CLOSED);
    } finally {
      lock.unlock();
    }
    for (AlertNotification n : notifications) dropped(n, CLOSED);
  }

  private void logFailure(
      Queued n, Throwable t, int attempt, boolean willRetry, boolean permanent) {
    String kind = permanent ? "permanent" : willRetry ? "retry" : "gave up";
    long repeats = throttle.admit(kind + "\0" + Throwables.kind(t));
    if (repeats >= 0 && willRetry) {
      log.warn(
          "Sink {} failed to deliver {} (attempt {} of {}); retrying: {}{}",
          name,
          n.describe(),
          attempt,
          maxAttempts,
          Throwables.message(t),
          LogThrottle.repeats(repeats));
    } else if (repeats >= 0) {
      log.error(
          "Sink {} failed to deliver {} after {} attempt(s){}; dead-lettered: {}{}",
          name,
          n.describe(),
          attempt,
          permanent ? " (permanent failure)" : "",
          Throwables.message(t),
          LogThrottle.repeats(repeats));
    }
    if (log.isDebugEnabled()) log.debug("Sink {} failed; stack trace:", name, t);
  }

  private void deadLetter(List<AlertNotification> notifications, Throwable cause) {
    lock.lock();
    try {
      deadLettered += notifications.size();
      for (int i = 0; i < notifications.size(); i++) countDrop(DEAD_LETTER);
    } finally {
      lock.unlock();
    }
    for (AlertNotification n : notifications) listener.onDeadLetter(name, n, cause);
  }

  private enum Counter {
    DELIVERED,
    FAILED,
    RETRIED
  }

  private void increment(Counter counter, int by) {
    lock.lock();
    try {
      switch (counter) {
        case DELIVERED -> delivered += by;
        case FAILED -> failedAttempts += by;
        case RETRIED -> retried += by;
      }
    } finally {
      lock.unlock();
    }
  }

  /**
   * Waits until nothing is queued or being delivered, or {@code deadlineNanos} (a reading of {@link
   * System#nanoTime()}) passes.
   *
   * @return whether the sink is idle
   * @throws InterruptedException if the waiting thread is interrupted
   */
  boolean awaitIdle(long deadlineNanos) throws InterruptedException {
    lock.lock();
    try {
      while (!queue.isEmpty() || inFlight != null) {
        if (Thread.currentThread() == thread) return false; // never wait on ourselves
        long remaining = deadlineNanos - System.nanoTime();
        if (remaining <= 0) return false;
        changed.awaitNanos(remaining);
      }
      return true;
    } finally {
      lock.unlock();
    }
  }

  /**
   * This sink's counters.
   *
   * @param waiting notifications decided for this sink that wait in groups or behind its budget
   */
  MonitorStats.SinkStats stats(int waiting) {
    lock.lock();
    try {
      long dropped = 0;
      for (long d : droppedByReason.values()) dropped += d;
      int inFlightSize = inFlight != null ? inFlight.notifications().size() : 0;
      return new MonitorStats.SinkStats(
          delivered,
          failedAttempts,
          dropped,
          queued + inFlightSize,
          retried,
          deadLettered,
          droppedByReason,
          muted,
          groups,
          digests,
          grouped,
          heldBack,
          decided,
          waiting);
    } finally {
      lock.unlock();
    }
  }

  /** Stops taking notifications; the thread delivers what is queued, then ends. */
  void beginClose() {
    lock.lock();
    try {
      closing = true;
      changed.signalAll();
    } finally {
      lock.unlock();
    }
  }

  /** Whether the calling thread is this sink's delivery thread. */
  boolean isOwnThread() {
    lock.lock();
    try {
      return Thread.currentThread() == thread;
    } finally {
      lock.unlock();
    }
  }

  /**
   * Waits until the queue is delivered or {@code deadlineNanos} (a reading of {@link
   * System#nanoTime()}) passes, then interrupts the thread, drops what is left and closes the sink
   * (abandoning a {@code close()} that does not return by {@code closeDeadlineNanos}). An interrupt
   * of the calling thread does not cut the wait short. Called from the sink's own thread (a sink
   * that closes the monitor), it does not wait for itself: the queue is left to that thread, which
   * delivers it after the current notification and then closes the sink.
   *
   * @return whether the calling thread was interrupted meanwhile (its flag is left cleared)
   */
  boolean awaitClose(long deadlineNanos) {
    boolean interrupted = false;
    lock.lock();
    try {
      if (Thread.currentThread() == thread) {
        closeLeftToThread = true;
        return false;
      }
    } finally {
      lock.unlock();
    }
    while (true) {
      Thread t;
      lock.lock();
      try {
        t = thread;
      } finally {
        lock.unlock();
      }
      if (t == null) break;
      interrupted |= Threads.joinUntil(t, deadlineNanos);
      if (t.isAlive()) {
        log.warn("Sink {} did not flush in time; interrupting it", name);
        abandoned = true;
        t.interrupt();
        interrupted |= Threads.joinUntil(t, System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(100));
        break;
      }
      lock.lock();
      try {
        if (thread == t) break; // not replaced meanwhile
      } finally {
        lock.unlock();
      }
    }
    List<AlertNotification> lost = new ArrayList<>();
    lock.lock();
    try {
      for (Queued q : queue) lost.addAll(q.notifications());
      queue.clear();
      queued = 0;
      for (int i = 0; i < lost.size(); i++) countDrop(CLOSED);
    } finally {
      lock.unlock();
    }
    for (AlertNotification n : lost) {
      log.error("Sink {}: monitor closed before delivering {}; dropped", name, describe(n));
      listener.onDropped(name, n, CLOSED);
    }
    return interrupted;
  }

  /**
   * The sink's own close(), to run on a helper thread with a deadline; null if the sink's thread
   * closes it itself (close() was called from that thread).
   */
  @Nullable Runnable closeTask() {
    lock.lock();
    try {
      if (closeLeftToThread) return null;
    } finally {
      lock.unlock();
    }
    return this::closeQuietly;
  }

  private void closeQuietly() {
    try {
      sink.close();
    } catch (Throwable e) {
      Throwables.rethrowIfFatal(e);
      log.warn("Sink {} failed to close: {}", name, Throwables.message(e));
      if (log.isDebugEnabled()) log.debug("Sink {} close; stack trace:", name, e);
    }
  }

  /** Closes the sink on a helper thread; one that does not return in time is abandoned. */
  private boolean closeSink(long deadlineNanos) {
    Runnable close = this::closeQuietly;
    boolean wasInterrupted = Thread.interrupted();
    if (!Threads.runUntil("sink-" + name + "-close", close, deadlineNanos)) {
      log.warn("Sink {} did not close in time; abandoned", name);
    }
    boolean interrupted = Thread.interrupted();
    return wasInterrupted || interrupted;
  }

  static String describe(AlertNotification n) {
    return n.status() + " " + n.rule() + " for " + n.resource() + " [" + n.fingerprint() + "]";
  }
}
