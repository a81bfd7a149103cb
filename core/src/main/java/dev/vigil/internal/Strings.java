package dev.vigil.internal;

import org.jspecify.annotations.Nullable;

/** Text helpers for putting outside-world text into messages and log lines safely. */
public final class Strings {
  private Strings() {}

  /**
   * Returns {@code s} safe to embed in one log line or exception message: a backslash becomes
   * {@code \\}, CR, LF and tab become {@code \r}, {@code \n} and {@code \t}, and every other
   * control character (C0, DEL, C1, and the Unicode line and paragraph separators) becomes {@code
   * \}{@code uXXXX}. Text longer than {@code maxLength} characters is cut there and followed by
   * {@code …(N more chars)}, N counting the characters of {@code s} left out.
   *
   * @throws IllegalArgumentException if {@code maxLength} is negative
   */
  public static String escape(String s, int maxLength) {
    if (maxLength < 0)
      throw new IllegalArgumentException("maxLength must not be negative: " + maxLength);
    int end = Math.min(s.length(), maxLength);
    if (end < s.length() && end > 0 && Character.isHighSurrogate(s.charAt(end - 1))) end--;
    StringBuilder out = null;
    for (int i = 0; i < end; i++) {
      char c = s.charAt(i);
      String replacement = replacement(c);
      if (replacement == null) {
        if (out != null) out.append(c);
      } else {
        if (out == null) out = new StringBuilder(end + 16).append(s, 0, i);
        out.append(replacement);
      }
    }
    if (end == s.length()) return out == null ? s : out.toString();
    if (out == null) out = new StringBuilder(end + 24).append(s, 0, end);
    return out.append("…(").append(s.length() - end).append(" more chars)").toString();
  }

  private static @Nullable String replacement(char c) {
    return switch (c) {
      case '\\' -> "\\\\";
      case '\r' -> "\\r";
      case '\n' -> "\\n";
      case '\t' -> "\\t";
      default ->
          (c < 0x20 || (c >= 0x7f && c <= 0x9f) || c == '\u2028' || c == '\u2029')
              ? String.format("\\u%04x", (int) c)
              : null;
    };
  }
}
