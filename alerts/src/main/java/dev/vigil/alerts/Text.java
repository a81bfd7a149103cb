package dev.vigil.alerts;

/**
 * Escaping and sanitizing of untrusted text (labels, summaries, resource names) before it goes into
 * a log line or a mail header, so that it can never start a line of its own.
 */
final class Text {
  private Text() {}

  /**
   * Returns true for characters that could break a line, a header or a terminal: C0 and C1 controls
   * (CR, LF, TAB, NEL...), DEL, Unicode line and paragraph separators, invisible format characters
   * (such as bidirectional overrides) and unpaired surrogates. The zero-width joiner and non-joiner
   * (U+200D, U+200C) are format characters too, but safe: they join emoji sequences (👩‍💻) and
   * letters of Indic and Persian scripts, and can neither end a line nor reorder text.
   */
  static boolean isUnsafe(int codePoint) {
    if (codePoint == 0x200D || codePoint == 0x200C) return false;
    return switch (Character.getType(codePoint)) {
      case Character.CONTROL,
          Character.FORMAT,
          Character.LINE_SEPARATOR,
          Character.PARAGRAPH_SEPARATOR,
          Character.SURROGATE ->
          true;
      default -> false;
    };
  }

  /** Returns true if {@code s} holds a character for which {@link #isUnsafe} is true. */
  static boolean hasUnsafe(String s) {
    return s.codePoints().anyMatch(Text::isUnsafe);
  }

  /**
   * Returns {@code s} with every unsafe character escaped as {@code \n}, {@code \r}, {@code \t} or
   * {@code \}{@code uXXXX}; other characters are kept. Backslashes are kept as they are, so use
   * {@link #logValue} where the result must be unambiguous.
   */
  static String escape(String s) {
    if (!hasUnsafe(s)) return s;
    StringBuilder out = new StringBuilder(s.length() + 16);
    appendEscaped(out, s, false);
    return out.toString();
  }

  /**
   * Returns a log value: {@code s} as is when it consists of safe characters other than space,
   * {@code "}, {@code \}, {@code =}, {@code ,}, <code>{</code> and <code>}</code>; otherwise
   * quoted, with {@code "} and {@code \} escaped too. An empty value becomes {@code ""}.
   */
  static String logValue(String s) {
    if (!s.isEmpty() && s.codePoints().noneMatch(Text::needsQuotes)) return s;
    StringBuilder out = new StringBuilder(s.length() + 16).append('"');
    appendEscaped(out, s, true);
    return out.append('"').toString();
  }

  /**
   * Returns {@code s} fit for a mail header: every run of unsafe characters (CR, LF and the others)
   * becomes one space, so that the text can never end the header and start another.
   */
  static String headerSafe(String s) {
    if (!hasUnsafe(s)) return s;
    StringBuilder out = new StringBuilder(s.length());
    boolean inRun = false;
    for (int i = 0; i < s.length(); ) {
      int cp = s.codePointAt(i);
      i += Character.charCount(cp);
      if (isUnsafe(cp)) {
        if (!inRun) out.append(' ');
        inRun = true;
      } else {
        out.appendCodePoint(cp);
        inRun = false;
      }
    }
    return out.toString();
  }

  private static boolean needsQuotes(int cp) {
    return Character.isWhitespace(cp)
        || Character.isSpaceChar(cp)
        || cp == '"'
        || cp == '\\'
        || cp == '='
        || cp == ','
        || cp == '{'
        || cp == '}'
        || isUnsafe(cp);
  }

  private static void appendEscaped(StringBuilder out, String s, boolean quoted) {
    for (int i = 0; i < s.length(); ) {
      int cp = s.codePointAt(i);
      i += Character.charCount(cp);
      if (cp == '\n') {
        out.append("\\n");
      } else if (cp == '\r') {
        out.append("\\r");
      } else if (cp == '\t') {
        out.append("\\t");
      } else if (quoted && (cp == '"' || cp == '\\')) {
        out.append('\\').appendCodePoint(cp);
      } else if (isUnsafe(cp)) {
        // Only BMP code points are unsafe (controls, separators, lone surrogates) except for a
        // few FORMAT characters in the supplementary planes; escape those as a surrogate pair.
        for (char c : Character.toChars(cp)) out.append(String.format("\\u%04x", (int) c));
      } else {
        out.appendCodePoint(cp);
      }
    }
  }
}
