package dev.vigil.alerts;

import static java.util.Objects.requireNonNull;

import dev.vigil.AlertGroup;
import dev.vigil.AlertGroupSink;
import dev.vigil.AlertNotification;
import dev.vigil.AlertStatus;
import dev.vigil.internal.Templates;
import java.time.Instant;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.event.Level;
import org.slf4j.spi.LoggingEventBuilder;

/**
 * Writes one SLF4J log line per notification, as {@code key=value} pairs:
 *
 * <pre>
 * alert status=FIRING type=REMINDER rule=HighCpu severity=WARNING resource=vm-000001 value=92.4
 *     threshold=80 startsAt=2026-11-24T00:00:00Z fingerprint=8f3a...
 *     summary="CPU usage on vm-000001 is 92.4%" description="Runbook: https://wiki/HighCpu"
 *     labels={region=eu-west-1}
 * </pre>
 *
 * (shown on four lines here; it is one line in the log). {@code type} says why the notification was
 * sent ({@link dev.vigil.NotificationType}): a {@code REMINDER} or a {@code SEVERITY_CHANGED} is
 * not a new alert. {@code description} is the rule's rendered description and is left out when
 * empty; its line breaks are escaped like any other value. Resolved notifications add {@code
 * endsAt}. The {@code labels} leave out {@code alertname}, {@code resource} and {@code severity},
 * which the line already shows (the {@code severity} label in any letter case).
 *
 * <p><b>Levels.</b> Firing {@link dev.vigil.Severity#CRITICAL CRITICAL} alerts log at {@code
 * ERROR}, {@link dev.vigil.Severity#WARNING WARNING} at {@code WARN}, {@link
 * dev.vigil.Severity#INFO INFO} at {@code INFO}; every notification with status {@link
 * AlertStatus#RESOLVED RESOLVED} logs at {@code INFO}. The {@code severity} value is always the
 * upper-case enum name, as in the email subject.
 *
 * <p><b>Untrusted text.</b> Values that contain spaces, quotes, {@code =}, {@code ,} or braces are
 * quoted; CR, LF and other control characters are escaped ({@code \n}, {@code \r}, {@code \}{@code
 * uXXXX}) in every value, so a label can never forge a second log line.
 *
 * <p><b>Fields.</b> With {@link Builder#keyValues(boolean)} each line also carries the
 * notification's fields as SLF4J 2 key-value pairs ({@code alert.status}, {@code alert.rule},
 * {@code alert.value}, {@code alert.label.region}, ...; see {@link #keyValues}), so JSON encoders
 * write them as fields. Off by default: plain-text encoders would print every fact twice.
 *
 * <p><b>Groups.</b> A group ({@link AlertGroupSink}) logs one line that introduces it, {@code
 * alert-group kind=GROUP key="{}:{alertname=\"HighCpu\"}" size=3 firing=2 resolved=1
 * idempotencyKey=group-... groupLabels={alertname=HighCpu}}, at the level of its most urgent
 * notification, then the line of each notification as above.
 *
 * <p>Immutable and thread safe; {@link #close()} does nothing.
 */
public final class LogAlertSink implements AlertGroupSink {
  /** The logger name used by {@link #create()}. */
  public static final String DEFAULT_LOGGER = "dev.vigil.alerts";

  private final Logger logger;
  private final boolean keyValues;

  private LogAlertSink(Builder builder) {
    Logger given = builder.instance;
    this.logger = given != null ? given : LoggerFactory.getLogger(builder.logger);
    this.keyValues = builder.keyValues;
  }

  /** Returns a sink that logs to the logger {@value #DEFAULT_LOGGER}. */
  public static LogAlertSink create() {
    return builder().build();
  }

  /** Returns a new builder. */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * Logs {@code notification} as one line.
   *
   * @throws NullPointerException if {@code notification} is null
   */
  @Override
  public void deliver(AlertNotification notification) {
    requireNonNull(notification, "notification == null");
    Level level = level(notification);
    if (!logger.isEnabledForLevel(level)) return;
    LoggingEventBuilder event = logger.atLevel(level);
    if (keyValues) event = keyValues(event, notification);
    event.log(format(notification));
  }

  /**
   * Logs one line for {@code group}, then one line per notification.
   *
   * @throws NullPointerException if {@code group} is null
   */
  @Override
  public void deliverGroup(AlertGroup group) {
    requireNonNull(group, "group == null");
    Level level = Level.INFO;
    for (AlertNotification n : group.notifications()) {
      Level l = level(n);
      if (l.toInt() > level.toInt()) level = l;
    }
    if (logger.isEnabledForLevel(level)) logger.atLevel(level).log(format(group));
    for (AlertNotification n : group.notifications()) deliver(n);
  }

  /** Returns the line that introduces {@code g}. */
  static String format(AlertGroup g) {
    StringBuilder line = new StringBuilder(160).append("alert-group");
    pair(line, "kind", g.kind().name());
    pair(line, "key", g.groupKey());
    pair(line, "size", Integer.toString(g.notifications().size()));
    pair(line, "firing", Integer.toString(g.firing()));
    pair(line, "resolved", Integer.toString(g.resolved()));
    pair(line, "idempotencyKey", g.idempotencyKey());
    line.append(" groupLabels={");
    boolean first = true;
    for (Map.Entry<String, String> label : g.groupLabels().entrySet()) {
      if (!first) line.append(',');
      first = false;
      line.append(Text.logValue(label.getKey()))
          .append('=')
          .append(Text.logValue(label.getValue()));
    }
    return line.append('}').toString();
  }

  /**
   * Adds the notification's fields as SLF4J 2 key-value pairs, for encoders that write them as
   * fields (logstash-logback-encoder, Log4j's JSON layouts): {@code alert.status}, {@code
   * alert.type}, {@code alert.rule}, {@code alert.severity}, {@code alert.resource}, {@code
   * alert.value} and {@code alert.threshold} (numbers), {@code alert.startsAt}, {@code
   * alert.endsAt}, {@code alert.fingerprint}, {@code alert.idempotencyKey}, {@code alert.summary},
   * {@code alert.description} and {@code alert.label.<name>} per label. Text values are escaped as
   * in the line ({@code \n}, {@code \}{@code uXXXX}), because some encoders (slf4j-simple) print
   * pairs as they are.
   */
  static LoggingEventBuilder keyValues(LoggingEventBuilder event, AlertNotification n) {
    LoggingEventBuilder e = event;
    e = e.addKeyValue("alert.status", n.status().name());
    e = e.addKeyValue("alert.type", n.type().name());
    e = e.addKeyValue("alert.rule", Text.escape(n.rule()));
    e = e.addKeyValue("alert.severity", n.severity().name());
    e = e.addKeyValue("alert.resource", Text.escape(n.resource()));
    e = e.addKeyValue("alert.value", n.value());
    e = e.addKeyValue("alert.threshold", n.threshold());
    e = e.addKeyValue("alert.startsAt", n.startsAt().toString());
    Instant endsAt = n.endsAt();
    if (endsAt != null) e = e.addKeyValue("alert.endsAt", endsAt.toString());
    e = e.addKeyValue("alert.fingerprint", Text.escape(n.fingerprint()));
    e = e.addKeyValue("alert.idempotencyKey", n.idempotencyKey());
    e = e.addKeyValue("alert.summary", Text.escape(n.summary()));
    if (!n.description().isEmpty())
      e = e.addKeyValue("alert.description", Text.escape(n.description()));
    for (Map.Entry<String, String> label : n.labels().entrySet()) {
      e =
          e.addKeyValue(
              "alert.label." + Text.escape(label.getKey()), Text.escape(label.getValue()));
    }
    return e;
  }

  /** Returns the level a notification is logged at. */
  static Level level(AlertNotification n) {
    if (n.status() == AlertStatus.RESOLVED) return Level.INFO;
    // No default: a new Severity constant must be mapped here or this does not compile.
    return switch (n.severity()) {
      case CRITICAL -> Level.ERROR;
      case WARNING -> Level.WARN;
      case INFO -> Level.INFO;
    };
  }

  /** Returns the log line for {@code n}; it never contains a line break or control character. */
  static String format(AlertNotification n) {
    StringBuilder line = new StringBuilder(256).append("alert");
    pair(line, "status", n.status().name());
    pair(line, "type", n.type().name());
    pair(line, "rule", n.rule());
    pair(line, "severity", n.severity().name());
    pair(line, "resource", n.resource());
    pair(line, "value", Templates.formatNumber(n.value()));
    pair(line, "threshold", Templates.formatNumber(n.threshold()));
    pair(line, "startsAt", n.startsAt().toString());
    Instant endsAt = n.endsAt();
    if (endsAt != null) pair(line, "endsAt", endsAt.toString());
    pair(line, "fingerprint", n.fingerprint());
    pair(line, "summary", n.summary());
    if (!n.description().isEmpty()) pair(line, "description", n.description());
    line.append(" labels={");
    boolean first = true;
    for (Map.Entry<String, String> label : n.labels().entrySet()) {
      if (isShown(n, label.getKey(), label.getValue())) continue;
      if (!first) line.append(',');
      first = false;
      line.append(Text.logValue(label.getKey()))
          .append('=')
          .append(Text.logValue(label.getValue()));
    }
    return line.append('}').toString();
  }

  /**
   * True for the labels that repeat a field the line already shows. The monitor writes the {@code
   * severity} label in lower case ({@code warning}) while the line shows the enum name ({@code
   * WARNING}), so severity compares ignoring case.
   */
  private static boolean isShown(AlertNotification n, String name, String value) {
    return switch (name) {
      case "alertname" -> value.equals(n.rule());
      case "resource" -> value.equals(n.resource());
      case "severity" -> value.equalsIgnoreCase(n.severity().name());
      default -> false;
    };
  }

  private static void pair(StringBuilder line, String key, String value) {
    line.append(' ').append(key).append('=').append(Text.logValue(value));
  }

  @Override
  public String toString() {
    return "LogAlertSink{logger=" + logger.getName() + "}";
  }

  /** Builds a {@link LogAlertSink}. Not thread safe. */
  public static final class Builder {
    private String logger = DEFAULT_LOGGER;
    private @Nullable Logger instance;
    private boolean keyValues;

    private Builder() {}

    /**
     * Sets the name of the SLF4J logger; {@value LogAlertSink#DEFAULT_LOGGER} by default.
     *
     * @throws NullPointerException if {@code name} is null
     * @throws IllegalArgumentException if {@code name} is blank
     */
    public Builder logger(String name) {
      requireNonNull(name, "logger == null");
      if (name.isBlank()) throw new IllegalArgumentException("logger is blank");
      this.logger = name;
      return this;
    }

    /**
     * Adds the notification's fields to every event as SLF4J 2 key-value pairs, for JSON encoders
     * (logstash-logback-encoder, Log4j's JSON template layout). Off by default.
     */
    public Builder keyValues(boolean enabled) {
      this.keyValues = enabled;
      return this;
    }

    /** For tests: logs to {@code logger} itself. */
    Builder loggerInstance(Logger logger) {
      this.instance = requireNonNull(logger, "logger == null");
      return this;
    }

    /** Returns a new sink with this builder's settings. */
    public LogAlertSink build() {
      return new LogAlertSink(this);
    }
  }
}
