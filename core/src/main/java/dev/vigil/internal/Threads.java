package dev.vigil.internal;

import java.util.concurrent.TimeUnit;

/** Thread helpers for bounded shutdowns. */
public final class Threads {
  private Threads() {}

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
