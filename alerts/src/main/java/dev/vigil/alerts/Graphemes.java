package dev.vigil.alerts;

import java.text.BreakIterator;
import java.util.Locale;

/**
 * Cuts text on grapheme-cluster boundaries, so that a cut never splits a surrogate pair, an emoji
 * sequence joined by U+200D ZERO WIDTH JOINER (👩‍💻), a flag, or a letter from its combining
 * marks. The JDK's {@link BreakIterator#getCharacterInstance} follows extended grapheme clusters
 * from Java 20 on; on Java 17 it keeps surrogate pairs and combining marks but may split ZWJ
 * sequences and emoji modifiers, which {@link #cut} repairs by never ending on a joiner, a
 * variation selector, a modifier or before one.
 */
final class Graphemes {
  private Graphemes() {}

  private static final String ELLIPSIS = "…";

  /**
   * Returns {@code s} if it has at most {@code max} UTF-16 units, else its longest prefix of whole
   * graphemes that leaves room for {@code …}, followed by {@code …}.
   */
  static String cut(String s, int max) {
    if (max < 2) throw new IllegalArgumentException("max must be at least 2: " + max);
    if (s.length() <= max) return s;
    int limit = max - ELLIPSIS.length();
    BreakIterator it = BreakIterator.getCharacterInstance(Locale.ROOT);
    it.setText(s);
    int end = it.preceding(limit + 1);
    if (end == BreakIterator.DONE) end = 0;
    // Java 17 may break inside an emoji sequence: step back until the boundary is a real one.
    while (end > 0 && !isBoundary(s, end)) {
      int prev = it.preceding(end);
      end = prev == BreakIterator.DONE ? 0 : prev;
    }
    return s.substring(0, end) + ELLIPSIS;
  }

  /** False if {@code s} cannot be cut before index {@code i}. */
  static boolean isBoundary(String s, int i) {
    if (i <= 0 || i >= s.length()) return true;
    if (Character.isLowSurrogate(s.charAt(i)) && Character.isHighSurrogate(s.charAt(i - 1))) {
      return false;
    }
    int before = s.codePointBefore(i);
    int after = s.codePointAt(i);
    if (before == 0x200D || after == 0x200D) return false; // ZERO WIDTH JOINER
    if (isExtender(after)) return false;
    // Two regional indicators make one flag; an odd run before i means i splits a flag.
    if (isRegionalIndicator(before) && isRegionalIndicator(after)) {
      int run = 0;
      for (int j = i; j > 0 && isRegionalIndicator(s.codePointBefore(j)); ) {
        run++;
        j -= Character.charCount(s.codePointBefore(j));
      }
      return run % 2 == 0;
    }
    return true;
  }

  /** Code points that attach to the one before: marks, variation selectors, emoji modifiers. */
  private static boolean isExtender(int cp) {
    int type = Character.getType(cp);
    return type == Character.NON_SPACING_MARK
        || type == Character.ENCLOSING_MARK
        || type == Character.COMBINING_SPACING_MARK
        || (cp >= 0xFE00 && cp <= 0xFE0F) // variation selectors
        || (cp >= 0xE0100 && cp <= 0xE01EF)
        || (cp >= 0x1F3FB && cp <= 0x1F3FF) // skin tone modifiers
        || (cp >= 0xE0020 && cp <= 0xE007F); // tag characters (subdivision flags)
  }

  private static boolean isRegionalIndicator(int cp) {
    return cp >= 0x1F1E6 && cp <= 0x1F1FF;
  }
}
