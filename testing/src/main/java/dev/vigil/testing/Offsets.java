package dev.vigil.testing;

import java.time.Duration;
import java.time.temporal.ChronoUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * Offsets from the start of a script, written like Prometheus durations: {@code 0}, {@code 0s},
 * {@code 90s}, {@code 1m30s}, {@code 2h}, {@code 1d}, {@code 250ms}. Units: {@code d}, {@code h},
 * {@code m}, {@code s}, {@code ms}, each at most once and largest first.
 */
final class Offsets {
  private static final Pattern PART = Pattern.compile("(\\d{1,9})(ms|s|m|h|d)");
  private static final String[] UNITS = {"d", "h", "m", "s", "ms"};
  private static final ChronoUnit[] CHRONO_UNITS = {
    ChronoUnit.DAYS, ChronoUnit.HOURS, ChronoUnit.MINUTES, ChronoUnit.SECONDS, ChronoUnit.MILLIS
  };

  private Offsets() {}

  /** Parses {@code text}, or returns null if it is not an offset. */
  static @Nullable Duration parse(String text) {
    if (text.equals("0")) return Duration.ZERO;
    if (text.isEmpty()) return null;
    Matcher m = PART.matcher(text);
    Duration total = Duration.ZERO;
    int position = 0;
    int lastUnit = -1;
    while (position < text.length()) {
      if (!m.find(position) || m.start() != position) return null;
      int unit = indexOf(m.group(2));
      if (unit <= lastUnit) return null; // repeated or out of order, such as 1s1m
      total = total.plus(Long.parseLong(m.group(1)), CHRONO_UNITS[unit]);
      lastUnit = unit;
      position = m.end();
    }
    return total;
  }

  /**
   * Formats {@code offset} as {@link #parse} reads it, such as {@code 1m30s}; {@code 0s} if zero.
   */
  static String format(Duration offset) {
    if (offset.isZero()) return "0s";
    if (offset.isNegative() || offset.toNanosPart() % 1_000_000 != 0) return offset.toString();
    StringBuilder out = new StringBuilder();
    Duration rest = offset;
    for (int i = 0; i < UNITS.length; i++) {
      long count = rest.dividedBy(CHRONO_UNITS[i].getDuration());
      if (count > 0) {
        out.append(count).append(UNITS[i]);
        rest = rest.minus(CHRONO_UNITS[i].getDuration().multipliedBy(count));
      }
    }
    return out.toString();
  }

  private static int indexOf(String unit) {
    for (int i = 0; i < UNITS.length; i++) {
      if (UNITS[i].equals(unit)) return i;
    }
    throw new AssertionError(unit);
  }
}
