package dev.vigil.alerts;

import java.io.IOException;
import java.util.List;

/**
 * Keeps credentials out of the HTTP sinks' error text: a webhook URL's path, tokens, header values
 * and routing keys are replaced by {@code ****} before the text is escaped onto one line.
 */
final class Secrets {
  private Secrets() {}

  /** Returns {@code text} with every secret (longest first) replaced, on one line. */
  static String scrub(String text, List<String> secrets) {
    String clean = text;
    for (String secret : secrets) {
      if (!secret.isEmpty()) clean = clean.replace(secret, "****");
    }
    return Text.escape(clean.strip());
  }

  /**
   * Returns an {@link IOException} saying {@code what} and why ({@code cause}'s class and scrubbed
   * message, and those of its causes). The cause itself is kept only when no secret appears in the
   * messages of its chain: a JDK message could quote the URL.
   */
  static IOException scrubbedIo(String what, Throwable cause, List<String> secrets) {
    StringBuilder text = new StringBuilder(what);
    boolean leaks = false;
    int depth = 0;
    for (Throwable t = cause; t != null && depth < 5; t = t.getCause(), depth++) {
      String m = String.valueOf(t.getMessage());
      for (String s : secrets) leaks |= !s.isEmpty() && m.contains(s);
      text.append(depth == 0 ? ": " : "; caused by ")
          .append(t.getClass().getSimpleName())
          .append(t.getMessage() == null ? "" : ": " + scrub(m, secrets));
      if (t.getCause() == t) break;
    }
    return leaks ? new IOException(text.toString()) : new IOException(text.toString(), cause);
  }
}
