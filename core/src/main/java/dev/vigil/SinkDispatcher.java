package dev.vigil;

import dev.vigil.internal.LogThrottle;
import dev.vigil.internal.Loggers;
import dev.vigil.internal.NamedThreadFactory;
import dev.vigil.internal.Threads;
import dev.vigil.internal.Throwables;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;

/**
 * One sink's bounded queue and delivery thread ({@code vigil-sink-<name>-N}, started on the first
 * notification). Deliveries are retried with exponential back-off. A sink that hangs only ever
 * blocks its own thread.
 */
final class SinkDispatcher {
  private static final Logger log = Loggers.DELIVERY;

  private final String name;
  private final AlertSink sink;
  private final MonitorListener listener;
  private final int capacity;
  private final int maxAttempts;
  private final long initialBackoffNanos;
  private final long maxBackoffNanos;
  private final NamedThreadFactory threads;

  /** Repeating failures and drops are logged once, then at most once a minute (real time). */
  private final LogThrottle throttle = LogThrottle.perMinute(System::nanoTime);

  private final ReentrantLock lock = new ReentrantLock();
  private final Condition changed = lock.newCondition();
  private final ArrayDeque<AlertNotification> queue = new ArrayDeque<>();
  private @Nullable Thread thread;
  private boolean delivering;
  private boolean closing;

  /** Set when close() gave up waiting: no more retries, the thread is being interrupted. */
  private volatile boolean abandoned;

  private long delivered;
  private long failedAttempts;
  private long dropped;

  SinkDispatcher(
      String name,
      AlertSink sink,
      MonitorListener listener,
      int capacity,
      int maxAttempts,
      long initialBackoffNanos,
      long maxBackoffNanos) {
    this.name = name;
    this.sink = sink;
    this.listener = listener;
    this.capacity = capacity;
    this.maxAttempts = maxAttempts;
    this.initialBackoffNanos = initialBackoffNanos;
    this.maxBackoffNanos = maxBackoffNanos;
    this.threads = new NamedThreadFactory("sink-" + name);
  }

  String name() {
    return name;
  }

  /** Queues {@code notification}; never blocks. When the queue is full the oldest is dropped. */
  void enqueue(AlertNotification notification) {
    AlertNotification evicted = null;
    boolean rejected = false;
    lock.lock();
    try {
      if (closing) {
        rejected = true;
        dropped++;
      } else {
        if (queue.size() >= capacity) {
          evicted = queue.pollFirst();
          dropped++;
        }
        queue.addLast(notification);
        if (thread == null || !thread.isAlive()) {
          // First notification, or the thread died of a VirtualMachineError: (re)start it.
          thread = threads.newThread(this::run);
          thread.start();
        }
        changed.signalAll();
      }
    } finally {
      lock.unlock();
    }
    if (rejected) {
      long repeats = throttle.admit("closing");
      if (repeats >= 0) {
        log.warn(
            "Sink {}: monitor is closing; dropped {}{}",
            name,
            describe(notification),
            LogThrottle.repeats(repeats));
      }
      listener.onDropped(name, notification, "monitor is closing");
    }
    if (evicted != null) {
      long repeats = throttle.admit("queue full");
      if (repeats >= 0) {
        log.warn(
            "Sink {}: queue full ({}); dropped oldest {}{}",
            name,
            capacity,
            describe(evicted),
            LogThrottle.repeats(repeats));
      }
      listener.onDropped(name, evicted, "queue full");
    }
  }

  private void run() {
    while (true) {
      AlertNotification next;
      lock.lock();
      try {
        while (queue.isEmpty() && !closing) changed.awaitUninterruptibly();
        next = queue.pollFirst();
        if (next == null) return; // closing and flushed
        delivering = true;
      } finally {
        lock.unlock();
      }
      try {
        deliver(next);
      } finally {
        lock.lock();
        try {
          delivering = false;
          changed.signalAll();
        } finally {
          lock.unlock();
        }
      }
      if (abandoned) return; // close() gave up waiting
    }
  }

  private void deliver(AlertNotification notification) {
    long backoff = initialBackoffNanos;
    for (int attempt = 1; ; attempt++) {
      // Only close() interrupts this thread, and then sets abandoned. A stray interrupt (or an
      // InterruptedException a sink threw) must not poison the deliveries after it.
      if (!abandoned) Thread.interrupted();
      try {
        sink.deliver(notification);
        synchronizedIncrement(Counter.DELIVERED);
        listener.onDelivered(name, notification);
        return;
      } catch (Throwable t) {
        Throwables.rethrowIfFatal(t);
        synchronizedIncrement(Counter.FAILED);
        boolean willRetry = attempt < maxAttempts && !abandoned;
        long repeats = throttle.admit((willRetry ? "retry\0" : "gave up\0") + PollLog.kind(t));
        if (repeats >= 0 && willRetry) {
          log.warn(
              "Sink {} failed to deliver {} (attempt {} of {}); retrying: {}{}",
              name,
              describe(notification),
              attempt,
              maxAttempts,
              PollLog.message(t),
              LogThrottle.repeats(repeats));
        } else if (repeats >= 0) {
          log.error(
              "Sink {} failed to deliver {} after {} attempt(s); dropped: {}{}",
              name,
              describe(notification),
              attempt,
              PollLog.message(t),
              LogThrottle.repeats(repeats));
        }
        if (log.isDebugEnabled()) log.debug("Sink {} failed; stack trace:", name, t);
        if (!willRetry) synchronizedIncrement(Counter.DROPPED);
        listener.onDeliveryFailed(name, notification, t, willRetry);
        if (!willRetry) return;
        if (!pause(backoff)) {
          synchronizedIncrement(Counter.DROPPED);
          listener.onDropped(name, notification, "monitor closed during retry back-off");
          return;
        }
        backoff = Math.min(maxBackoffNanos, backoff * 2);
      }
    }
  }

  /** Waits {@code nanos}; returns false if interrupted. */
  private static boolean pause(long nanos) {
    try {
      TimeUnit.NANOSECONDS.sleep(nanos);
      return true;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  private enum Counter {
    DELIVERED,
    FAILED,
    DROPPED
  }

  private void synchronizedIncrement(Counter counter) {
    lock.lock();
    try {
      switch (counter) {
        case DELIVERED -> delivered++;
        case FAILED -> failedAttempts++;
        case DROPPED -> dropped++;
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
      while (!queue.isEmpty() || delivering) {
        long remaining = deadlineNanos - System.nanoTime();
        if (remaining <= 0) return false;
        changed.awaitNanos(remaining);
      }
      return true;
    } finally {
      lock.unlock();
    }
  }

  MonitorStats.SinkStats stats() {
    lock.lock();
    try {
      return new MonitorStats.SinkStats(
          delivered, failedAttempts, dropped, queue.size() + (delivering ? 1 : 0));
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

  /**
   * Waits until the queue is delivered or {@code deadlineNanos} (a reading of {@link
   * System#nanoTime()}) passes, then interrupts the thread, drops what is left and closes the sink.
   * An interrupt of the calling thread does not cut the wait short.
   *
   * @return whether the calling thread was interrupted meanwhile (its flag is left cleared)
   */
  boolean awaitClose(long deadlineNanos) {
    boolean interrupted = false;
    Thread t;
    lock.lock();
    try {
      t = thread;
    } finally {
      lock.unlock();
    }
    if (t != null) {
      interrupted |= Threads.joinUntil(t, deadlineNanos);
      if (t.isAlive()) {
        log.warn("Sink {} did not flush in time; interrupting it", name);
        abandoned = true;
        t.interrupt();
        interrupted |= Threads.joinUntil(t, System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(100));
      }
    }
    List<AlertNotification> lost;
    lock.lock();
    try {
      lost = new ArrayList<>(queue);
      queue.clear();
      dropped += lost.size();
    } finally {
      lock.unlock();
    }
    for (AlertNotification n : lost) {
      log.error("Sink {}: monitor closed before delivering {}; dropped", name, describe(n));
      listener.onDropped(name, n, "monitor closed before delivery");
    }
    try {
      sink.close();
    } catch (Throwable e) {
      Throwables.rethrowIfFatal(e);
      log.warn("Sink {} failed to close", name, e);
    }
    return interrupted;
  }

  static String describe(AlertNotification n) {
    return n.status() + " " + n.rule() + " for " + n.resource() + " [" + n.fingerprint() + "]";
  }
}
