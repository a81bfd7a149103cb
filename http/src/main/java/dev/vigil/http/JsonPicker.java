package dev.vigil.http;

import static java.util.Objects.requireNonNull;

import com.squareup.moshi.JsonReader;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * Reads a JSON document as a stream and keeps only the values at the JSON Pointers it was compiled
 * for; everything else is skipped with {@link JsonReader#skipValue()} and never held. Compiled once
 * per source into a trie of pointer tokens; immutable and thread safe.
 *
 * <p>One array may be marked as a list of items ({@link #withItems}): each of its elements is read
 * with a picker of its own, giving one {@link JsonDocument} per element (a listing page's
 * resources, each with its id and labels).
 *
 * <p><b>Memory.</b> Reading keeps, per document, one slot per trie node (a few dozen) holding a
 * selected scalar, a container marker, or the scalar found where a container was expected; plus,
 * for the item array, one such document per element, at most {@code maxItems}. Values that are not
 * selected cost only the reader's buffer (one Okio segment, 8 KiB). A selected string is read
 * whole, so it is bounded by the byte cap on the stream, not by this class.
 *
 * <p><b>Strictness.</b> The reader is strict: malformed JSON, NaN and infinities anywhere in the
 * document fail as they did when a tree was built. A selected key that appears twice in one object
 * is an error; a duplicate key among skipped values is not noticed (finding it would mean keeping
 * every key).
 */
final class JsonPicker {
  /** The value found at a selected pointer where the document has an object or array. */
  enum Container {
    OBJECT,
    ARRAY
  }

  private final Node root;
  private final int nodeCount;
  private final Map<JsonPointer, Node> targets;
  private final @Nullable JsonPicker items;
  private final @Nullable JsonPointer itemsPointer;
  private final @Nullable Node itemsNode;
  private final int maxItems;
  private final String tooManyItems;

  private JsonPicker(
      Node root,
      int nodeCount,
      Map<JsonPointer, Node> targets,
      @Nullable JsonPicker items,
      @Nullable JsonPointer itemsPointer,
      @Nullable Node itemsNode,
      int maxItems,
      String tooManyItems) {
    this.root = root;
    this.itemsPointer = itemsPointer;
    this.nodeCount = nodeCount;
    this.targets = targets;
    this.items = items;
    this.itemsNode = itemsNode;
    this.maxItems = maxItems;
    this.tooManyItems = tooManyItems;
  }

  /** A picker of the values at {@code pointers}. */
  static JsonPicker of(List<JsonPointer> pointers) {
    return compile(pointers, null, null, 0, "");
  }

  /**
   * A picker of the values at {@code pointers} that also reads every element of the array at {@code
   * itemsPointer} with {@code itemPicker}; more than {@code maxItems} elements fail with a {@link
   * JsonProblem} at the first element over, saying {@code tooManyItems}.
   */
  static JsonPicker withItems(
      List<JsonPointer> pointers,
      JsonPointer itemsPointer,
      JsonPicker itemPicker,
      int maxItems,
      String tooManyItems) {
    return compile(pointers, itemsPointer, itemPicker, maxItems, tooManyItems);
  }

  private static JsonPicker compile(
      List<JsonPointer> pointers,
      @Nullable JsonPointer itemsPointer,
      @Nullable JsonPicker itemPicker,
      int maxItems,
      String tooManyItems) {
    int[] ids = {1};
    Node root = new Node(0);
    Map<JsonPointer, Node> targets = new HashMap<>();
    for (JsonPointer p : pointers) targets.put(p, insert(root, p, ids));
    Node itemsNode = itemsPointer == null ? null : insert(root, itemsPointer, ids);
    if (itemsPointer != null) targets.put(itemsPointer, requireNode(itemsNode));
    root.freeze();
    return new JsonPicker(
        root,
        ids[0],
        Map.copyOf(targets),
        itemPicker,
        itemsPointer,
        itemsNode,
        maxItems,
        tooManyItems);
  }

  private static Node requireNode(@Nullable Node n) {
    return requireNonNull(n, "node");
  }

  private static Node insert(Node root, JsonPointer pointer, int[] ids) {
    Node node = root;
    for (String token : pointer.tokens()) {
      Node child = node.names.get(token);
      if (child == null) {
        child = new Node(ids[0]++);
        node.names.put(token, child);
      }
      node = child;
    }
    node.target = true;
    return node;
  }

  /**
   * Reads one JSON value from {@code reader} (a whole document).
   *
   * @param path the Moshi-style path of that value, such as {@code $}
   * @throws IOException if the JSON is malformed (Moshi's exceptions), a selected key appears
   *     twice, or the item array is too long ({@link JsonProblem}), or reading fails
   */
  JsonDocument read(JsonReader reader, String path) throws IOException {
    JsonDocument doc = new JsonDocument(this, path);
    List<Cursor> cursors = new ArrayList<>(1);
    cursors.add(new Cursor(root, doc));
    value(reader, cursors);
    return doc;
  }

  Node root() {
    return root;
  }

  int nodeCount() {
    return nodeCount;
  }

  /** The node a pointer compiled into this picker ends at. */
  Node node(JsonPointer pointer) {
    Node n = targets.get(pointer);
    if (n == null) throw new IllegalArgumentException("not compiled into this picker: " + pointer);
    return n;
  }

  /** Where the reading of one value stands in one document's trie. */
  private record Cursor(Node node, JsonDocument doc) {}

  private static void value(JsonReader reader, List<Cursor> cursors) throws IOException {
    if (cursors.isEmpty()) {
      reader.skipValue();
      return;
    }
    switch (reader.peek()) {
      case BEGIN_OBJECT -> object(reader, cursors);
      case BEGIN_ARRAY -> array(reader, cursors);
      case STRING -> scalar(reader, cursors, reader.nextString());
      case NUMBER -> scalar(reader, cursors, reader.nextDouble());
      case BOOLEAN -> scalar(reader, cursors, reader.nextBoolean());
      case NULL -> scalar(reader, cursors, reader.<@Nullable Object>nextNull());
      default -> reader.skipValue(); // a name or the end: Moshi reports what is wrong
    }
  }

  private static void scalar(JsonReader reader, List<Cursor> cursors, @Nullable Object value)
      throws IOException {
    for (Cursor c : cursors) c.doc.visit(c.node, value, reader);
  }

  private static void object(JsonReader reader, List<Cursor> cursors) throws IOException {
    for (Cursor c : cursors) c.doc.visit(c.node, Container.OBJECT, reader);
    reader.beginObject();
    List<Cursor> next = new ArrayList<>(cursors.size());
    while (reader.hasNext()) {
      String name = reader.nextName();
      next.clear();
      for (Cursor c : cursors) {
        Node child = c.node.names.get(name);
        if (child != null) next.add(new Cursor(child, c.doc));
      }
      value(reader, next);
    }
    reader.endObject();
  }

  private static void array(JsonReader reader, List<Cursor> cursors) throws IOException {
    // The documents whose item array this is, with the path of that array.
    List<JsonDocument> owners = new ArrayList<>(1);
    List<String> ownerPaths = new ArrayList<>(1);
    for (Cursor c : cursors) {
      c.doc.visit(c.node, Container.ARRAY, reader);
      JsonPicker p = c.doc.picker();
      if (c.node == p.itemsNode) {
        owners.add(c.doc);
        ownerPaths.add(c.doc.find(requireNonNull(p.itemsPointer)).path());
      }
    }
    reader.beginArray();
    List<Cursor> next = new ArrayList<>(cursors.size() + 1);
    for (int i = 0; reader.hasNext(); i++) {
      next.clear();
      for (Cursor c : cursors) {
        Node child = c.node.index(i);
        if (child != null) next.add(new Cursor(child, c.doc));
      }
      for (int o = 0; o < owners.size(); o++) {
        JsonDocument owner = owners.get(o);
        JsonPicker p = owner.picker();
        String itemPath = ownerPaths.get(o) + "[" + i + "]";
        if (i >= p.maxItems) throw new JsonProblem(itemPath, p.tooManyItems, null);
        JsonPicker itemPicker = requireNonNull(p.items);
        JsonDocument item = new JsonDocument(itemPicker, itemPath);
        owner.addItem(item);
        next.add(new Cursor(itemPicker.root, item));
      }
      value(reader, next);
    }
    reader.endArray();
  }

  /** A node of the trie: the pointers' tokens so far. */
  static final class Node {
    final int id;
    final Map<String, Node> names = new HashMap<>();
    private int[] indexKeys = new int[0];
    private Node[] indexNodes = new Node[0];
    boolean target;

    Node(int id) {
      this.id = id;
    }

    /** Precomputes the children that are RFC 6901 array indices. */
    void freeze() {
      List<Map.Entry<String, Node>> indices = new ArrayList<>();
      for (Map.Entry<String, Node> e : names.entrySet()) {
        if (JsonPointer.arrayIndex(e.getKey()) >= 0) indices.add(e);
        e.getValue().freeze();
      }
      indexKeys = new int[indices.size()];
      indexNodes = new Node[indices.size()];
      for (int i = 0; i < indices.size(); i++) {
        indexKeys[i] = JsonPointer.arrayIndex(indices.get(i).getKey());
        indexNodes[i] = indices.get(i).getValue();
      }
    }

    @Nullable Node index(int i) {
      for (int k = 0; k < indexKeys.length; k++) {
        if (indexKeys[k] == i) return indexNodes[k];
      }
      return null;
    }
  }
}
