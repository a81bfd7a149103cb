package dev.vigil.internal;

import java.util.concurrent.TimeUnit;

/** Thread helpers for bounded shutdowns. */
public final class Threads {
  private Threads() {}

  /**
   * Runs {@code task} on a new daemon thread named {@code vigil-<name>-N} and waits for it until
   * {@code deadlineNanos}; a task still running then is interrupted and abandoned (its thread is a
   * daemon). For a user's {@code close()} that may never return. The calling thread's interrupt
   * status is kept.
   *
   * @return whether the task ended in time
   */
  public static boolean runUntil(String name, Runnable task, long deadlineNanos) {
    Thread t = new NamedThreadFactory(name).newThread(task);
    t.start();
    boolean interrupted = joinUntil(t, deadlineNanos);
    if (interrupted) Thread.currentThread().interrupt();
    if (!t.isAlive()) return true;
    t.interrupt();
    return false;
  }

  /**
   * Waits until {@code t} ends or {@code deadlineNanos} (a reading of {@link System#nanoTime()})
   * passes. An interrupt does not cut the wait short: it is reported instead, with the calling
   * thread's flag left cleared, so that a caller can finish a bounded shutdown and then restore it.
   *
   * @return whether the calling thread was interrupted while waiting
   */
  public static boolean joinUntil(Thread t, long deadlineNanos) {
    boolean interrupted = false;
    while (true) {
      long remaining = deadlineNanos - System.nanoTime();
      if (remaining <= 0 || !t.isAlive()) return interrupted;
      try {
        TimeUnit.NANOSECONDS.timedJoin(t, remaining);
      } catch (InterruptedException e) {
        interrupted = true;
      }
    }
  }
}
