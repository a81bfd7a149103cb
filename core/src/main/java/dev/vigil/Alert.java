package dev.vigil;

import static java.util.Objects.requireNonNull;

import java.time.Instant;
import java.util.Map;

/**
 * A snapshot of one alert that is pending, firing or without data, as returned by {@link
 * ResourceMonitor#activeAlerts()}.
 *
 * <p>Immutable and thread safe; it does not change when the alert does.
 *
 * @param rule the name of the rule that raised the alert
 * @param severity the severity of the alert
 * @param resource the resource the alert is about
 * @param labels all labels of the alert, sorted by name
 * @param summary the rendered summary
 * @param value the value evaluated last
 * @param threshold the threshold of the rule
 * @param startsAt when the alert started firing
 * @param lastEvaluatedAt when the alert's rule last saw a sample for it
 * @param fingerprint stable id of the alert, equal to the notifications' fingerprint
 * @param state where the alert is in its lifecycle
 */
public record Alert(
    String rule,
    Severity severity,
    String resource,
    Map<String, String> labels,
    String summary,
    double value,
    double threshold,
    Instant startsAt,
    Instant lastEvaluatedAt,
    String fingerprint,
    AlertState state) {

  /**
   * Validates and copies the components.
   *
   * @throws NullPointerException if a component is null
   */
  public Alert {
    requireNonNull(rule, "rule == null");
    requireNonNull(severity, "severity == null");
    requireNonNull(resource, "resource == null");
    requireNonNull(summary, "summary == null");
    requireNonNull(startsAt, "startsAt == null");
    requireNonNull(lastEvaluatedAt, "lastEvaluatedAt == null");
    requireNonNull(fingerprint, "fingerprint == null");
    requireNonNull(state, "state == null");
    labels = dev.vigil.internal.Labels.sortedCopy(labels);
  }

  /**
   * Creates a snapshot of a firing alert.
   *
   * @throws NullPointerException if a component is null
   */
  public Alert(
      String rule,
      Severity severity,
      String resource,
      Map<String, String> labels,
      String summary,
      double value,
      double threshold,
      Instant startsAt,
      Instant lastEvaluatedAt,
      String fingerprint) {
    this(
        rule,
        severity,
        resource,
        labels,
        summary,
        value,
        threshold,
        startsAt,
        lastEvaluatedAt,
        fingerprint,
        AlertState.FIRING);
  }
}
