package dev.vigil;

import dev.vigil.internal.Labels;
import dev.vigil.internal.Templates;
import java.time.Instant;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * Builds what the engine tells delivery about an alert: its labels, fingerprint, rendered summary
 * and description, and the {@link AlertNotification} of a transition. Stateless: reads the alert,
 * changes nothing.
 */
final class Notifications {
  private Notifications() {}

  /** The notification of {@code e} at {@code now}; timestamps never before an earlier one. */
  static AlertNotification of(
      AlertEntry e, NotificationType type, AlertStatus status, Instant now) {
    Severity severity = e.severity == null ? e.rt.rule.severity() : e.severity;
    Map<String, String> labels = e.labels(severity);
    Instant at = e.stamp(now); // never before an earlier timestamp of this alert
    Instant startsAt = e.startsAt == null ? at : e.startsAt;
    return new AlertNotification(
        e.rt.rule.name(),
        status,
        severity,
        e.key.resource(),
        labels,
        render(e.rt.rule.summary(), e, severity, labels) + e.note,
        e.value,
        e.threshold,
        startsAt,
        status == AlertStatus.RESOLVED ? (at.isBefore(startsAt) ? startsAt : at) : null,
        e.fingerprint,
        type,
        render(e.rt.rule.description(), e, severity, labels),
        at,
        e.recentValues());
  }

  static String render(
      String template, AlertEntry e, Severity severity, Map<String, String> labels) {
    if (template.isEmpty()) return "";
    Map<String, String> values = new HashMap<>();
    values.put("rule", e.rt.rule.name());
    values.put("metric", e.rt.rule.metric());
    values.put("resource", e.key.resource());
    values.put("value", Double.isNaN(e.value) ? "no data" : Templates.formatNumber(e.value));
    values.put("threshold", Templates.formatNumber(e.threshold));
    values.put("severity", severity.name());
    return Templates.render(template, values, labels);
  }

  /** Sample labels, then the rule's labels, then the reserved ones: later ones win. */
  static Map<String, String> alertLabels(
      AlertRule rule, String resource, Map<String, String> sampleLabels, Severity severity) {
    Map<String, String> labels = new TreeMap<>(sampleLabels);
    labels.putAll(rule.labels());
    labels.put("alertname", rule.name());
    labels.put("resource", resource);
    labels.put("severity", severity.name().toLowerCase(Locale.ROOT));
    return labels;
  }

  /** Severity is left out so that an alert keeps its identity when its severity changes. */
  static String fingerprint(Map<String, String> labels) {
    Map<String, String> identity = new TreeMap<>(labels);
    identity.remove("severity");
    return Labels.fingerprint(identity);
  }
}
