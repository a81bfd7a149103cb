package dev.vigil.internal;

import java.util.ArrayList;
import java.util.List;

/**
 * Fields of text joined into one record and split back: tab-separated, with backslash escapes for
 * backslash, tab, newline and carriage return, so any text survives. The format of what a monitor
 * writes to a {@code StateStore}; each record starts with its format's version.
 */
public final class Codec {
  private Codec() {}

  /** Joins {@code fields} into one record. */
  public static String join(List<String> fields) {
    StringBuilder out = new StringBuilder();
    for (int i = 0; i < fields.size(); i++) {
      if (i > 0) out.append('\t');
      String f = fields.get(i);
      for (int j = 0; j < f.length(); j++) {
        char c = f.charAt(j);
        switch (c) {
          case '\\' -> out.append("\\\\");
          case '\t' -> out.append("\\t");
          case '\n' -> out.append("\\n");
          case '\r' -> out.append("\\r");
          default -> out.append(c);
        }
      }
    }
    return out.toString();
  }

  /**
   * Splits a record made by {@link #join}.
   *
   * @throws IllegalArgumentException if it holds an unknown escape
   */
  public static List<String> split(String record) {
    List<String> fields = new ArrayList<>();
    StringBuilder f = new StringBuilder();
    for (int i = 0; i < record.length(); i++) {
      char c = record.charAt(i);
      if (c == '\t') {
        fields.add(f.toString());
        f.setLength(0);
      } else if (c == '\\') {
        if (++i >= record.length()) throw new IllegalArgumentException("dangling escape");
        char e = record.charAt(i);
        switch (e) {
          case '\\' -> f.append('\\');
          case 't' -> f.append('\t');
          case 'n' -> f.append('\n');
          case 'r' -> f.append('\r');
          default -> throw new IllegalArgumentException("unknown escape \\" + e);
        }
      } else {
        f.append(c);
      }
    }
    fields.add(f.toString());
    return fields;
  }
}
