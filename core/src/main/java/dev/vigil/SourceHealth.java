package dev.vigil;

import static java.util.Objects.requireNonNull;

import java.time.Instant;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import org.jspecify.annotations.Nullable;

/**
 * A source's health: its consecutive failed polls, its health alert ({@value #SOURCE_HEALTH_RULE})
 * and when each resource it lists was last listed. Not thread safe: guarded by the evaluator's
 * lock.
 */
final class SourceHealth {
  static final String SOURCE_HEALTH_RULE = "SourceHealth";

  final String name;

  /** Ticker reading of the last successful poll that listed each resource. */
  final LastSeen resourceSeen = new LastSeen();

  /** Ticker reading of the last time old resources were removed from {@link #resourceSeen}. */
  long lastPurge = Long.MIN_VALUE;

  /** Records that {@code resource} was listed by the poll under way, without boxing. */
  void seen(String resource, long nanos) {
    resourceSeen.put(resource, nanos);
  }

  @Nullable Alert health;
  int consecutiveFailures;

  private final int failuresToAlert;

  SourceHealth(String name, int failuresToAlert) {
    this.name = name;
    this.failuresToAlert = failuresToAlert;
  }

  void failed(Throwable error, Instant now, Emitter emit) {
    consecutiveFailures++;
    if (consecutiveFailures < failuresToAlert) return;
    String cause = cause(error);
    Map<String, String> labels = new TreeMap<>();
    labels.put("alertname", SOURCE_HEALTH_RULE);
    labels.put("resource", name);
    labels.put("severity", "warning");
    labels.put("cause", cause);
    String message = error.getMessage() == null ? error.getClass().getName() : error.getMessage();
    String summary =
        "Source "
            + name
            + " is failing ("
            + cause
            + "): "
            + message
            + (consecutiveFailures > 1 ? " (" + consecutiveFailures + " polls in a row)" : "");
    boolean wasFiring = health != null;
    Alert previous = health;
    Instant startsAt = previous != null ? previous.startsAt() : now;
    health =
        new Alert(
            SOURCE_HEALTH_RULE,
            Severity.WARNING,
            name,
            labels,
            summary,
            consecutiveFailures,
            1,
            startsAt,
            now,
            Notifications.fingerprint(Map.of("alertname", SOURCE_HEALTH_RULE, "resource", name)),
            AlertState.FIRING);
    if (!wasFiring) emitHealth(AlertStatus.FIRING, NotificationType.FIRING, now, emit);
  }

  void succeeded(Instant now, Emitter emit) {
    consecutiveFailures = 0;
    if (health != null) {
      emitHealth(AlertStatus.RESOLVED, NotificationType.RESOLVED, now, emit);
      health = null;
    }
  }

  private void emitHealth(AlertStatus status, NotificationType type, Instant now, Emitter emit) {
    emit.emit(healthNotification(status, type, now));
  }

  AlertNotification healthNotification(AlertStatus status, NotificationType type, Instant now) {
    Alert h = requireNonNull(health, "health");
    return new AlertNotification(
        SOURCE_HEALTH_RULE,
        status,
        h.severity(),
        name,
        h.labels(),
        status == AlertStatus.RESOLVED ? "Source " + name + " recovered" : h.summary(),
        h.value(),
        h.threshold(),
        h.startsAt(),
        status == AlertStatus.RESOLVED ? now : null,
        h.fingerprint(),
        type,
        "",
        now);
  }

  /** auth, timeout, http_status, bad_data, connection, circuit_open, or error for anything else. */
  static String cause(Throwable error) {
    if (error instanceof SourceException se) return se.kind().name().toLowerCase(Locale.ROOT);
    if (error instanceof java.net.SocketTimeoutException) return "timeout";
    if (error instanceof java.io.IOException) return "connection";
    return "error";
  }
}
