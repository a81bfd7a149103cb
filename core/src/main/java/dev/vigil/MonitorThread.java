package dev.vigil;

/**
 * Marks the threads on which the monitor runs user code (polls, sink deliveries, listener calls
 * from those), so that a {@code close()} called there never waits on its own thread.
 */
final class MonitorThread {
  private static final ThreadLocal<Integer> DEPTH = ThreadLocal.withInitial(() -> 0);

  private MonitorThread() {}

  /** Runs {@code r} marked as a monitor thread. */
  static void run(Runnable r) {
    DEPTH.set(DEPTH.get() + 1);
    try {
      r.run();
    } finally {
      int d = DEPTH.get() - 1;
      if (d == 0) DEPTH.remove();
      else DEPTH.set(d);
    }
  }

  /** Whether the calling thread is running monitor work now. */
  static boolean current() {
    return DEPTH.get() > 0;
  }
}
