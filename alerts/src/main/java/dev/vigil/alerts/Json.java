package dev.vigil.alerts;

import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * Writes JSON for the HTTP sinks from plain Java values: {@link Map} (keys in iteration order, so
 * pass a {@link java.util.LinkedHashMap} or a sorted map for a stable payload), {@link List},
 * {@link CharSequence}, {@link Number}, {@link Boolean} and null. Compact (no spaces), UTF-16 text
 * escaped per RFC 8259 section 7, plus U+2028 and U+2029 (which break JavaScript receivers). A
 * non-finite double becomes {@code null}: JSON has no NaN. Small and dependency-free, so that
 * vigil-alerts needs no JSON library.
 */
final class Json {
  private Json() {}

  /** Returns {@code value} as compact JSON. */
  static String write(@Nullable Object value) {
    StringBuilder out = new StringBuilder(512);
    write(out, value);
    return out.toString();
  }

  private static void write(StringBuilder out, @Nullable Object value) {
    if (value == null) {
      out.append("null");
    } else if (value instanceof CharSequence s) {
      string(out, s);
    } else if (value instanceof Boolean b) {
      out.append(b.booleanValue());
    } else if (value instanceof Double || value instanceof Float) {
      number(out, ((Number) value).doubleValue());
    } else if (value instanceof Number n) {
      out.append(n.longValue());
    } else if (value instanceof Map<?, ?> map) {
      out.append('{');
      boolean first = true;
      for (Map.Entry<?, ?> e : map.entrySet()) {
        if (!first) out.append(',');
        first = false;
        string(out, String.valueOf(e.getKey()));
        out.append(':');
        write(out, e.getValue());
      }
      out.append('}');
    } else if (value instanceof List<?> list) {
      out.append('[');
      for (int i = 0; i < list.size(); i++) {
        if (i > 0) out.append(',');
        write(out, list.get(i));
      }
      out.append(']');
    } else {
      throw new IllegalArgumentException("not a JSON value: " + value.getClass().getName());
    }
  }

  /** Integral values up to 2^53 without a fraction ({@code 80}), others as Java prints them. */
  private static void number(StringBuilder out, double d) {
    if (!Double.isFinite(d)) {
      out.append("null");
    } else if (d == Math.rint(d) && Math.abs(d) < 0x1p53) {
      out.append((long) d);
    } else {
      out.append(d);
    }
  }

  private static void string(StringBuilder out, CharSequence s) {
    out.append('"');
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '"' -> out.append("\\\"");
        case '\\' -> out.append("\\\\");
        case '\n' -> out.append("\\n");
        case '\r' -> out.append("\\r");
        case '\t' -> out.append("\\t");
        default -> {
          if (c < 0x20 || c == 0x2028 || c == 0x2029 || c == 0x7f || isLoneSurrogate(s, i)) {
            out.append(String.format("\\u%04x", (int) c));
          } else {
            out.append(c);
          }
        }
      }
    }
    out.append('"');
  }

  /** A surrogate that is not half of a pair would become {@code ?} in UTF-8: escape it. */
  private static boolean isLoneSurrogate(CharSequence s, int i) {
    char c = s.charAt(i);
    if (Character.isHighSurrogate(c)) {
      return i + 1 >= s.length() || !Character.isLowSurrogate(s.charAt(i + 1));
    }
    if (Character.isLowSurrogate(c)) {
      return i == 0 || !Character.isHighSurrogate(s.charAt(i - 1));
    }
    return false;
  }
}
