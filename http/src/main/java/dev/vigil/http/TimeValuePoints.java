package dev.vigil.http;

import dev.vigil.SourceException;
import java.time.Instant;
import java.util.List;
import org.jspecify.annotations.Nullable;
import retrofit2.Call;

/**
 * Reads the {@code [timestamp, "value"]} points of Hetzner Cloud's time series and of
 * Prometheus-style matrices (DigitalOcean's monitoring API): the timestamp a JSON number of epoch
 * seconds, the value a string that must hold a finite decimal number. This is the one place where a
 * string becomes a number, by design: anything else ({@code "abc"}, {@code ""}, {@code "NaN"},
 * {@code null}, a missing element) is a {@link SourceException} of kind {@code BAD_DATA} naming the
 * URL and the JSON path of the point, never a sample.
 */
final class TimeValuePoints {
  private TimeValuePoints() {}

  /** One point read. */
  record Point(Instant time, double value) {}

  /**
   * Reads the point at {@code index} of {@code points}, whose JSON path is {@code path}.
   *
   * @throws SourceException if the point is not a pair of a number and a numeric string
   */
  static Point read(
      @Nullable List<?> points, int index, RetrofitSource.Calls calls, Call<?> call, String path)
      throws SourceException {
    String at = path + "[" + index + "]";
    Object raw = points == null || index >= points.size() ? null : points.get(index);
    if (!(raw instanceof List<?> pair) || pair.size() != 2) {
      throw calls.badData(
          call, at, "expected a [timestamp, \"value\"] pair but was " + describe(raw));
    }
    if (!(pair.get(0) instanceof Number seconds) || !Double.isFinite(seconds.doubleValue())) {
      throw calls.badData(
          call,
          at + "[0]",
          "expected a timestamp in epoch seconds but was " + describe(pair.get(0)));
    }
    double value = number(pair.get(1), calls, call, at + "[1]");
    long nanos = Math.round(seconds.doubleValue() * 1e9);
    return new Point(Instant.ofEpochSecond(0, nanos), value);
  }

  private static double number(
      @Nullable Object raw, RetrofitSource.Calls calls, Call<?> call, String path)
      throws SourceException {
    if (raw instanceof String s) {
      String t = s.trim();
      // Decimal numbers only: Double.parseDouble would also take "NaN", "Infinity", "0x1p3", "1d".
      if (isDecimal(t)) {
        double d = Double.parseDouble(t);
        if (Double.isFinite(d)) return d;
      }
    }
    throw calls.badData(call, path, "expected a number in a string but was " + describe(raw));
  }

  private static boolean isDecimal(String s) {
    int i = 0;
    int n = s.length();
    if (i < n && (s.charAt(i) == '-' || s.charAt(i) == '+')) i++;
    int digits = 0;
    while (i < n && Character.isDigit(s.charAt(i))) {
      i++;
      digits++;
    }
    if (i < n && s.charAt(i) == '.') {
      i++;
      while (i < n && Character.isDigit(s.charAt(i))) {
        i++;
        digits++;
      }
    }
    if (digits == 0) return false;
    if (i < n && (s.charAt(i) == 'e' || s.charAt(i) == 'E')) {
      i++;
      if (i < n && (s.charAt(i) == '-' || s.charAt(i) == '+')) i++;
      int exponent = 0;
      while (i < n && Character.isDigit(s.charAt(i))) {
        i++;
        exponent++;
      }
      if (exponent == 0) return false;
    }
    return i == n && n <= 64;
  }

  /** What a decoded JSON value is, for a message: strings quoted (the caller scrubs and cuts). */
  static String describe(@Nullable Object value) {
    if (value == null) return "null";
    if (value instanceof String s) return "STRING \"" + s + "\"";
    if (value instanceof Number n) return "NUMBER " + n;
    if (value instanceof Boolean b) return "BOOLEAN " + b;
    if (value instanceof List<?>) return "an ARRAY";
    return "an OBJECT";
  }
}
