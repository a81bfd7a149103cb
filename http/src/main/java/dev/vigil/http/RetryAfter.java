package dev.vigil.http;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import org.jspecify.annotations.Nullable;

/**
 * Parses the {@code Retry-After} header of RFC 9110 section 10.2.3: either delta-seconds ({@code
 * Retry-After: 120}) or an HTTP-date ({@code Retry-After: Fri, 31 Dec 1999 23:59:59 GMT}), read
 * against the source's clock. Anything else is ignored (null), as the RFC lets a recipient do.
 */
final class RetryAfter {
  private RetryAfter() {}

  /** Longer than any sensible wait; keeps the arithmetic far from overflow. */
  private static final long MAX_SECONDS = 365L * 24 * 3600;

  /**
   * Returns how long the server asked to wait, zero for a date in the past, or null if the header
   * is missing or not one of the two forms.
   */
  static @Nullable Duration parse(@Nullable String header, Clock clock) {
    if (header == null) return null;
    String value = header.trim();
    if (value.isEmpty()) return null;
    if (isDigits(value)) {
      if (value.length() > 12) return Duration.ofSeconds(MAX_SECONDS);
      return Duration.ofSeconds(Math.min(Long.parseLong(value), MAX_SECONDS));
    }
    Instant at;
    try {
      // IMF-fixdate, which RFC 1123 covers; the obsolete RFC 850 and asctime forms are ignored.
      at = ZonedDateTime.parse(value, DateTimeFormatter.RFC_1123_DATE_TIME).toInstant();
    } catch (DateTimeParseException e) {
      return null;
    }
    Duration wait = Duration.between(clock.instant(), at);
    if (wait.isNegative()) return Duration.ZERO;
    return wait.toSeconds() > MAX_SECONDS ? Duration.ofSeconds(MAX_SECONDS) : wait;
  }

  private static boolean isDigits(String s) {
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c < '0' || c > '9') return false;
    }
    return true;
  }
}
