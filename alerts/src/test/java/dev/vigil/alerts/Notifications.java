package dev.vigil.alerts;

import dev.vigil.AlertNotification;
import dev.vigil.AlertStatus;
import dev.vigil.NotificationType;
import dev.vigil.Severity;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/** Notifications for tests, shaped as the monitor makes them. */
final class Notifications {
  private Notifications() {}

  static final Instant STARTS_AT = Instant.parse("2026-11-24T00:00:00Z");
  static final Instant ENDS_AT = Instant.parse("2026-11-24T00:05:00Z");
  static final String FINGERPRINT = "8f3a6c0d1e2b4a59";

  static AlertNotification firing(Severity severity, Map<String, String> extraLabels) {
    return notification(
        AlertStatus.FIRING, severity, extraLabels, "CPU usage on vm-000001 is 92.4%");
  }

  static AlertNotification firing(Severity severity) {
    return firing(severity, Map.of("region", "eu-west-1"));
  }

  static AlertNotification resolved(Severity severity) {
    return notification(
        AlertStatus.RESOLVED,
        severity,
        Map.of("region", "eu-west-1"),
        "CPU usage on vm-000001 is 92.4%");
  }

  /** A notification of {@code type} for the firing alert (resolved for {@code RESOLVED}). */
  static AlertNotification ofType(NotificationType type, Severity severity, String description) {
    AlertStatus status =
        type == NotificationType.RESOLVED ? AlertStatus.RESOLVED : AlertStatus.FIRING;
    return ofType(type, status, severity, description);
  }

  static AlertNotification ofType(
      NotificationType type, AlertStatus status, Severity severity, String description) {
    AlertNotification n =
        notification(
            status, severity, Map.of("region", "eu-west-1"), "CPU usage on vm-000001 is 92.4%");
    return new AlertNotification(
        n.rule(),
        n.status(),
        n.severity(),
        n.resource(),
        n.labels(),
        n.summary(),
        n.value(),
        n.threshold(),
        n.startsAt(),
        n.endsAt(),
        n.fingerprint(),
        type,
        description);
  }

  static AlertNotification notification(
      AlertStatus status, Severity severity, Map<String, String> extraLabels, String summary) {
    Map<String, String> labels = new LinkedHashMap<>(extraLabels);
    labels.put("alertname", "HighCpu");
    labels.put("resource", "vm-000001");
    labels.put("severity", severity.name().toLowerCase(Locale.ROOT)); // as the monitor writes it
    return new AlertNotification(
        "HighCpu",
        status,
        severity,
        "vm-000001",
        labels,
        summary,
        92.4,
        80,
        STARTS_AT,
        status == AlertStatus.RESOLVED ? ENDS_AT : null,
        FINGERPRINT);
  }
}
