package dev.vigil.internal;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.Map;
import java.util.Set;

/** Summary templates with {@code {name}} placeholders, and numbers formatted for people. */
public final class Templates {
  private Templates() {}

  private static final Set<String> NAMES =
      Set.of("rule", "metric", "resource", "value", "threshold", "severity");

  /**
   * Checks that every placeholder of {@code template} is known.
   *
   * @throws IllegalArgumentException naming {@code setting} and the bad placeholder
   */
  public static void validate(String template, String setting) {
    int i = 0;
    while ((i = template.indexOf('{', i)) >= 0) {
      int end = template.indexOf('}', i);
      if (end < 0) {
        throw new IllegalArgumentException(
            setting + ": unclosed '{' at index " + i + " in \"" + template + "\"");
      }
      String name = template.substring(i + 1, end);
      if (!NAMES.contains(name) && !(name.startsWith("labels.") && name.length() > 7)) {
        throw new IllegalArgumentException(
            setting
                + ": unknown placeholder {"
                + name
                + "} in \""
                + template
                + "\"; known: {rule} {metric} {resource} {value} {threshold} {severity}"
                + " {labels.NAME}");
      }
      i = end + 1;
    }
  }

  /**
   * Replaces each placeholder with its value from {@code values} ({@code labels.x} looks up {@code
   * x} in {@code labels}); an unknown label renders as an empty string.
   */
  public static String render(
      String template, Map<String, String> values, Map<String, String> labels) {
    StringBuilder out = new StringBuilder(template.length() + 32);
    int i = 0;
    while (i < template.length()) {
      int open = template.indexOf('{', i);
      if (open < 0) break;
      int close = template.indexOf('}', open);
      if (close < 0) break;
      out.append(template, i, open);
      String name = template.substring(open + 1, close);
      String value = name.startsWith("labels.") ? labels.get(name.substring(7)) : values.get(name);
      out.append(value == null ? "" : value);
      i = close + 1;
    }
    out.append(template, i, template.length());
    return out.toString();
  }

  /** Formats a number for people: at most two decimals, no trailing zeros, no exponent. */
  public static String formatNumber(double value) {
    if (!Double.isFinite(value)) return Double.toString(value);
    BigDecimal d = BigDecimal.valueOf(value).setScale(2, RoundingMode.HALF_UP).stripTrailingZeros();
    if (d.scale() < 0) d = d.setScale(0);
    return d.toPlainString();
  }
}
