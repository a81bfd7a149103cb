package dev.vigil.http;

import java.util.Locale;
import org.jspecify.annotations.Nullable;

/**
 * Reads RFC 8288 {@code Link} header values: {@code <uri>; rel="next", <uri2>; rel="last"}. Only
 * what pagination needs: the target of the first link whose {@code rel} (a space-separated list of
 * relation types, compared case-insensitively, RFC 8288 section 3.3) holds {@code next}.
 */
final class LinkHeaders {
  private LinkHeaders() {}

  /** The target of the {@code next} link in {@code header}, as written, or null if none. */
  static @Nullable String next(String header) {
    int i = 0;
    int n = header.length();
    while (i < n) {
      int open = header.indexOf('<', i);
      if (open < 0) return null;
      int close = header.indexOf('>', open + 1);
      if (close < 0) return null;
      String target = header.substring(open + 1, close).trim();
      // Parameters up to the next comma outside a quoted string.
      int j = close + 1;
      boolean quoted = false;
      StringBuilder params = new StringBuilder();
      for (; j < n; j++) {
        char c = header.charAt(j);
        if (c == '"') quoted = !quoted;
        else if (c == '\\' && quoted && j + 1 < n) c = header.charAt(++j);
        else if (c == ',' && !quoted) break;
        params.append(c);
      }
      if (isNext(params.toString())) return target;
      i = j + 1;
    }
    return null;
  }

  private static boolean isNext(String params) {
    for (String param : params.split(";", -1)) {
      int eq = param.indexOf('=');
      if (eq < 0) continue;
      if (!param.substring(0, eq).trim().equalsIgnoreCase("rel")) continue;
      String value = param.substring(eq + 1).trim();
      if (value.length() >= 2 && value.startsWith("\"") && value.endsWith("\"")) {
        value = value.substring(1, value.length() - 1);
      }
      for (String rel : value.trim().split("\\s+", -1)) {
        if (rel.toLowerCase(Locale.ROOT).equals("next")) return true;
      }
      return false; // RFC 8288 3.3: only the first rel parameter counts
    }
    return false;
  }
}
