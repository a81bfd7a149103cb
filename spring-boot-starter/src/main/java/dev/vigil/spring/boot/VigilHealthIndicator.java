package dev.vigil.spring.boot;

import static java.util.Objects.requireNonNull;

import dev.vigil.Alert;
import dev.vigil.AlertState;
import dev.vigil.MonitorStats;
import dev.vigil.ResourceMonitor;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.jspecify.annotations.Nullable;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.boot.health.contributor.Status;

/**
 * The health of the monitor itself, as {@code /actuator/health/vigil}: its sources and sinks, never
 * the resources it watches (a firing CPU alert is not the application's illness).
 *
 * <ul>
 *   <li>{@code OUT_OF_SERVICE}: not polling: the application is not ready yet, or is shutting down.
 *   <li>{@code DOWN}: every source is failing (its {@code SourceHealth} alert fires): the monitor
 *       is blind.
 *   <li>{@code UP} otherwise, also while some sources fail; each source's detail then says DOWN.
 * </ul>
 *
 * <p>Details: {@code sources} (status, polls, failures, last success, last error), {@code sinks}
 * (delivered, failed attempts, retried, dropped, dead-lettered, pending) and {@code activeAlerts}
 * (count by state). Error texts are the sources' own, which never hold a token. Thread safe.
 */
public final class VigilHealthIndicator implements HealthIndicator {
  private static final String SOURCE_HEALTH = "SourceHealth";

  private final ResourceMonitor monitor;
  private final @Nullable VigilLifecycle lifecycle;

  /**
   * Reports on {@code monitor}; polling is read from {@code lifecycle} when there is one.
   *
   * @throws NullPointerException if {@code monitor} is null
   */
  public VigilHealthIndicator(ResourceMonitor monitor, @Nullable VigilLifecycle lifecycle) {
    this.monitor = requireNonNull(monitor, "monitor == null");
    this.lifecycle = lifecycle;
  }

  @Override
  public Health health() {
    VigilLifecycle l = lifecycle;
    if (l != null && !l.isPolling()) {
      return Health.outOfService()
          .withDetail(
              "reason",
              l.isClosed()
                  ? "the monitor is closed"
                  : "not polling yet: Vigil starts when the application is ready")
          .build();
    }
    MonitorStats stats = monitor.stats();
    List<Alert> alerts = monitor.activeAlerts();
    Set<String> failing = new TreeSet<>();
    Map<String, Integer> byState = new LinkedHashMap<>();
    for (Alert a : alerts) {
      if (a.rule().equals(SOURCE_HEALTH) && a.state() == AlertState.FIRING) {
        failing.add(a.resource());
      }
      byState.merge(a.state().name(), 1, Integer::sum);
    }
    Map<String, Object> sources = new LinkedHashMap<>();
    stats.sources().entrySet().stream()
        .sorted(Map.Entry.comparingByKey())
        .forEach(
            e -> {
              MonitorStats.SourceStats s = e.getValue();
              Map<String, Object> d = new LinkedHashMap<>();
              d.put(
                  "status",
                  failing.contains(e.getKey()) ? Status.DOWN.getCode() : Status.UP.getCode());
              d.put("polls", s.polls());
              d.put("failures", s.failures());
              if (s.lastSuccess() != null) d.put("lastSuccess", String.valueOf(s.lastSuccess()));
              if (s.lastError() != null) d.put("lastError", s.lastError());
              sources.put(e.getKey(), d);
            });
    Map<String, Object> sinks = new LinkedHashMap<>();
    stats.sinks().entrySet().stream()
        .sorted(Map.Entry.comparingByKey())
        .forEach(
            e -> {
              MonitorStats.SinkStats s = e.getValue();
              Map<String, Object> d = new LinkedHashMap<>();
              d.put("delivered", s.delivered());
              d.put("failedAttempts", s.failedAttempts());
              d.put("retried", s.retried());
              d.put("dropped", s.dropped());
              d.put("deadLettered", s.deadLettered());
              d.put("pending", s.pending());
              sinks.put(e.getKey(), d);
            });
    boolean blind = !stats.sources().isEmpty() && failing.containsAll(stats.sources().keySet());
    Health.Builder b = blind ? Health.down() : Health.up();
    return b.withDetail("sources", sources)
        .withDetail("sinks", sinks)
        .withDetail("activeAlerts", byState)
        .build();
  }
}
