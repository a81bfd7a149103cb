package dev.vigil;

/**
 * A monotonic time source in nanoseconds, for intervals (schedules, timeouts), never for
 * timestamps. Only differences between two readings mean something.
 *
 * <p>Production code uses {@link #system()}. Tests inject a ticker they advance by hand; a monitor
 * with a non-system ticker re-reads it at least every millisecond, so advancing it is seen at once
 * without any sleeping in the test.
 *
 * <p>Implementations must be thread safe.
 */
@FunctionalInterface
public interface Ticker {

  /** Returns the current reading in nanoseconds. */
  long read();

  /** The ticker of {@link System#nanoTime()}. */
  static Ticker system() {
    return SystemTicker.INSTANCE;
  }
}

enum SystemTicker implements Ticker {
  INSTANCE;

  @Override
  public long read() {
    return System.nanoTime();
  }

  @Override
  public String toString() {
    return "Ticker.system()";
  }
}
