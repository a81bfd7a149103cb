package dev.vigil;

import dev.vigil.internal.LogThrottle;
import dev.vigil.internal.Loggers;
import dev.vigil.internal.Strings;
import org.slf4j.Logger;

/**
 * What polling writes to the log ({@code dev.vigil.poll}). A failed poll is one WARN line naming
 * the source, the kind of failure and its cause; its stack trace goes to DEBUG. The resources that
 * failed in one poll are one line together. The same failure repeating is logged once, then at most
 * once a minute with a count of the repeats ({@link LogThrottle}); the listener and {@code stats()}
 * still see every one. Thread safe.
 */
final class PollLog {
  private static final Logger log = Loggers.POLL;
  private static final int MAX_MESSAGE = 500;

  private final LogThrottle throttle;

  PollLog(Ticker ticker) {
    this.throttle = LogThrottle.perMinute(ticker::read);
  }

  /** A poll of {@code source} threw {@code error}. */
  void pollFailed(String source, Throwable error) {
    String kind = kind(error);
    long repeats = throttle.admit(source + "\0poll\0" + kind);
    if (repeats >= 0) {
      log.warn(
          "Source {} failed ({}): {}{}",
          source,
          kind,
          message(error),
          LogThrottle.repeats(repeats));
    }
    if (log.isDebugEnabled()) log.debug("Source {} failed; stack trace:", source, error);
  }

  /**
   * A poll of {@code source} reported {@code count} failed resources through {@link
   * PollContext#reportError}, {@code first} and {@code firstError} being the first of them.
   */
  void resourcesFailed(String source, int count, String first, Exception firstError) {
    String kind = kind(firstError);
    long repeats = throttle.admit(source + "\0resources\0" + kind);
    if (repeats >= 0) {
      log.warn(
          "Source {}: {} resource(s) failed ({}), first {}: {}{}",
          source,
          count,
          kind,
          Strings.escape(first, 200),
          message(firstError),
          LogThrottle.repeats(repeats));
    }
    if (log.isDebugEnabled()) {
      log.debug("Source {} failed for {}; stack trace:", source, first, firstError);
    }
  }

  /** The poll of {@code source} took so long that {@code skipped} ticks were skipped. */
  void ticksSkipped(String source, int skipped) {
    long repeats = throttle.admit(source + "\0skipped");
    if (repeats >= 0) {
      log.warn(
          "Source {} polled longer than its schedule; {} tick(s) skipped{}",
          source,
          skipped,
          LogThrottle.repeats(repeats));
    }
  }

  /**
   * The kind of failure, for the log line and for telling repeats apart: a {@link
   * SourceException}'s kind (with its HTTP status), or the exception's class.
   */
  static String kind(Throwable error) {
    if (error instanceof SourceException e) {
      return e.httpStatus() > 0 ? e.kind() + " " + e.httpStatus() : e.kind().toString();
    }
    return error.getClass().getName();
  }

  /** The exception's message, on one line and cut to a bounded length; its class if it has none. */
  static String message(Throwable error) {
    String m = error.getMessage();
    return Strings.escape(m == null || m.isBlank() ? error.getClass().getName() : m, MAX_MESSAGE);
  }
}
