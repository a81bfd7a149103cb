package dev.vigil.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.squareup.moshi.JsonReader;
import java.io.IOException;
import java.util.List;
import okio.Buffer;
import org.junit.jupiter.api.Test;

/** The streaming reader keeps the selected values, and only those, with good paths. */
class JsonPickerTest {
  final JsonPointer id = JsonPointer.parse("/id", "p");
  final JsonPointer region = JsonPointer.parse("/tags/region", "p");
  final JsonPointer items = JsonPointer.parse("/items", "p");
  final JsonPointer next = JsonPointer.parse("/next", "p");
  final JsonPointer cpu = JsonPointer.parse("/metrics/cpu", "p");

  JsonPicker listing(int maxItems) {
    return JsonPicker.withItems(
        List.of(next, cpu), items, JsonPicker.of(List.of(id, region)), maxItems, "too many");
  }

  static JsonDocument read(JsonPicker picker, String json) throws IOException {
    JsonReader reader = JsonReader.of(new Buffer().writeUtf8(json));
    return picker.read(reader, "$");
  }

  @Test
  void itemsAreReadOneByOneWithTheirOwnPointersAndPaths() throws IOException {
    JsonDocument doc =
        read(
            listing(10),
            "{\"skip\":{\"deep\":[1,2,{\"x\":null}]},\"items\":[{\"id\":\"a\",\"tags\":{\"region\":\"eu\"}},"
                + "{\"id\":7,\"tags\":\"none\"}],\"next\":\"/p2\"}");

    assertThat(doc.find(next).value()).isEqualTo("/p2");
    assertThat(doc.find(cpu).whatWasFound(new Secrets())).isEqualTo("missing");
    assertThat(doc.items()).hasSize(2);
    JsonDocument first = doc.items().get(0);
    assertThat(first.path()).isEqualTo("$.items[0]");
    assertThat(first.find(id).value()).isEqualTo("a");
    assertThat(first.find(region).value()).isEqualTo("eu");
    JsonDocument second = doc.items().get(1);
    assertThat(second.find(id).value()).isEqualTo(7.0);
    assertThat(second.find(region).path()).isEqualTo("$.items[1].tags");
    assertThat(second.find(region).whatWasFound(new Secrets()))
        .isEqualTo("missing: its parent is STRING \"none\", not an object or array");
  }

  @Test
  void moreItemsThanTheCapFailAtTheFirstItemOver() {
    assertThatThrownBy(() -> read(listing(2), "{\"items\":[{},{},{}]}"))
        .isInstanceOfSatisfying(
            JsonProblem.class,
            p -> {
              assertThat(p.path()).isEqualTo("$.items[2]");
              assertThat(p.detail()).isEqualTo("too many");
            });
  }

  @Test
  void aSelectedKeyGivenTwiceIsMalformed() {
    assertThatThrownBy(() -> read(listing(2), "{\"metrics\":{\"cpu\":1,\"cpu\":2}}"))
        .isInstanceOfSatisfying(
            JsonProblem.class, p -> assertThat(p.path()).isEqualTo("$.metrics.cpu"));
  }

  @Test
  void malformedJsonInSkippedValuesIsStillAnError() {
    assertThatThrownBy(() -> read(listing(2), "{\"skip\":[1,tru],\"next\":null}"))
        .isInstanceOf(IOException.class);
    assertThatThrownBy(() -> read(listing(2), "{\"skip\":[NaN],\"next\":null}"))
        .isInstanceOf(IOException.class);
  }

  @Test
  void containersAtASelectedPointerAreMarkedNotKept() throws IOException {
    JsonDocument doc = read(listing(2), "{\"metrics\":{\"cpu\":{\"big\":[1,2,3]}}}");
    assertThat(doc.find(cpu).value()).isEqualTo(JsonPicker.Container.OBJECT);
    assertThat(doc.find(cpu).whatWasFound(new Secrets())).isEqualTo("OBJECT");
  }
}
