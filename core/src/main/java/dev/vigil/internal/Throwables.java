package dev.vigil.internal;

import dev.vigil.SourceException;

/**
 * The one rule for user callbacks (catch everything but a dying VM), and how a failure is named in
 * one log line.
 */
public final class Throwables {
  private static final int MAX_MESSAGE = 500;

  private Throwables() {}

  /** Rethrows {@code t} if it is a {@link VirtualMachineError}; otherwise returns. */
  public static void rethrowIfFatal(Throwable t) {
    if (t instanceof VirtualMachineError fatal) throw fatal;
  }

  /**
   * The kind of failure, for a log line and for telling repeats apart ({@link LogThrottle} keys): a
   * {@link SourceException}'s kind (with its HTTP status), or the exception's class.
   */
  public static String kind(Throwable error) {
    if (error instanceof SourceException e) {
      return e.httpStatus() > 0 ? e.kind() + " " + e.httpStatus() : e.kind().toString();
    }
    return error.getClass().getName();
  }

  /** The exception's message, on one line and cut to a bounded length; its class if it has none. */
  public static String message(Throwable error) {
    String m = error.getMessage();
    return Strings.escape(m == null || m.isBlank() ? error.getClass().getName() : m, MAX_MESSAGE);
  }
}
