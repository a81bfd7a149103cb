package dev.vigil.http;

import dev.vigil.internal.Strings;
import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * A JSON Pointer (RFC 6901), compiled into a {@link JsonPicker} and looked up in the {@link
 * JsonDocument} it reads. Immutable and thread safe; equal when written the same.
 */
final class JsonPointer {
  private final String text;
  private final List<String> tokens;

  private JsonPointer(String text, List<String> tokens) {
    this.text = text;
    this.tokens = tokens;
  }

  /**
   * Parses {@code pointer}.
   *
   * @throws IllegalArgumentException naming {@code setting} if the pointer is not "" and does not
   *     start with "/", or holds a "~" not followed by "0" or "1"
   */
  static JsonPointer parse(String pointer, String setting) {
    if (pointer.isEmpty()) return new JsonPointer(pointer, List.of());
    if (pointer.charAt(0) != '/') {
      throw new IllegalArgumentException(
          setting + " must be \"\" or start with \"/\" (a JSON Pointer): \"" + pointer + "\"");
    }
    List<String> tokens = new ArrayList<>();
    StringBuilder token = new StringBuilder();
    for (int i = 1; i < pointer.length(); i++) {
      char c = pointer.charAt(i);
      if (c == '/') {
        tokens.add(token.toString());
        token.setLength(0);
      } else if (c == '~') {
        char next = i + 1 < pointer.length() ? pointer.charAt(i + 1) : '\0';
        if (next == '0') {
          token.append('~');
        } else if (next == '1') {
          token.append('/');
        } else {
          throw new IllegalArgumentException(
              setting
                  + ": '~' must be followed by '0' or '1' at index "
                  + i
                  + ": \""
                  + pointer
                  + "\"");
        }
        i++;
      } else {
        token.append(c);
      }
    }
    tokens.add(token.toString());
    return new JsonPointer(pointer, List.copyOf(tokens));
  }

  /** The pointer as written, such as {@code /metrics/cpu_usage}. */
  String text() {
    return text;
  }

  /** The reference tokens, unescaped: {@code ["metrics", "cpu_usage"]}. */
  List<String> tokens() {
    return tokens;
  }

  /** Returns the RFC 6901 array index of {@code token}, or -1 if it is none. */
  static int arrayIndex(String token) {
    if (token.isEmpty() || token.length() > 9) return -1;
    if (token.length() > 1 && token.charAt(0) == '0') return -1;
    for (int i = 0; i < token.length(); i++) {
      char c = token.charAt(i);
      if (c < '0' || c > '9') return -1;
    }
    return Integer.parseInt(token);
  }

  @Override
  public boolean equals(@Nullable Object o) {
    return o instanceof JsonPointer p && p.text.equals(text);
  }

  @Override
  public int hashCode() {
    return text.hashCode();
  }

  @Override
  public String toString() {
    return text;
  }

  /**
   * Describes a JSON value for error messages, Moshi style: {@code STRING "80%"}. A string is
   * escaped and cut after 40 characters with {@link Strings#escape}, and its quotes escaped, so it
   * stays on one line. Server text: scrub it of credentials before ({@link
   * Lookup#whatWasFound(Secrets)} does), or the cut could leave part of a secret.
   */
  static String describe(@Nullable Object value) {
    if (value == null) return "NULL";
    if (value instanceof String s) {
      // Escaped first, so a backslash in the text is already doubled when quotes are escaped.
      return "STRING \"" + Strings.escape(s, 40).replace("\"", "\\\"") + "\"";
    }
    if (value instanceof Number n) return "NUMBER " + n;
    if (value instanceof Boolean b) return "BOOLEAN " + b;
    if (value instanceof JsonPicker.Container c) return c.name();
    if (value instanceof JsonDocument.Passed p) return describe(p.value());
    return value.getClass().getSimpleName();
  }

  /** The result of {@link JsonDocument#find}: a value at a path, or why there is none. */
  static final class Lookup {
    private final JsonDocument doc;
    private final JsonPointer pointer;
    private final int depth;
    private final boolean found;
    private final @Nullable Object value;
    private final boolean parentIsScalar;
    private final @Nullable Object parent;

    private Lookup(
        JsonDocument doc,
        JsonPointer pointer,
        int depth,
        boolean found,
        @Nullable Object value,
        boolean parentIsScalar,
        @Nullable Object parent) {
      this.doc = doc;
      this.pointer = pointer;
      this.depth = depth;
      this.found = found;
      this.value = value;
      this.parentIsScalar = parentIsScalar;
      this.parent = parent;
    }

    /** Found {@code value} after all {@code depth} tokens of {@code pointer}. */
    static Lookup found(JsonDocument doc, JsonPointer pointer, int depth, @Nullable Object value) {
      return new Lookup(doc, pointer, depth, true, value, false, null);
    }

    /** Nothing at the first {@code depth} tokens of {@code pointer}. */
    static Lookup missing(JsonDocument doc, JsonPointer pointer, int depth) {
      return new Lookup(doc, pointer, depth, false, null, false, null);
    }

    /**
     * Missing because {@code parent}, a scalar as read, is where an object or array should be:
     * after the first {@code depth} tokens of {@code pointer}.
     */
    static Lookup notAContainer(
        JsonDocument doc, JsonPointer pointer, int depth, @Nullable Object parent) {
      Object raw = parent instanceof JsonDocument.Passed p ? p.value() : parent;
      return new Lookup(doc, pointer, depth, false, null, true, raw);
    }

    /** The Moshi-style path looked at, such as {@code $.metrics.cpu_usage}; made when asked. */
    String path() {
      return doc.path(pointer, depth);
    }

    boolean found() {
      return found;
    }

    @Nullable Object value() {
      return value;
    }

    /**
     * What was found, for "expected X but was ..." messages: the value, or why there is none. The
     * server's text in it (the value, or the scalar where its parent should be) is scrubbed of
     * {@code secrets} first and only then cut, so that no part of a credential is left.
     */
    String whatWasFound(Secrets secrets) {
      if (found) return describe(secrets.scrubValue(value));
      if (!parentIsScalar) return "missing";
      return "missing: its parent is "
          + describe(secrets.scrubValue(parent))
          + ", not an object or array";
    }
  }
}
