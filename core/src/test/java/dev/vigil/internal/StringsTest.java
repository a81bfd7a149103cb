package dev.vigil.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class StringsTest {

  @Test
  void plainTextIsReturnedAsItIs() {
    String s = "vm-000001 in eu-west-1: 42.5 % “ok” ✓";
    assertThat(Strings.escape(s, 100)).isSameAs(s);
  }

  @Test
  void lineBreaksTabsAndBackslashesAreEscapedSoOneValueStaysOnOneLine() {
    assertThat(Strings.escape("a\nb\rc\td\\e", 100)).isEqualTo("a\\nb\\rc\\td\\\\e");
  }

  @Test
  void otherControlCharactersBecomeUnicodeEscapes() {
    assertThat(Strings.escape("\u0000\u001b[31m\u007f\u0085\u2028\u2029", 100))
        .isEqualTo("\\u0000\\u001b[31m\\u007f\\u0085\\u2028\\u2029");
  }

  @Test
  void forgedLogLineEndsUpOnTheSameLine() {
    String escaped = Strings.escape("x\n2026-11-24 00:00:00 ERROR forged line", 100);
    assertThat(escaped).doesNotContain("\n").isEqualTo("x\\n2026-11-24 00:00:00 ERROR forged line");
  }

  @Test
  void longTextIsCutAndSaysHowMuchWasLeftOut() {
    assertThat(Strings.escape("abcdefghij", 4)).isEqualTo("abcd…(6 more chars)");
    assertThat(Strings.escape("abcd", 4)).isEqualTo("abcd");
    assertThat(Strings.escape("ab", 0)).isEqualTo("…(2 more chars)");
  }

  @Test
  void cutIsCountedOnTheOriginalTextNotOnItsEscapes() {
    assertThat(Strings.escape("\n\n\n\n\n", 2)).isEqualTo("\\n\\n…(3 more chars)");
  }

  @Test
  void cutNeverSplitsASurrogatePair() {
    String s = "ab\uD83D\uDE00cd"; // an emoji, two chars, at index 2 and 3
    assertThat(Strings.escape(s, 3)).isEqualTo("ab…(4 more chars)");
    assertThat(Strings.escape(s, 4)).isEqualTo("ab\uD83D\uDE00…(2 more chars)");
  }

  @Test
  void negativeMaxLengthIsRejected() {
    assertThatThrownBy(() -> Strings.escape("x", -1))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("-1");
  }
}
