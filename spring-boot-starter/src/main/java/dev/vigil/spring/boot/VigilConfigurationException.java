package dev.vigil.spring.boot;

import static java.util.Objects.requireNonNull;

import org.jspecify.annotations.Nullable;

/**
 * Vigil's settings are incomplete or inconsistent. Thrown while the application context starts;
 * names the property path (such as {@code vigil.sources.cloud.base-url}), what is wrong and how to
 * fix it. VigilFailureAnalyzer turns it into Spring Boot's "APPLICATION FAILED TO START" report
 * with a Description and an Action. Never carries a secret.
 */
public final class VigilConfigurationException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final String property;
  private final String problem;
  private final String action;

  /**
   * Creates an exception for {@code property}.
   *
   * @param property the property path, such as {@code vigil.sources.cloud.base-url}
   * @param problem what is wrong, such as {@code is required}
   * @param action how to fix it, such as {@code set it to the API's base URL}
   * @param cause the builder's exception, or null
   * @throws NullPointerException if {@code property}, {@code problem} or {@code action} is null
   */
  public VigilConfigurationException(
      String property, String problem, String action, @Nullable Throwable cause) {
    super(
        requireNonNull(property, "property == null")
            + " "
            + requireNonNull(problem, "problem == null")
            + ": "
            + requireNonNull(action, "action == null"),
        cause);
    this.property = property;
    this.problem = problem;
    this.action = action;
  }

  /** Returns the property path, such as {@code vigil.sources.cloud.base-url}. */
  public String property() {
    return property;
  }

  /** Returns what is wrong with the property, such as {@code is required}. */
  public String problem() {
    return problem;
  }

  /** Returns how to fix it, such as {@code set it to the API's base URL}. */
  public String action() {
    return action;
  }
}
