package dev.vigil.alerts;

import static java.util.Objects.requireNonNull;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The subject, plain text and HTML of {@link EmailAlertSink}'s emails, for one alert and for a
 * digest of a group; override the parts you want to change, the others stay the built-in ones
 * ({@link #DEFAULT}). Set it with {@link EmailAlertSink.Builder#template(EmailTemplate)}.
 *
 * <pre>{@code
 * EmailTemplate ours = new EmailTemplate() {
 *   @Override public String subject(AlertValues a) {
 *     return a.severity() + " " + a.resource() + ": " + a.summary();
 *   }
 *   @Override public String html(AlertValues a) {
 *     return "<h2>" + a.headline() + "</h2><p>" + a.summary() + "</p>" + a.chart()
 *         + "<p><a href=\"https://runbooks.example.com/\">Runbooks</a></p>";
 *   }
 * };
 * EmailAlertSink email = EmailAlertSink.builder()...html(true).template(ours).build();
 * }</pre>
 *
 * <p><b>Escaping is done for you.</b> A template never sees the raw notification, only {@link
 * AlertValues} and {@link GroupValues} made for the part it writes: for {@link #html} and {@link
 * #digestHtml} every text value is already HTML-escaped ({@code & < > " '}), so a label holding
 * {@code <script>} shows as text however the template uses it, in element text or in a quoted
 * attribute; for {@link #text} and {@link #digestText} control characters are escaped ({@code \n},
 * {@code \r}, {@code \}{@code u202e}), so a value cannot start a line of its own; for the subjects
 * the values are as they are and the sink makes the result header safe. Values are not URL-encoded:
 * do not put them inside a {@code href} or {@code src} URL, a {@code style} or a {@code script}.
 * Markup comes only from the template's own text.
 *
 * <p><b>What the sink does with the result.</b> It puts its {@code subjectPrefix} ({@code
 * "[Vigil]"}) in front of the subject, replaces control characters and line breaks by spaces and
 * cuts it to {@value EmailAlertSink#MAX_SUBJECT} characters on a grapheme boundary. It sends the
 * text as {@code text/plain} and the HTML (with {@link EmailAlertSink.Builder#html(boolean)}) as
 * {@code text/html}, both UTF-8.
 *
 * <p><b>Failure.</b> A template method that throws or returns null is a bug, but the alert must
 * still go out: the sink logs it at WARN (at most once a minute per part) and uses the built-in
 * template for that part of that email.
 *
 * <p><b>Threading.</b> Methods are called on delivery threads, possibly at the same time: an
 * implementation must be thread safe (stateless, ideally) and fast; it must not block.
 */
public interface EmailTemplate {
  /** The built-in template, as described on {@link EmailAlertSink}. */
  EmailTemplate DEFAULT = new EmailTemplate() {};

  /**
   * Returns the subject of one alert's email, without the prefix: by default {@code FIRING WARNING
   * HighCpu on vm-1: CPU usage on vm-1 is 92.4%} (the type, the status in parentheses when the type
   * does not imply it, the severity, rule, resource and summary).
   *
   * @param alert the alert's values, not escaped
   */
  default String subject(AlertValues alert) {
    return EmailTemplates.subject(alert);
  }

  /**
   * Returns the plain-text body of one alert's email: by default the summary, the description, then
   * one line per fact, the labels and the fingerprint.
   *
   * @param alert the alert's values, control characters escaped
   */
  default String text(AlertValues alert) {
    return EmailTemplates.text(alert);
  }

  /**
   * Returns the HTML body of one alert's email: by default the headline, summary, description, the
   * chart ({@link AlertValues#chart()}) and a table of facts and labels.
   *
   * @param alert the alert's values, HTML-escaped
   */
  default String html(AlertValues alert) {
    return EmailTemplates.html(alert);
  }

  /**
   * Returns the subject of a digest, without the prefix: by default its {@link
   * GroupValues#title()}, such as {@code 50 alerts: 50 FIRING (alertname=HighCpu)}.
   *
   * @param group the group's values, not escaped
   */
  default String digestSubject(GroupValues group) {
    return group.title();
  }

  /**
   * Returns the plain-text body of a digest: by default the title, then per alert its headline,
   * summary, facts and fingerprint.
   *
   * @param group the group's values, control characters escaped
   */
  default String digestText(GroupValues group) {
    return EmailTemplates.digestText(group);
  }

  /**
   * Returns the HTML body of a digest: by default the title, then per alert its headline, summary,
   * description, chart (the first {@value EmailAlertSink#MAX_DIGEST_CHARTS} alerts with one) and
   * facts.
   *
   * @param group the group's values, HTML-escaped
   */
  default String digestHtml(GroupValues group) {
    return EmailTemplates.digestHtml(group);
  }

  /**
   * The values of one notification, as text made safe for the part being written (see {@link
   * EmailTemplate}). Immutable.
   *
   * @param headline {@code FIRING WARNING HighCpu on vm-1}, or {@code FIRING (REMINDER) ...} when
   *     the type is not the plain firing or resolution
   * @param status {@code FIRING} or {@code RESOLVED}
   * @param type the {@link dev.vigil.NotificationType}, such as {@code REMINDER}
   * @param severity {@code CRITICAL}, {@code WARNING} or {@code INFO}
   * @param rule the rule's name
   * @param resource the resource
   * @param summary the rendered summary
   * @param description the rendered description, its lines separated by {@code \n}; may be empty
   * @param value the value, formatted for people ({@code 92.4})
   * @param threshold the threshold, formatted for people ({@code 80})
   * @param startsAt when the alert started, ISO-8601 UTC ({@code 2026-11-24T00:00:00Z})
   * @param endsAt when it was resolved, ISO-8601 UTC; empty while it fires
   * @param facts {@code value 92.4, threshold 80, since 2026-11-24T00:00:00Z (, until ...)}
   * @param fingerprint the alert's fingerprint
   * @param labels every label, names and values escaped as the other values, in the order of the
   *     raw names
   * @param chart in the HTML part, an {@code <img>} element that shows the chart of the recent
   *     values, made by the sink (not escaped, it is markup), or empty when there is no chart;
   *     always empty in the subject and the text
   */
  record AlertValues(
      String headline,
      String status,
      String type,
      String severity,
      String rule,
      String resource,
      String summary,
      String description,
      String value,
      String threshold,
      String startsAt,
      String endsAt,
      String facts,
      String fingerprint,
      Map<String, String> labels,
      String chart) {
    /**
     * Validates and copies the components.
     *
     * @throws NullPointerException if a component is null
     */
    public AlertValues {
      requireNonNull(headline, "headline == null");
      requireNonNull(status, "status == null");
      requireNonNull(type, "type == null");
      requireNonNull(severity, "severity == null");
      requireNonNull(rule, "rule == null");
      requireNonNull(resource, "resource == null");
      requireNonNull(summary, "summary == null");
      requireNonNull(description, "description == null");
      requireNonNull(value, "value == null");
      requireNonNull(threshold, "threshold == null");
      requireNonNull(startsAt, "startsAt == null");
      requireNonNull(endsAt, "endsAt == null");
      requireNonNull(facts, "facts == null");
      requireNonNull(fingerprint, "fingerprint == null");
      labels = copy(labels);
      requireNonNull(chart, "chart == null");
    }
  }

  /**
   * The values of a group sent as one digest, as text made safe for the part being written (see
   * {@link EmailTemplate}). Immutable.
   *
   * @param title {@code 3 alerts: 2 FIRING, 1 RESOLVED (alertname=HighCpu)}, with {@code Digest: }
   *     in front for what a sink budget held back
   * @param kind {@code GROUP} or {@code DIGEST} ({@link dev.vigil.AlertGroup.Kind})
   * @param firing how many of the alerts fire
   * @param resolved how many are resolved
   * @param groupLabels the labels the group shares, escaped as the other values
   * @param alerts the values of each notification, in the group's order
   */
  record GroupValues(
      String title,
      String kind,
      int firing,
      int resolved,
      Map<String, String> groupLabels,
      List<AlertValues> alerts) {
    /**
     * Validates and copies the components.
     *
     * @throws NullPointerException if a component is null
     */
    public GroupValues {
      requireNonNull(title, "title == null");
      requireNonNull(kind, "kind == null");
      groupLabels = copy(groupLabels);
      alerts = List.copyOf(alerts);
    }
  }

  /** An unmodifiable copy of {@code labels} in their iteration order (escaping may reorder). */
  private static Map<String, String> copy(Map<String, String> labels) {
    requireNonNull(labels, "labels == null");
    Map<String, String> copy = new LinkedHashMap<>();
    labels.forEach(
        (k, v) ->
            copy.put(
                requireNonNull(k, "label name == null"),
                requireNonNull(v, "label " + k + " == null")));
    return Collections.unmodifiableMap(copy);
  }
}
