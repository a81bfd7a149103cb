package dev.vigil;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class MatcherTest {
  private static final Map<String, String> VM_1 =
      Map.of("alertname", "HighCpu", "resource", "vm-1", "severity", "WARNING");

  @ParameterizedTest(name = "{0} on resource=vm-1 -> {1}")
  @CsvSource(
      delimiter = ';',
      value = {
        "resource=\"vm-1\"      ; true",
        "resource=\"vm-10\"     ; false",
        "resource!=\"vm-1\"     ; false",
        "resource!=\"vm-2\"     ; true",
        "resource=~\"vm-1\"     ; true",
        "resource=~\"vm-\"      ; false",
        "resource=~\"m-1\"      ; false",
        "resource=~\"vm-.*\"    ; true",
        "resource=~\".*-1\"     ; true",
        "resource=~\"vm-1|vm-2\" ; true",
        "resource!~\"vm-.*\"    ; false",
        "resource!~\"db-.*\"    ; true",
      })
  void regexesAreAnchoredAtBothEnds(String matcher, boolean expected) {
    assertThat(Matcher.parse(matcher).matches(VM_1)).isEqualTo(expected);
  }

  @ParameterizedTest(name = "{0} on labels without team -> {1}")
  @CsvSource(
      delimiter = '|',
      value = {
        "team=\"\"       | true",
        "team=\"db\"     | false",
        "team!=\"db\"    | true",
        "team!=\"\"      | false",
        "team=~\".*\"    | true",
        "team=~\".+\"    | false",
        "team!~\".+\"    | true",
        "team!~\"db\"    | true",
      })
  void missingLabelMatchesAsTheEmptyString(String matcher, boolean expected) {
    assertThat(Matcher.parse(matcher).matches(VM_1)).isEqualTo(expected);
  }

  @Test
  void factoriesAndToStringUseAlertmanagerSyntax() {
    assertThat(Matcher.equal("resource", "vm-1")).hasToString("resource=\"vm-1\"");
    assertThat(Matcher.notEqual("resource", "vm-1")).hasToString("resource!=\"vm-1\"");
    assertThat(Matcher.regex("resource", "vm-0.*")).hasToString("resource=~\"vm-0.*\"");
    assertThat(Matcher.notRegex("resource", "vm-0.*")).hasToString("resource!~\"vm-0.*\"");
    assertThat(Matcher.equal("quote", "say \"hi\"\\n"))
        .hasToString("quote=\"say \\\"hi\\\"\\\\n\"");
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = ';',
      value = {
        "resource=~\"vm-0.*\"       ; resource ; REGEX     ; vm-0.*",
        "  resource =~ \"vm-0.*\"   ; resource ; REGEX     ; vm-0.*",
        "severity!=critical        ; severity ; NOT_EQUAL ; critical",
        "team!~\"db|web\"           ; team     ; NOT_REGEX ; db|web",
        "team=                     ; team     ; EQUAL     ; ''",
        "\"odd name\"=\"a\\\"b\"      ; odd name ; EQUAL     ; a\"b",
        "path=\"C:\\\\temp\"         ; path     ; EQUAL     ; C:\\temp",
      })
  void parsesAlertmanagerSyntax(String text, String name, Matcher.Type type, String value) {
    Matcher m = Matcher.parse(text);
    assertThat(m.name()).isEqualTo(name);
    assertThat(m.type()).isEqualTo(type);
    assertThat(m.value()).isEqualTo(value);
  }

  @Test
  void toStringParsesBackToAnEqualMatcher() {
    for (Matcher m :
        new Matcher[] {
          Matcher.equal("resource", "vm-1"),
          Matcher.regex("resource", "vm-[0-9]+\\.example"),
          Matcher.notEqual("odd name", "a\"b\nc"),
          Matcher.notRegex("team", ""),
        }) {
      assertThat(Matcher.parse(m.toString())).isEqualTo(m).hasSameHashCodeAs(m);
    }
  }

  @Test
  void matchersWithSameNameTypeAndValueAreEqual() {
    assertThat(Matcher.regex("a", "b.*")).isEqualTo(Matcher.regex("a", "b.*"));
    assertThat(Matcher.regex("a", "b.*")).isNotEqualTo(Matcher.notRegex("a", "b.*"));
    assertThat(Matcher.equal("a", "b")).isNotEqualTo(Matcher.equal("a", "c"));
    assertThat(Matcher.equal("a", "b")).isNotEqualTo(Matcher.equal("x", "b"));
  }

  @Test
  void invalidRegexFailsNamingTheMatcher() {
    assertThatThrownBy(() -> Matcher.regex("resource", "vm-(1"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("resource=~\"vm-(1\"");
    assertThatThrownBy(() -> Matcher.parse("resource!~\"[a-\""))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("resource!~\"[a-\"");
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "''                  | expected label name",
        "resource            | expected one of",
        "resource==\"x\"      | expected value",
        "resource=\"vm-1     | unterminated",
        "resource=\"a\\tb\"   | unknown escape",
        "=\"vm-1\"            | expected label name",
        "resource=\"a\" extra | unexpected 'e'",
      })
  void malformedInputFailsWithThePosition(String text, String message) {
    assertThatThrownBy(() -> Matcher.parse(text))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("invalid matcher")
        .hasMessageContaining(message);
  }

  @Test
  void rejectsNullsAndEmptyNames() {
    assertThatThrownBy(() -> Matcher.equal(null, "x")).hasMessage("name == null");
    assertThatThrownBy(() -> Matcher.equal("x", null)).hasMessage("value == null");
    assertThatThrownBy(() -> Matcher.equal("", "x")).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> Matcher.equal("x", "y").matches(null)).hasMessage("labels == null");
  }
}
