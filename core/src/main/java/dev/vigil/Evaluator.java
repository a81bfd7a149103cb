package dev.vigil;

import dev.vigil.internal.Labels;
import dev.vigil.internal.Templates;
import dev.vigil.internal.Throwables;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Evaluates rules against samples and keeps the state of each alert. Guarded by its own lock;
 * notifications are handed to {@code emit} while the lock is held, so the firing and resolved
 * notifications of one alert always reach the sinks in order.
 */
final class Evaluator {
  private static final Logger log = LoggerFactory.getLogger(ResourceMonitor.class);

  private final Map<String, List<AlertRule>> rulesByMetric = new HashMap<>();
  private final MonitorListener listener;
  /** Firing alerts by fingerprint. Only firing alerts hold state, so memory follows the alerts. */
  private final Map<String, Alert> firing = new HashMap<>();

  Evaluator(List<AlertRule> rules, MonitorListener listener) {
    for (AlertRule rule : rules) {
      rulesByMetric.computeIfAbsent(rule.metric(), m -> new ArrayList<>()).add(rule);
    }
    this.listener = listener;
  }

  synchronized void evaluate(List<Sample> samples, Instant now, Consumer<AlertNotification> emit) {
    for (Sample sample : samples) {
      List<AlertRule> rules = rulesByMetric.get(sample.metric());
      if (rules == null) continue;
      for (AlertRule rule : rules) {
        try {
          evaluate(rule, sample, now, emit);
        } catch (Throwable t) {
          Throwables.rethrowIfFatal(t);
          log.warn("Rule {} failed on {} of {}", rule.name(), sample.metric(), sample.resource(), t);
          listener.onRuleError(rule.name(), t);
        }
      }
    }
  }

  private void evaluate(AlertRule rule, Sample sample, Instant now, Consumer<AlertNotification> emit) {
    Map<String, String> labels = alertLabels(rule, sample);
    String fingerprint = fingerprint(labels);
    Alert current = firing.get(fingerprint);
    boolean breaching = rule.breaches(sample.value());
    if (breaching) {
      String summary = summary(rule, sample, labels);
      Instant startsAt = current == null ? now : current.startsAt();
      Alert alert =
          new Alert(
              rule.name(),
              rule.severity(),
              sample.resource(),
              labels,
              summary,
              sample.value(),
              rule.threshold(),
              startsAt,
              now,
              fingerprint);
      firing.put(fingerprint, alert);
      if (current == null) emit.accept(notification(alert, AlertStatus.FIRING, null));
    } else if (current != null) {
      firing.remove(fingerprint);
      Alert resolved =
          new Alert(
              rule.name(),
              rule.severity(),
              sample.resource(),
              labels,
              summary(rule, sample, labels),
              sample.value(),
              rule.threshold(),
              current.startsAt(),
              now,
              fingerprint);
      emit.accept(notification(resolved, AlertStatus.RESOLVED, now));
    }
  }

  synchronized List<Alert> activeAlerts() {
    List<Alert> alerts = new ArrayList<>(firing.values());
    alerts.sort(Comparator.comparing(Alert::rule).thenComparing(Alert::resource)
        .thenComparing(Alert::fingerprint));
    return List.copyOf(alerts);
  }

  private static AlertNotification notification(Alert alert, AlertStatus status, Instant endsAt) {
    return new AlertNotification(
        alert.rule(),
        status,
        alert.severity(),
        alert.resource(),
        alert.labels(),
        alert.summary(),
        alert.value(),
        alert.threshold(),
        alert.startsAt(),
        endsAt,
        alert.fingerprint());
  }

  /** Sample labels, then the rule's labels, then the reserved ones: later ones win. */
  static Map<String, String> alertLabels(AlertRule rule, Sample sample) {
    Map<String, String> labels = new TreeMap<>(sample.labels());
    labels.putAll(rule.labels());
    labels.put("alertname", rule.name());
    labels.put("resource", sample.resource());
    labels.put("severity", rule.severity().name().toLowerCase(java.util.Locale.ROOT));
    return labels;
  }

  /** Severity is left out so that an alert keeps its identity when its severity changes. */
  static String fingerprint(Map<String, String> labels) {
    Map<String, String> identity = new TreeMap<>(labels);
    identity.remove("severity");
    return Labels.fingerprint(identity);
  }

  private static String summary(AlertRule rule, Sample sample, Map<String, String> labels) {
    Map<String, String> values = new HashMap<>();
    values.put("rule", rule.name());
    values.put("metric", rule.metric());
    values.put("resource", sample.resource());
    values.put("value", Templates.formatNumber(sample.value()));
    values.put("threshold", Templates.formatNumber(rule.threshold()));
    values.put("severity", rule.severity().name());
    return Templates.render(rule.summary(), values, labels);
  }
}
