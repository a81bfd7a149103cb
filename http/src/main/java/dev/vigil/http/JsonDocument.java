package dev.vigil.http;

import com.squareup.moshi.JsonReader;
import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * What a {@link JsonPicker} kept of one JSON document (or of one item of its item array): the
 * values at the selected pointers, and enough of the way to them to say why one is missing. Not a
 * tree: what was not selected is gone. Filled by one thread while reading, then only read.
 */
final class JsonDocument {
  private final JsonPicker picker;
  private final String path;
  private final boolean[] visited;
  private final @Nullable Object[] values;
  private @Nullable List<JsonDocument> items;
  private List<String> links = List.of();

  JsonDocument(JsonPicker picker, String path) {
    this.picker = picker;
    this.path = path;
    this.visited = new boolean[picker.nodeCount()];
    this.values = new Object[picker.nodeCount()];
  }

  JsonPicker picker() {
    return picker;
  }

  /** The Moshi-style path of this document's root: {@code $}, or {@code $.items[3]} for an item. */
  String path() {
    return path;
  }

  /**
   * Records the value met at {@code node}; a scalar on the way to a pointer is kept as {@link
   * Passed}, whole, so that it is scrubbed of credentials before a message describes (and cuts) it.
   */
  void visit(JsonPicker.Node node, @Nullable Object value, JsonReader reader) throws JsonProblem {
    if (visited[node.id]) {
      throw new JsonProblem(reader.getPath(), "malformed JSON: duplicate key", null);
    }
    visited[node.id] = true;
    values[node.id] =
        node.target || value instanceof JsonPicker.Container ? value : new Passed(value);
  }

  /** Sets the response's {@code Link} header values, for {@link Pagination#linkHeader()}. */
  void links(List<String> values) {
    this.links = List.copyOf(values);
  }

  /** The response's {@code Link} header values; empty if none. */
  List<String> links() {
    return links;
  }

  void addItem(JsonDocument item) {
    List<JsonDocument> list = items;
    if (list == null) items = list = new ArrayList<>();
    list.add(item);
  }

  /** The elements of the picker's item array, in order; empty if there was none. */
  List<JsonDocument> items() {
    List<JsonDocument> list = items;
    return list == null ? List.of() : list;
  }

  /**
   * Looks up {@code pointer}, which must be compiled into this document's picker: the value there
   * (a {@code Double}, {@code String}, {@code Boolean}, null, or a {@link JsonPicker.Container}
   * marker), or why there is none. The Moshi-style path looked at is made only when asked for
   * ({@link JsonPointer.Lookup#path()}): messages need it, a value that is read does not.
   */
  JsonPointer.Lookup find(JsonPointer pointer) {
    picker.node(pointer); // fails for a pointer this document was not read for
    JsonPicker.Node node = picker.root();
    if (!visited[node.id]) return JsonPointer.Lookup.missing(this, pointer, 0);
    List<String> tokens = pointer.tokens();
    for (int depth = 0; depth < tokens.size(); depth++) {
      Object v = values[node.id];
      if (v != JsonPicker.Container.OBJECT && v != JsonPicker.Container.ARRAY) {
        return JsonPointer.Lookup.notAContainer(this, pointer, depth, v);
      }
      JsonPicker.Node child = node.names.get(tokens.get(depth));
      if (child == null || !visited[child.id]) {
        return JsonPointer.Lookup.missing(this, pointer, depth + 1);
      }
      node = child;
    }
    return JsonPointer.Lookup.found(this, pointer, tokens.size(), values[node.id]);
  }

  /**
   * The Moshi-style path of the first {@code depth} tokens of {@code pointer} in this document,
   * such as {@code $.metrics.cpu_usage} or {@code $.items[3]}; each of those tokens but the last
   * was found here, inside an object or array.
   */
  String path(JsonPointer pointer, int depth) {
    StringBuilder at = new StringBuilder(path);
    JsonPicker.Node node = picker.root();
    List<String> tokens = pointer.tokens();
    for (int i = 0; i < depth; i++) {
      String token = tokens.get(i);
      if (values[node.id] == JsonPicker.Container.ARRAY) {
        at.append('[').append(token).append(']');
      } else {
        at.append('.').append(token);
      }
      if (i + 1 < depth) node = java.util.Objects.requireNonNull(node.names.get(token));
    }
    return at.toString();
  }

  /**
   * A scalar met where a container was expected (on the way to a selected pointer). Like a selected
   * string, it was read whole, so the byte cap of the body bounds it.
   */
  record Passed(@Nullable Object value) {}
}
