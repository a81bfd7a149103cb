package dev.vigil;

import dev.vigil.internal.LogThrottle;
import dev.vigil.internal.Loggers;
import dev.vigil.internal.Strings;
import dev.vigil.internal.Throwables;
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
  private final LogThrottle throttle;

  PollLog(Ticker ticker) {
    this.throttle = LogThrottle.perMinute(ticker::read);
  }

  /** A poll of {@code source} threw {@code error}. */
  void pollFailed(String source, Throwable error) {
    String kind = Throwables.kind(error);
    long repeats = throttle.admit(source + "\0poll\0" + kind);
    if (repeats >= 0) {
      log.warn(
          "Source {} failed ({}): {}{}",
          source,
          kind,
          Throwables.message(error),
          LogThrottle.repeats(repeats));
    }
    if (log.isDebugEnabled()) log.debug("Source {} failed; stack trace:", source, error);
  }

  /**
   * A poll of {@code source} reported {@code count} failed resources through {@link
   * PollContext#reportError}, {@code first} and {@code firstError} being the first of them.
   */
  void resourcesFailed(String source, int count, String first, Exception firstError) {
    String kind = Throwables.kind(firstError);
    long repeats = throttle.admit(source + "\0resources\0" + kind);
    if (repeats >= 0) {
      log.warn(
          "Source {}: {} resource(s) failed ({}), first {}: {}{}",
          source,
          count,
          kind,
          Strings.escape(first, 200),
          Throwables.message(firstError),
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
}
