package dev.vigil;

import static java.util.Objects.requireNonNull;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * A message for {@link AlertSink}s: an alert started firing or was resolved, or, as {@link #type()}
 * tells, a reminder, a change of severity, missing data, or flapping.
 *
 * <p>Immutable and thread safe. The {@link #labels()} always contain {@code alertname} (the rule
 * name), {@code resource} and {@code severity}, plus the sample's labels and the rule's static
 * labels. The {@link #fingerprint()} identifies the alert across notifications: the firing and the
 * resolved notification of one alert carry the same fingerprint, so sinks can thread them (email
 * replies, Alertmanager grouping).
 *
 * @param rule the name of the rule that raised the alert
 * @param status firing or resolved
 * @param severity the severity of the alert
 * @param resource the resource the alert is about
 * @param labels all labels of the alert, sorted by name
 * @param summary the rule's summary template rendered for this alert
 * @param value the metric value that was evaluated last
 * @param threshold the threshold the value was compared with
 * @param startsAt when the alert started firing
 * @param endsAt when the alert was resolved; null while firing
 * @param fingerprint stable id of the alert: a hash of the rule name and the labels (but severity,
 *     so that an escalated alert keeps its identity)
 * @param type why the notification was sent
 * @param description the rule's description template rendered for this alert; may be empty
 * @param at when the engine made this notification: the time of the transition (or of the
 *     reminder); with {@link #fingerprint()} and {@link #type()} it makes the {@link
 *     #idempotencyKey()}
 * @param recentValues the values the engine evaluated for this alert, oldest first, for a chart
 *     (see {@link Point}): from the evaluation that first breached (pending or firing) up to the
 *     one that made this notification, at most {@link #MAX_RECENT_VALUES}, the latest kept; empty
 *     for a notification without a series behind it (a source's health alert, an absent series) and
 *     for one made by hand. A reminder carries the values of the notification it repeats.
 */
public record AlertNotification(
    String rule,
    AlertStatus status,
    Severity severity,
    String resource,
    Map<String, String> labels,
    String summary,
    double value,
    double threshold,
    Instant startsAt,
    @Nullable Instant endsAt,
    String fingerprint,
    NotificationType type,
    String description,
    Instant at,
    List<Point> recentValues) {

  /** The most {@link #recentValues()} a notification carries: 60 (an hour of one-minute polls). */
  public static final int MAX_RECENT_VALUES = 60;

  /**
   * One value the engine evaluated for an alert, and when (the wall-clock time of that evaluation).
   * The times of one notification's values never decrease, even when the clock stepped back.
   *
   * @param at when the value was evaluated
   * @param value the evaluated value (finite)
   */
  public record Point(Instant at, double value) {
    /**
     * Validates the components.
     *
     * @throws NullPointerException if {@code at} is null
     * @throws IllegalArgumentException if {@code value} is NaN or infinite
     */
    public Point {
      requireNonNull(at, "at == null");
      if (!Double.isFinite(value)) {
        throw new IllegalArgumentException("value must be finite, was " + value);
      }
    }
  }

  /**
   * Validates and copies the components.
   *
   * @throws NullPointerException if a component other than {@code endsAt} is null
   * @throws IllegalArgumentException if a resolved notification has no {@code endsAt}, or there are
   *     more than {@link #MAX_RECENT_VALUES} recent values
   */
  public AlertNotification {
    requireNonNull(rule, "rule == null");
    requireNonNull(status, "status == null");
    requireNonNull(severity, "severity == null");
    requireNonNull(resource, "resource == null");
    requireNonNull(labels, "labels == null");
    requireNonNull(summary, "summary == null");
    requireNonNull(startsAt, "startsAt == null");
    requireNonNull(fingerprint, "fingerprint == null");
    requireNonNull(type, "type == null");
    requireNonNull(description, "description == null");
    requireNonNull(at, "at == null");
    requireNonNull(recentValues, "recentValues == null");
    if (status == AlertStatus.RESOLVED && endsAt == null) {
      throw new IllegalArgumentException("a RESOLVED notification needs endsAt");
    }
    if (recentValues.size() > MAX_RECENT_VALUES) {
      throw new IllegalArgumentException(
          "at most " + MAX_RECENT_VALUES + " recent values, got " + recentValues.size());
    }
    labels = dev.vigil.internal.Labels.sortedCopy(labels);
    recentValues = List.copyOf(recentValues);
  }

  /**
   * Creates a notification without {@link #recentValues()}.
   *
   * @throws NullPointerException if a component other than {@code endsAt} is null
   * @throws IllegalArgumentException if a resolved notification has no {@code endsAt}
   */
  public AlertNotification(
      String rule,
      AlertStatus status,
      Severity severity,
      String resource,
      Map<String, String> labels,
      String summary,
      double value,
      double threshold,
      Instant startsAt,
      @Nullable Instant endsAt,
      String fingerprint,
      NotificationType type,
      String description,
      Instant at) {
    this(
        rule,
        status,
        severity,
        resource,
        labels,
        summary,
        value,
        threshold,
        startsAt,
        endsAt,
        fingerprint,
        type,
        description,
        at,
        List.of());
  }

  /**
   * Creates a notification made at its {@code endsAt}, or else its {@code startsAt}.
   *
   * @throws NullPointerException if a component other than {@code endsAt} is null
   * @throws IllegalArgumentException if a resolved notification has no {@code endsAt}
   */
  public AlertNotification(
      String rule,
      AlertStatus status,
      Severity severity,
      String resource,
      Map<String, String> labels,
      String summary,
      double value,
      double threshold,
      Instant startsAt,
      @Nullable Instant endsAt,
      String fingerprint,
      NotificationType type,
      String description) {
    this(
        rule,
        status,
        severity,
        resource,
        labels,
        summary,
        value,
        threshold,
        startsAt,
        endsAt,
        fingerprint,
        type,
        description,
        endsAt != null ? endsAt : requireNonNull(startsAt, "startsAt == null"));
  }

  /**
   * Returns this notification with another {@link #type()}, everything else (also {@link #at()})
   * unchanged: a reminder or a late announcement of the same transition.
   *
   * @throws NullPointerException if {@code type} is null
   */
  public AlertNotification withType(NotificationType type) {
    return new AlertNotification(
        rule,
        status,
        severity,
        resource,
        labels,
        summary,
        value,
        threshold,
        startsAt,
        endsAt,
        fingerprint,
        requireNonNull(type, "type == null"),
        description,
        at,
        recentValues);
  }

  /**
   * Returns a key that is the same for every delivery attempt of this notification, also after a
   * restart, and differs between notifications: {@code <fingerprint>-<type>-<at in epoch millis>}.
   * Receivers de-duplicate on it (at-least-once delivery may repeat a notification).
   */
  public String idempotencyKey() {
    return fingerprint + "-" + type + "-" + at.toEpochMilli();
  }

  /**
   * Creates a plain firing or resolved notification without description.
   *
   * @throws NullPointerException if a component other than {@code endsAt} is null
   * @throws IllegalArgumentException if a resolved notification has no {@code endsAt}
   */
  public AlertNotification(
      String rule,
      AlertStatus status,
      Severity severity,
      String resource,
      Map<String, String> labels,
      String summary,
      double value,
      double threshold,
      Instant startsAt,
      @Nullable Instant endsAt,
      String fingerprint) {
    this(
        rule,
        status,
        severity,
        resource,
        labels,
        summary,
        value,
        threshold,
        startsAt,
        endsAt,
        fingerprint,
        status == AlertStatus.FIRING ? NotificationType.FIRING : NotificationType.RESOLVED,
        "");
  }
}
