package dev.vigil.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.squareup.moshi.JsonReader;
import java.io.IOException;
import okio.Buffer;
import org.junit.jupiter.api.Test;

/** JSON Pointers as the streaming {@link JsonPicker} reads them out of a document. */
class JsonPointerTest {
  static final String DOC =
      "{\"a/b\":1.0,\"m~n\":2.0,\"items\":[{\"id\":\"x\"},{\"id\":\"y\"}],\"\":3.0,\"~1\":4.0}";

  static JsonPointer.Lookup lookup(String json, String pointer) {
    JsonPointer p = JsonPointer.parse(pointer, "p");
    try {
      JsonDocument doc =
          JsonPicker.of(java.util.List.of(p))
              .read(JsonReader.of(new Buffer().writeUtf8(json)), "$");
      return doc.find(p);
    } catch (IOException e) {
      throw new AssertionError(e);
    }
  }

  Object at(String pointer) {
    JsonPointer.Lookup l = lookup(DOC, pointer);
    return l.found() ? String.valueOf(l.value()) : "missing at " + l.path();
  }

  @Test
  void emptyPointerIsTheWholeDocument() {
    assertThat(at("")).isEqualTo("OBJECT");
    assertThat(lookup(DOC, "").path()).isEqualTo("$");
  }

  @Test
  void tildeEscapesAreDecodedOneThenZero() {
    assertThat(at("/a~1b")).isEqualTo("1.0");
    assertThat(at("/m~0n")).isEqualTo("2.0");
    assertThat(at("/~01")).isEqualTo("4.0");
    assertThat(at("/")).isEqualTo("3.0");
  }

  @Test
  void arrayIndicesSelectElementsAndGiveMoshiPaths() {
    assertThat(at("/items/1/id")).isEqualTo("y");
    assertThat(at("/items/2/id")).isEqualTo("missing at $.items[2]");
    assertThat(at("/items/-")).isEqualTo("missing at $.items[-]");
    assertThat(at("/items/01")).isEqualTo("missing at $.items[01]");
    assertThat(at("/items")).isEqualTo("ARRAY");
    assertThat(lookup(DOC, "/items/0/id").path()).isEqualTo("$.items[0].id");
  }

  @Test
  void descendingIntoAScalarIsMissingAndSaysWhy() {
    JsonPointer.Lookup l = lookup(DOC, "/a~1b/c");
    assertThat(l.found()).isFalse();
    assertThat(l.path()).isEqualTo("$.a/b");
    assertThat(l.whatWasFound(new Secrets()))
        .isEqualTo("missing: its parent is NUMBER 1.0, not an object or array");
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
