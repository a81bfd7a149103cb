package dev.vigil.internal;

import static java.util.Objects.requireNonNull;

import java.time.Duration;

/** The one way builders validate durations, with messages that name the setting. */
public final class Durations {
  private Durations() {}

  private static final Duration MAX_TIMEOUT = Duration.ofMillis(Integer.MAX_VALUE);

  /**
   * Returns {@code d} if it is positive.
   *
   * @throws NullPointerException {@code "setting == null"}
   * @throws IllegalArgumentException {@code "setting must be positive: PT0S"}
   */
  public static Duration positive(Duration d, String setting) {
    requireNonNull(d, setting + " == null");
    if (d.isNegative() || d.isZero())
      throw new IllegalArgumentException(setting + " must be positive: " + d);
    return d;
  }

  /**
   * Returns {@code d} if it is zero or positive.
   *
   * @throws NullPointerException {@code "setting == null"}
   * @throws IllegalArgumentException {@code "setting is negative: PT-1S"}
   */
  public static Duration nonNegative(Duration d, String setting) {
    requireNonNull(d, setting + " == null");
    if (d.isNegative()) throw new IllegalArgumentException(setting + " is negative: " + d);
    return d;
  }

  /**
   * Returns {@code d} if it is a usable I/O timeout: positive and at most {@link Integer#MAX_VALUE}
   * milliseconds, the most that socket APIs take.
   *
   * @throws NullPointerException {@code "setting == null"}
   * @throws IllegalArgumentException if {@code d} is not positive or too long
   */
  public static Duration timeout(Duration d, String setting) {
    positive(d, setting);
    if (d.compareTo(MAX_TIMEOUT) > 0) {
      throw new IllegalArgumentException(setting + " must be at most " + MAX_TIMEOUT + ": " + d);
    }
    return d;
  }
}
