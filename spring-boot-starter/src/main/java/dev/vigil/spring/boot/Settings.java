package dev.vigil.spring.boot;

import dev.vigil.Matcher;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;

/**
 * The one way the starter turns a builder's exception into a {@link VigilConfigurationException}
 * that names the property path and the fix.
 */
final class Settings {
  private Settings() {}

  /**
   * Runs {@code step}; an {@link IllegalArgumentException}, {@link IllegalStateException}, {@link
   * NullPointerException} or {@link UnsupportedOperationException} from a builder becomes a
   * configuration exception for {@code path}. The builders' messages never hold a secret.
   */
  static <T> T at(String path, String action, Supplier<T> step) {
    try {
      return step.get();
    } catch (VigilConfigurationException e) {
      throw e;
    } catch (IllegalArgumentException
        | IllegalStateException
        | NullPointerException
        | UnsupportedOperationException e) {
      throw new VigilConfigurationException(path, "is invalid (" + e.getMessage() + ")", action, e);
    }
  }

  /** As {@link #at}, for a step without a result. */
  static void run(String path, String action, Runnable step) {
    Object unused =
        at(
            path,
            action,
            () -> {
              step.run();
              return Boolean.TRUE;
            });
  }

  /** Returns {@code value}, or throws "{@code path} is required: {@code action}". */
  static <T> T require(@Nullable T value, String path, String action) {
    if (value == null || (value instanceof String s && s.isBlank())) {
      throw new VigilConfigurationException(path, "is required", action, null);
    }
    return value;
  }

  /** Parses matchers in Alertmanager syntax, each named by its index under {@code path}. */
  static List<Matcher> matchers(List<String> texts, String path) {
    List<Matcher> out = new ArrayList<>();
    for (int i = 0; i < texts.size(); i++) {
      String text = texts.get(i);
      out.add(
          at(
              path + "[" + i + "]",
              "write a matcher in Alertmanager syntax, such as resource=\"vm-1\" or"
                  + " severity=~\"warning|critical\"",
              () -> Matcher.parse(text)));
    }
    return out;
  }

  /** The kebab-case form of an enum constant, as written in application.yml. */
  static String kebab(Enum<?> e) {
    return e.name().toLowerCase(java.util.Locale.ROOT).replace('_', '-');
  }

  /** The kebab-case forms of all constants of an enum, comma-separated. */
  static String choices(Enum<?>[] values) {
    List<String> names = new ArrayList<>();
    for (Enum<?> e : values) names.add(kebab(e));
    return String.join(", ", names);
  }
}
