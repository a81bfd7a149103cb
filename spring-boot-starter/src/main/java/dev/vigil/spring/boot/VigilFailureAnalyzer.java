package dev.vigil.spring.boot;

import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;

/**
 * Turns a {@link VigilConfigurationException} into Spring Boot's start-up failure report:
 * Description names the property and what is wrong, Action says how to fix it. Registered in {@code
 * META-INF/spring.factories}.
 */
public final class VigilFailureAnalyzer
    extends AbstractFailureAnalyzer<VigilConfigurationException> {
  /** Created by Spring Boot. */
  public VigilFailureAnalyzer() {}

  @Override
  protected FailureAnalysis analyze(Throwable rootFailure, VigilConfigurationException cause) {
    return new FailureAnalysis(
        "Vigil's setting " + cause.property() + " " + cause.problem() + ".",
        "Update your application's configuration: "
            + cause.action()
            + ". Every vigil.* property is described in docs/spring-boot.md.",
        cause);
  }
}
