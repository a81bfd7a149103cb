package dev.vigil.state.postgresql;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class PgTextTest {
  private static final List<String> TRICKY =
      List.of(
          "",
          "plain",
          "{\"json\":\"with \\\\ backslash\"}",
          "\u0000",
          "a\u0000b\\0",
          "\\0",
          "lone high \uD800",
          "lone low \uDC00 at end",
          "\uDC00\uD800 reversed pair",
          "pair 👩‍💻 ok",
          PgText.MARKER + "",
          PgText.MARKER + "\\\\",
          PgText.MARKER + "plain",
          "\\u0041");

  @Test
  void textPostgresCanHoldIsStoredAsItIs() {
    for (String s : List.of("", "plain", "line\nline\r\n\ttab", "pair 👩‍💻 ü", "\\0 \\u0041")) {
      assertThat(PgText.encode(s)).isEqualTo(s);
    }
  }

  @Test
  void everyStringRoundTripsAndNoTwoMapToTheSameText() {
    Set<String> encoded = new HashSet<>();
    for (String s : TRICKY) {
      String e = PgText.encode(s);
      assertThat(PgText.decode(e)).as("round trip of %s", List.of(s)).isEqualTo(s);
      assertThat(e).doesNotContain("\u0000");
      assertThat(hasLoneSurrogate(e)).as("lone surrogate in %s", e).isFalse();
      encoded.add(e);
    }
    assertThat(encoded).hasSameSizeAs(TRICKY);
  }

  @Test
  void aMarkedTextThatVigilDidNotWriteIsRefused() {
    for (String bad :
        List.of(PgText.MARKER + "\\", PgText.MARKER + "\\x", PgText.MARKER + "\\uZZZZ")) {
      assertThatIllegalArgumentException().isThrownBy(() -> PgText.decode(bad));
    }
  }

  private static boolean hasLoneSurrogate(String s) {
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
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
}
