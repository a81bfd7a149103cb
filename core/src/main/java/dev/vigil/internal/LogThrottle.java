package dev.vigil.internal;

import static java.util.Objects.requireNonNull;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.LongSupplier;

/**
 * Decides which occurrences of a repeating problem are worth a log line: the first one, then at
 * most one per period, which reports how many were left out since the line before. A source that
 * fails every poll, or a sink that drops ten thousand notifications, so writes a few lines a minute
 * instead of one per occurrence; {@code stats()} and the listener still see every one.
 *
 * <p>Occurrences are grouped by a key the caller chooses (for example source name and failure
 * kind). At most {@code maxKeys} keys are remembered, the least recently logged ones are forgotten
 * first, so a key made of unbounded data cannot grow memory. Time is read from a monotonic ticker
 * in nanoseconds, so a wall-clock step neither silences nor floods the log.
 *
 * <p>Thread safe.
 */
public final class LogThrottle {
  private final LongSupplier nanoTicker;
  private final long periodNanos;
  private final Map<String, Window> windows;

  /**
   * @param nanoTicker monotonic time in nanoseconds, such as the monitor's ticker
   * @param period the least time between two lines for one key
   * @param maxKeys how many keys to remember at most
   */
  public LogThrottle(LongSupplier nanoTicker, Duration period, int maxKeys) {
    this.nanoTicker = requireNonNull(nanoTicker, "nanoTicker == null");
    this.periodNanos = Durations.positive(period, "period").toNanos();
    if (maxKeys < 1) throw new IllegalArgumentException("maxKeys < 1: " + maxKeys);
    this.windows =
        new LinkedHashMap<>(16, 0.75f, true) {
          private static final long serialVersionUID = 1L;

          @Override
          protected boolean removeEldestEntry(Map.Entry<String, Window> eldest) {
            return size() > maxKeys;
          }
        };
  }

  /** A throttle with a period of one minute that remembers up to 1,000 keys. */
  public static LogThrottle perMinute(LongSupplier nanoTicker) {
    return new LogThrottle(nanoTicker, Duration.ofMinutes(1), 1_000);
  }

  /**
   * Records one occurrence of {@code key} and says whether to log it.
   *
   * @return {@code -1} to stay silent (the occurrence is counted); otherwise log now, and the value
   *     is how many occurrences were left out since the previous line for this key (0 for the first
   *     one)
   */
  public synchronized long admit(String key) {
    long now = nanoTicker.getAsLong();
    Window w = windows.get(key);
    if (w == null) {
      windows.put(key, new Window(now));
      return 0;
    }
    if (now - w.loggedAt < periodNanos) {
      w.suppressed++;
      return -1;
    }
    long suppressed = w.suppressed;
    w.loggedAt = now;
    w.suppressed = 0;
    return suppressed;
  }

  /**
   * The words to append to a line that {@link #admit} let through: empty for a first occurrence,
   * otherwise how many like it were left out, such as {@code " (and 998 more like it since the last
   * report)"}.
   */
  public static String repeats(long suppressed) {
    if (suppressed <= 0) return "";
    return " (and " + suppressed + " more like it since the last report)";
  }

  private static final class Window {
    long loggedAt;
    long suppressed;

    Window(long loggedAt) {
      this.loggedAt = loggedAt;
    }
  }
}
