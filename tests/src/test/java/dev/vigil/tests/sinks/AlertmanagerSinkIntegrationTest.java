package dev.vigil.tests.sinks;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vigil.AlertNotification;
import dev.vigil.AlertRule;
import dev.vigil.AlertStatus;
import dev.vigil.ResourceMonitor;
import dev.vigil.Sample;
import dev.vigil.Schedule;
import dev.vigil.Severity;
import dev.vigil.alerts.AlertmanagerSink;
import dev.vigil.testing.Await;
import dev.vigil.tests.services.LocalServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link AlertmanagerSink} against real Alertmanager 0.25 processes (Debian's {@code
 * prometheus-alertmanager}). The API is Alertmanager's v2 ({@code api/v2/openapi.yaml}: {@code POST
 * /alerts} takes postable alerts, {@code GET /alerts} lists the active ones); high availability is
 * the documented cluster mode ({@code
 * https://github.com/prometheus/alertmanager#high-availability}: "it's important not to load
 * balance traffic between Prometheus and its Alertmanagers, but instead, point Prometheus to a list
 * of all Alertmanagers"), where the notification log is gossiped and members wait {@code
 * peer-timeout} × their position before notifying.
 */
@Tag("integration")
class AlertmanagerSinkIntegrationTest {
  @TempDir Path dir;

  private static String alerts(LocalServer am) {
    try {
      return AlertmanagerServer.alerts(am);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static AlertNotification notification(AlertStatus status, Instant startsAt) {
    return new AlertNotification(
        "HighCpu",
        status,
        Severity.WARNING,
        "vm-000001",
        Map.of("alertname", "HighCpu", "resource", "vm-000001", "severity", "warning"),
        "CPU usage on vm-000001 is 92.4%",
        92.4,
        80,
        startsAt,
        status == AlertStatus.RESOLVED ? startsAt.plusSeconds(5) : null,
        "8f3a6c0d1e2b4a59");
  }

  @Test
  void firingAlertIsListedByAlertmanagerThenResolves() throws Exception {
    try (HookReceiver hook = new HookReceiver();
        LocalServer am = AlertmanagerServer.start(dir.resolve("am"), hook.url(), 0, List.of())) {
      AlertmanagerSink sink = AlertmanagerSink.builder().instances(am.baseUrl()).build();
      try {
        Instant startsAt = Instant.now().truncatedTo(ChronoUnit.SECONDS).minusSeconds(10);
        sink.deliver(notification(AlertStatus.FIRING, startsAt));
        Await.until(
            "Alertmanager lists the alert as active",
            () -> {
              String body = alerts(am);
              return body.contains("\"alertname\":\"HighCpu\"")
                  && body.contains("\"state\":\"active\"")
                  && body.contains("\"summary\":\"CPU usage on vm-000001 is 92.4%\"");
            });
        Await.until("the receiver got the firing group", () -> hook.count("firing") == 1);

        sink.deliver(notification(AlertStatus.RESOLVED, startsAt));
        Await.until("Alertmanager no longer lists it", () -> !alerts(am).contains("HighCpu"));
        Await.until("the receiver got the resolved group", () -> hook.count("resolved") == 1);
        assertThat(hook.count("firing")).isEqualTo(1);
      } finally {
        sink.close();
      }
    }
  }

  @Test
  void twoReplicasBehindAClusterOfTwoNotifyOnceThenResolveOnce() throws Exception {
    int gossip0 = LocalServer.freePort();
    int gossip1 = LocalServer.freePort();
    try (HookReceiver hook = new HookReceiver();
        LocalServer am0 =
            AlertmanagerServer.start(dir.resolve("am0"), hook.url(), gossip0, List.of(gossip1));
        LocalServer am1 =
            AlertmanagerServer.start(dir.resolve("am1"), hook.url(), gossip1, List.of(gossip0))) {
      Await.until(
          "the two Alertmanagers see each other",
          Duration.ofSeconds(30),
          () -> peers(am0) == 2 && peers(am1) == 2);

      // Two replicas of one application: each has its own monitor, both see the same breach.
      double[] cpu = {95};
      List<ResourceMonitor> replicas = List.of(replica(cpu, am0, am1), replica(cpu, am0, am1));
      try {
        for (ResourceMonitor m : replicas) {
          m.pollNow();
          assertThat(m.flush(Duration.ofSeconds(10))).isTrue();
        }
        Await.until(
            "one firing notification", Duration.ofSeconds(30), () -> hook.count("firing") >= 1);
        // Exactly one: the second member would notify after its peer timeout (2 s) plus the
        // group wait; watch well past that.
        assertStays(
            "exactly one firing notification",
            Duration.ofSeconds(8),
            () -> hook.count("firing") == 1,
            hook::bodies);

        cpu[0] = 50;
        for (ResourceMonitor m : replicas) {
          m.pollNow();
          assertThat(m.flush(Duration.ofSeconds(10))).isTrue();
        }
        Await.until(
            "one resolved notification", Duration.ofSeconds(30), () -> hook.count("resolved") >= 1);
        assertStays(
            "exactly one resolved notification",
            Duration.ofSeconds(8),
            () -> hook.count("resolved") == 1 && hook.count("firing") == 1,
            hook::bodies);
        assertThat(alerts(am0)).doesNotContain("HighCpu");
        assertThat(alerts(am1)).doesNotContain("HighCpu");
      } finally {
        for (ResourceMonitor m : replicas) m.close();
      }
    }
  }

  private static ResourceMonitor replica(double[] cpu, LocalServer am0, LocalServer am1) {
    return ResourceMonitor.builder()
        .source(
            "cloud",
            Schedule.every(Duration.ofMinutes(1)),
            context ->
                List.of(new Sample("cpu_usage", "vm-000001", Map.of(), cpu[0], context.now())))
        .rule(AlertRule.builder("HighCpu").metric("cpu_usage").above(80).build())
        .sink(
            "alertmanager",
            AlertmanagerSink.builder().instances(am0.baseUrl(), am1.baseUrl()).build())
        .build();
  }

  /** How many members {@code GET /api/v2/status} lists in the cluster. */
  private static int peers(LocalServer am) {
    try {
      String status = AlertmanagerServer.status(am);
      int at = status.indexOf("\"peers\":[");
      if (at < 0) return 0;
      String peers = status.substring(at, status.indexOf(']', at));
      return peers.split("\"address\"", -1).length - 1;
    } catch (IOException e) {
      return 0;
    }
  }

  /**
   * Checks that {@code condition} holds throughout {@code window}: proving that a second
   * notification does not come takes watching for it, so this one wait has no earlier way out but
   * failure.
   */
  private static void assertStays(
      String what, Duration window, BooleanSupplier condition, Supplier<Object> details) {
    long end = System.nanoTime() + window.toNanos();
    while (System.nanoTime() - end < 0) {
      assertThat(condition.getAsBoolean()).as(what + " " + details.get()).isTrue();
      LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(50));
    }
    assertThat(condition.getAsBoolean()).as(what + " " + details.get()).isTrue();
  }
}
