package dev.vigil.http;

import dev.vigil.internal.Strings;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * A JSON Pointer (RFC 6901) evaluated against the tree that {@link TreeConverterFactory} builds
 * ({@code Map}, {@code List}, {@code Double}, {@code String}, {@code Boolean}, {@code null}).
 * Immutable and thread safe.
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

  /**
   * Looks the pointer up in {@code root}.
   *
   * @param rootPath the Moshi-style path of {@code root}, such as {@code $} or {@code $.items[3]}
   */
  Lookup find(@Nullable Object root, String rootPath) {
    Object node = root;
    StringBuilder path = new StringBuilder(rootPath);
    for (String token : tokens) {
      if (node instanceof Map<?, ?> map) {
        path.append('.').append(token);
        if (!map.containsKey(token)) return Lookup.missing(path.toString());
        node = map.get(token);
      } else if (node instanceof List<?> list) {
        path.append('[').append(token).append(']');
        int index = arrayIndex(token);
        if (index < 0 || index >= list.size()) return Lookup.missing(path.toString());
        node = list.get(index);
      } else {
        return Lookup.notAContainer(path.toString(), node);
      }
    }
    return Lookup.found(path.toString(), node);
  }

  /** Returns the RFC 6901 array index of {@code token}, or -1 if it is none. */
  private static int arrayIndex(String token) {
    if (token.isEmpty() || token.length() > 9) return -1;
    if (token.length() > 1 && token.charAt(0) == '0') return -1;
    for (int i = 0; i < token.length(); i++) {
      char c = token.charAt(i);
      if (c < '0' || c > '9') return -1;
    }
    return Integer.parseInt(token);
  }

  @Override
  public String toString() {
    return text;
  }

  /**
   * Describes a JSON value for error messages, Moshi style: {@code STRING "80%"}. A string is
   * escaped and cut after 40 characters with {@link Strings#escape}, and its quotes escaped, so it
   * stays on one line.
   */
  static String describe(@Nullable Object value) {
    if (value == null) return "NULL";
    if (value instanceof String s) {
      // Escaped first, so a backslash in the text is already doubled when quotes are escaped.
      return "STRING \"" + Strings.escape(s, 40).replace("\"", "\\\"") + "\"";
    }
    if (value instanceof Number n) return "NUMBER " + n;
    if (value instanceof Boolean b) return "BOOLEAN " + b;
    if (value instanceof Map) return "OBJECT";
    if (value instanceof List) return "ARRAY";
    return value.getClass().getSimpleName();
  }

  /** The result of {@link #find}: a value at a path, or why there is none. */
  static final class Lookup {
    private final String path;
    private final boolean found;
    private final @Nullable Object value;
    private final @Nullable String problem;

    private Lookup(String path, boolean found, @Nullable Object value, @Nullable String problem) {
      this.path = path;
      this.found = found;
      this.value = value;
      this.problem = problem;
    }

    static Lookup found(String path, @Nullable Object value) {
      return new Lookup(path, true, value, null);
    }

    static Lookup missing(String path) {
      return new Lookup(path, false, null, "missing");
    }

    static Lookup notAContainer(String path, @Nullable Object parent) {
      return new Lookup(
          path,
          false,
          null,
          "missing: its parent is " + describe(parent) + ", not an object or array");
    }

    /** The Moshi-style path looked at, such as {@code $.metrics.cpu_usage}. */
    String path() {
      return path;
    }

    boolean found() {
      return found;
    }

    @Nullable Object value() {
      return value;
    }

    /** What was found, for "expected X but was ..." messages: the value, or why there is none. */
    String whatWasFound() {
      return found ? describe(value) : String.valueOf(problem);
    }
  }
}
