package dev.vigil;

import static java.util.Objects.requireNonNull;

import java.util.Map;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;
import org.jspecify.annotations.Nullable;

/**
 * A label matcher, as used by {@link Silence}s and {@link MuteWindow}s: a label name, an operator
 * ({@code =}, {@code !=}, {@code =~}, {@code !~}) and a value or regular expression.
 *
 * <pre>{@code
 * Matcher.equal("resource", "vm-1")       // resource="vm-1"
 * Matcher.regex("resource", "vm-0.*")     // resource=~"vm-0.*"
 * Matcher.parse("severity!=\"critical\"") // severity!="critical"
 * }</pre>
 *
 * <p>The semantics follow the <a
 * href="https://prometheus.io/docs/alerting/latest/configuration/#matcher">label matchers of
 * Prometheus Alertmanager</a>:
 *
 * <ul>
 *   <li>Regular expressions are anchored at both ends: {@code resource=~"vm-1"} matches {@code
 *       vm-1} but not {@code vm-10}; write {@code ".*vm-1.*"} to match a substring. They use {@link
 *       java.util.regex.Pattern} syntax, which for the usual expressions agrees with the RE2 syntax
 *       that Alertmanager uses.
 *   <li>A missing label matches as the empty string: {@code team=""} and {@code team!~".+"} match
 *       alerts without a {@code team} label, and {@code team!="db"} matches them too.
 * </ul>
 *
 * <p>Immutable and thread safe. Two matchers are equal when their name, type and value are.
 */
public final class Matcher {

  /** The operator of a {@link Matcher}. */
  public enum Type {
    /** {@code =}: the label value equals the value. */
    EQUAL("="),
    /** {@code !=}: the label value does not equal the value. */
    NOT_EQUAL("!="),
    /** {@code =~}: the whole label value matches the regular expression. */
    REGEX("=~"),
    /** {@code !~}: the whole label value does not match the regular expression. */
    NOT_REGEX("!~");

    private final String operator;

    Type(String operator) {
      this.operator = operator;
    }

    /** Returns the operator as written in Alertmanager syntax, such as {@code =~}. */
    public String operator() {
      return operator;
    }
  }

  private final String name;
  private final Type type;
  private final String value;
  private final @Nullable Pattern pattern;

  private Matcher(String name, Type type, String value) {
    requireNonNull(name, "name == null");
    requireNonNull(value, "value == null");
    if (name.isEmpty()) throw new IllegalArgumentException("matcher label name is empty");
    this.name = name;
    this.type = type;
    this.value = value;
    if (type == Type.REGEX || type == Type.NOT_REGEX) {
      try {
        this.pattern = Pattern.compile(value);
      } catch (PatternSyntaxException e) {
        throw new IllegalArgumentException(
            "invalid regular expression in matcher "
                + format(name, type, value)
                + ": "
                + e.getDescription(),
            e);
      }
    } else {
      this.pattern = null;
    }
  }

  /**
   * Returns a matcher for labels whose value equals {@code value}. {@code equal("team", "")}
   * matches alerts without a {@code team} label.
   *
   * @param name the label name
   * @param value the value the label must have
   * @return the matcher {@code name="value"}
   * @throws NullPointerException if an argument is null
   * @throws IllegalArgumentException if {@code name} is empty
   */
  public static Matcher equal(String name, String value) {
    return new Matcher(name, Type.EQUAL, value);
  }

  /**
   * Returns a matcher for labels whose value does not equal {@code value}. A missing label counts
   * as the empty string, so it matches unless {@code value} is empty.
   *
   * @param name the label name
   * @param value the value the label must not have
   * @return the matcher {@code name!="value"}
   * @throws NullPointerException if an argument is null
   * @throws IllegalArgumentException if {@code name} is empty
   */
  public static Matcher notEqual(String name, String value) {
    return new Matcher(name, Type.NOT_EQUAL, value);
  }

  /**
   * Returns a matcher for labels whose whole value matches the regular expression {@code pattern}.
   * The expression is anchored at both ends, as in Alertmanager.
   *
   * @param name the label name
   * @param pattern a {@link java.util.regex.Pattern} regular expression
   * @return the matcher {@code name=~"pattern"}
   * @throws NullPointerException if an argument is null
   * @throws IllegalArgumentException if {@code name} is empty or {@code pattern} is not a valid
   *     regular expression; the message names the matcher
   */
  public static Matcher regex(String name, String pattern) {
    return new Matcher(name, Type.REGEX, pattern);
  }

  /**
   * Returns a matcher for labels whose whole value does not match the regular expression {@code
   * pattern}. The expression is anchored at both ends, as in Alertmanager.
   *
   * @param name the label name
   * @param pattern a {@link java.util.regex.Pattern} regular expression
   * @return the matcher {@code name!~"pattern"}
   * @throws NullPointerException if an argument is null
   * @throws IllegalArgumentException if {@code name} is empty or {@code pattern} is not a valid
   *     regular expression; the message names the matcher
   */
  public static Matcher notRegex(String name, String pattern) {
    return new Matcher(name, Type.NOT_REGEX, pattern);
  }

  /**
   * Parses one matcher in Alertmanager syntax: a label name, an operator ({@code =}, {@code !=},
   * {@code =~}, {@code !~}) and a value, with optional whitespace between them. The name and the
   * value may be double-quoted; inside quotes {@code \"}, {@code \\} and {@code \n} are escapes.
   * Unquoted values end at whitespace and must not contain {@code " , { } = ! ~ \}. Examples:
   * {@code resource="vm-1"}, {@code resource =~ "vm-0.*"}, {@code severity!=critical}.
   *
   * @param text the matcher, such as {@code resource=~"vm-0.*"}
   * @return the parsed matcher; its {@link #toString()} is the canonical form
   * @throws NullPointerException if {@code text} is null
   * @throws IllegalArgumentException if {@code text} is not a valid matcher or contains an invalid
   *     regular expression; the message names the input and the position
   */
  public static Matcher parse(String text) {
    requireNonNull(text, "text == null");
    return new MatcherParser(text).parse();
  }

  /** Returns the label name. */
  public String name() {
    return name;
  }

  /** Returns the operator. */
  public Type type() {
    return type;
  }

  /** Returns the value to compare with, or the regular expression for regex types. */
  public String value() {
    return value;
  }

  /**
   * Returns whether {@code labels} satisfy this matcher. A label that is absent is treated as
   * present with the empty string as its value.
   *
   * @param labels the labels of an alert
   * @return true if the label named {@link #name()} satisfies the operator and value
   * @throws NullPointerException if {@code labels} is null
   */
  public boolean matches(Map<String, String> labels) {
    requireNonNull(labels, "labels == null");
    String actual = labels.getOrDefault(name, "");
    return switch (type) {
      case EQUAL -> actual.equals(value);
      case NOT_EQUAL -> !actual.equals(value);
      case REGEX -> requireNonNull(pattern).matcher(actual).matches();
      case NOT_REGEX -> !requireNonNull(pattern).matcher(actual).matches();
    };
  }

  /** Returns whether this matcher matches the empty string, and so alerts without the label. */
  boolean matchesEmpty() {
    return matches(Map.of());
  }

  @Override
  public boolean equals(@Nullable Object o) {
    if (this == o) return true;
    if (!(o instanceof Matcher other)) return false;
    return name.equals(other.name) && type == other.type && value.equals(other.value);
  }

  @Override
  public int hashCode() {
    return (name.hashCode() * 31 + type.hashCode()) * 31 + value.hashCode();
  }

  /**
   * Returns the matcher in Alertmanager syntax with the value double-quoted and escaped, such as
   * {@code resource=~"vm-0.*"}. {@link #parse} reads it back into an equal matcher.
   */
  @Override
  public String toString() {
    return format(name, type, value);
  }

  private static String format(String name, Type type, String value) {
    String quotedName = MatcherParser.isPlainName(name) ? name : quote(name);
    return quotedName + type.operator() + quote(value);
  }

  private static String quote(String s) {
    StringBuilder sb = new StringBuilder(s.length() + 2).append('"');
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '"' -> sb.append("\\\"");
        case '\\' -> sb.append("\\\\");
        case '\n' -> sb.append("\\n");
        default -> sb.append(c);
      }
    }
    return sb.append('"').toString();
  }

  /** A recursive-descent parser for one matcher. Not thread safe; use one per input. */
  private static final class MatcherParser {
    private static final String RESERVED = "{}!=~,\\\"'`";

    private final String text;
    private int pos;

    MatcherParser(String text) {
      this.text = text;
    }

    static boolean isPlainName(String name) {
      if (name.isEmpty()) return false;
      for (int i = 0; i < name.length(); i++) {
        char c = name.charAt(i);
        boolean ok =
            c == '_'
                || (c >= 'a' && c <= 'z')
                || (c >= 'A' && c <= 'Z')
                || (i > 0 && c >= '0' && c <= '9');
        if (!ok) return false;
      }
      return true;
    }

    Matcher parse() {
      skipWhitespace();
      String name = token("label name");
      skipWhitespace();
      Type type = operator();
      skipWhitespace();
      String value = pos < text.length() ? token("value") : "";
      skipWhitespace();
      if (pos != text.length()) throw error("unexpected '" + text.charAt(pos) + "'");
      try {
        return new Matcher(name, type, value);
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException("invalid matcher '" + text + "': " + e.getMessage(), e);
      }
    }

    private Type operator() {
      if (text.startsWith("=~", pos)) {
        pos += 2;
        return Type.REGEX;
      } else if (text.startsWith("!=", pos)) {
        pos += 2;
        return Type.NOT_EQUAL;
      } else if (text.startsWith("!~", pos)) {
        pos += 2;
        return Type.NOT_REGEX;
      } else if (text.startsWith("=", pos)) {
        pos += 1;
        return Type.EQUAL;
      }
      throw error("expected one of =, !=, =~, !~");
    }

    private String token(String what) {
      if (pos >= text.length()) throw error("expected " + what);
      return text.charAt(pos) == '"' ? quoted(what) : unquoted(what);
    }

    private String quoted(String what) {
      StringBuilder sb = new StringBuilder();
      pos++; // opening quote
      while (pos < text.length()) {
        char c = text.charAt(pos++);
        if (c == '"') return sb.toString();
        if (c == '\\') {
          if (pos >= text.length()) break;
          char e = text.charAt(pos++);
          switch (e) {
            case '"', '\\' -> sb.append(e);
            case 'n' -> sb.append('\n');
            default -> throw error("unknown escape '\\" + e + "' in " + what);
          }
        } else {
          sb.append(c);
        }
      }
      throw error("unterminated quoted " + what);
    }

    private String unquoted(String what) {
      int start = pos;
      while (pos < text.length()) {
        char c = text.charAt(pos);
        if (Character.isWhitespace(c) || RESERVED.indexOf(c) >= 0) break;
        pos++;
      }
      if (pos == start) throw error("expected " + what);
      return text.substring(start, pos);
    }

    private void skipWhitespace() {
      while (pos < text.length() && Character.isWhitespace(text.charAt(pos))) pos++;
    }

    private IllegalArgumentException error(String message) {
      return new IllegalArgumentException(
          "invalid matcher '" + text + "' at position " + pos + ": " + message);
    }
  }
}
