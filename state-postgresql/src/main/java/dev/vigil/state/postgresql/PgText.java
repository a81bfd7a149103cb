package dev.vigil.state.postgresql;

/**
 * Maps any Java string to text PostgreSQL accepts, and back. PostgreSQL {@code text} holds neither
 * U+0000 nor a lone UTF-16 surrogate (its UTF-8 would be invalid), and a {@link
 * dev.vigil.state.StateStore} must keep any text. Text without them, the usual case, is stored as
 * it is, so the table stays readable in {@code psql}; other text is stored as a marker ({@code
 * U+FFFF}, a noncharacter) followed by an escaped form in which {@code \} is {@code \\}, U+0000 is
 * {@code \0} and a lone surrogate is a backslash, {@code u} and four hex digits. Text that itself
 * starts with the marker is escaped too, so the mapping is one to one: equal strings map to equal
 * text, which is what {@code replace(expected)} and the primary key compare.
 *
 * <p>Stateless and thread safe.
 */
final class PgText {
  static final char MARKER = '\uFFFF';

  private PgText() {}

  /** The text to store for {@code s}. */
  static String encode(String s) {
    if (!needsEscape(s)) return s;
    StringBuilder out = new StringBuilder(s.length() + 16).append(MARKER);
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c == '\\') {
        out.append("\\\\");
      } else if (c == '\u0000') {
        out.append("\\0");
      } else if (Character.isHighSurrogate(c)
          && i + 1 < s.length()
          && Character.isLowSurrogate(s.charAt(i + 1))) {
        out.append(c).append(s.charAt(++i));
      } else if (Character.isSurrogate(c)) {
        out.append(String.format("\\u%04x", (int) c));
      } else {
        out.append(c);
      }
    }
    return out.toString();
  }

  /**
   * The string that {@link #encode} mapped to {@code stored}.
   *
   * @throws IllegalArgumentException if {@code stored} starts with the marker but is not an escaped
   *     form (a row that Vigil did not write)
   */
  static String decode(String stored) {
    if (stored.isEmpty() || stored.charAt(0) != MARKER) return stored;
    StringBuilder out = new StringBuilder(stored.length());
    for (int i = 1; i < stored.length(); i++) {
      char c = stored.charAt(i);
      if (c != '\\') {
        out.append(c);
        continue;
      }
      if (i + 1 >= stored.length()) throw malformed(i);
      char next = stored.charAt(++i);
      if (next == '\\') {
        out.append('\\');
      } else if (next == '0') {
        out.append('\u0000');
      } else if (next == 'u' && i + 4 < stored.length()) {
        try {
          out.append((char) Integer.parseInt(stored.substring(i + 1, i + 5), 16));
        } catch (NumberFormatException e) {
          throw malformed(i);
        }
        i += 4;
      } else {
        throw malformed(i);
      }
    }
    return out.toString();
  }

  private static boolean needsEscape(String s) {
    if (!s.isEmpty() && s.charAt(0) == MARKER) return true;
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c == '\u0000') return true;
      if (Character.isHighSurrogate(c)
          && i + 1 < s.length()
          && Character.isLowSurrogate(s.charAt(i + 1))) {
        i++;
      } else if (Character.isSurrogate(c)) {
        return true;
      }
    }
    return false;
  }

  private static IllegalArgumentException malformed(int index) {
    return new IllegalArgumentException("not an escaped Vigil text: bad escape at index " + index);
  }
}
