package dev.vigil.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class JsonPointerTest {
  final Object doc =
      Map.of(
          "a/b", 1.0,
          "m~n", 2.0,
          "items", List.of(Map.of("id", "x"), Map.of("id", "y")),
          "", 3.0);

  Object at(String pointer) {
    JsonPointer.Lookup l = JsonPointer.parse(pointer, "p").find(doc, "$");
    return l.found() ? l.value() : "missing at " + l.path();
  }

  @Test
  void emptyPointerIsTheWholeDocument() {
    assertThat(at("")).isSameAs(doc);
  }

  @Test
  void tildeEscapesAreDecodedOneThenZero() {
    assertThat(at("/a~1b")).isEqualTo(1.0);
    assertThat(at("/m~0n")).isEqualTo(2.0);
    assertThat(JsonPointer.parse("/~01", "p").find(Map.of("~1", 4.0), "$").value()).isEqualTo(4.0);
    assertThat(at("/")).isEqualTo(3.0);
  }

  @Test
  void arrayIndicesSelectElementsAndGiveMoshiPaths() {
    assertThat(at("/items/1/id")).isEqualTo("y");
    assertThat(at("/items/2/id")).isEqualTo("missing at $.items[2]");
    assertThat(at("/items/-")).isEqualTo("missing at $.items[-]");
    assertThat(at("/items/01")).isEqualTo("missing at $.items[01]");
    assertThat(JsonPointer.parse("/items/0/id", "p").find(doc, "$").path())
        .isEqualTo("$.items[0].id");
  }

  @Test
  void descendingIntoAScalarIsMissingAndSaysWhy() {
    JsonPointer.Lookup l = JsonPointer.parse("/a~1b/c", "p").find(doc, "$");
    assertThat(l.found()).isFalse();
    assertThat(l.whatWasFound()).contains("NUMBER 1.0");
  }

  @Test
  void invalidPointersAreRejectedNamingTheSetting() {
    assertThatThrownBy(() -> JsonPointer.parse("items", "itemsPointer"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("itemsPointer");
    assertThatThrownBy(() -> JsonPointer.parse("/a~", "idPointer"))
        .hasMessageStartingWith("idPointer");
  }
}
