package dev.vigil.alerts;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.vigil.AlertNotification;
import dev.vigil.AlertStatus;
import dev.vigil.NotificationType;
import dev.vigil.PermanentDeliveryException;
import dev.vigil.Severity;
import dev.vigil.testing.ManualClock;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;
import mockwebserver3.junit5.StartStop;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * {@link AlertmanagerSink} against two MockWebServers standing in for two Alertmanager instances.
 * The body is Alertmanager's {@code postableAlerts} ({@code api/v2/openapi.yaml}, {@code POST
 * /alerts}); the re-send and {@code endsAt} rule follow Prometheus' notifier ({@code
 * rules/alerting.go}, {@code resolvedRetention} and {@code ValidUntil} = 4 × resend delay).
 */
class AlertmanagerSinkTest {
  @StartStop final MockWebServer am0 = new MockWebServer();
  @StartStop final MockWebServer am1 = new MockWebServer();
  private final ManualClock clock = ManualClock.startingAt(Instant.parse("2026-11-24T00:01:00Z"));
  private final List<AlertmanagerSink> sinks = new ArrayList<>();

  @AfterEach
  void close() {
    sinks.forEach(AlertmanagerSink::close);
  }

  private AlertmanagerSink sink(HttpSettings http) {
    AlertmanagerSink s =
        AlertmanagerSink.builder()
            .instances(am0.url("/").toString(), am1.url("/").toString())
            .generatorUrl("https://app.example.com/vigil")
            .clock(clock)
            .http(http)
            .build();
    sinks.add(s);
    return s;
  }

  private AlertmanagerSink sink() {
    // Generous: the first request of a JVM loads the HTTP client, on a machine shared by builds.
    return sink(HttpSettings.builder().timeout(Duration.ofSeconds(3)).build());
  }

  private static MockResponse ok() {
    return new MockResponse.Builder().code(200).build();
  }

  private static MockResponse status(int code) {
    return new MockResponse.Builder().code(code).body("{\"message\":\"bad\"}").build();
  }

  @Test
  void postsLabelsAnnotationsAndTimesToEveryInstance() throws Exception {
    am0.enqueue(ok());
    am1.enqueue(ok());
    sink().deliver(Notifications.firing(Severity.WARNING));
    String expected =
        "[{\"labels\":{\"alertname\":\"HighCpu\",\"region\":\"eu-west-1\",\"resource\":\"vm-000001\","
            + "\"severity\":\"warning\"},\"annotations\":{\"summary\":\"CPU usage on vm-000001 is"
            + " 92.4%\",\"threshold\":\"80\",\"value\":\"92.4\"},\"startsAt\":\"2026-11-24T00:00:00Z\","
            + "\"endsAt\":\"2026-11-24T00:05:00Z\",\"generatorURL\":\"https://app.example.com/vigil\"}]";
    for (MockWebServer am : List.of(am0, am1)) {
      RecordedRequest r = am.takeRequest();
      assertThat(r.getMethod()).isEqualTo("POST");
      assertThat(r.getUrl().encodedPath()).isEqualTo("/api/v2/alerts");
      assertThat(r.getBody().utf8()).isEqualTo(expected);
    }
  }

  @Test
  void resolvedAlertEndsAtItsResolutionAndIsNoLongerResent() throws Exception {
    AlertmanagerSink sink = sink();
    for (int i = 0; i < 2; i++) {
      am0.enqueue(ok());
      am1.enqueue(ok());
    }
    sink.deliver(Notifications.firing(Severity.WARNING));
    assertThat(sink.firingCount()).isEqualTo(1);
    sink.deliver(Notifications.resolved(Severity.WARNING));
    assertThat(sink.firingCount()).isZero();
    am0.takeRequest();
    assertThat(am0.takeRequest().getBody().utf8()).contains("\"endsAt\":\"2026-11-24T00:05:00Z\"");
    sink.resendNow();
    assertThat(am0.getRequestCount()).isEqualTo(2);
  }

  @Test
  void firingAlertsAreResentWithEndsAtMovedAhead() throws Exception {
    AlertmanagerSink sink = sink();
    am0.enqueue(ok());
    am1.enqueue(ok());
    sink.deliver(Notifications.firing(Severity.WARNING));
    am0.takeRequest();
    clock.advance(Duration.ofMinutes(1));
    am0.enqueue(ok());
    am1.enqueue(ok());
    sink.resendNow();
    assertThat(am0.takeRequest().getBody().utf8()).contains("\"endsAt\":\"2026-11-24T00:06:00Z\"");
    assertThat(am1.getRequestCount()).isEqualTo(2);
  }

  @Test
  void aNewSeverityEndsTheAlertWithTheOldLabels() throws Exception {
    AlertmanagerSink sink = sink();
    for (int i = 0; i < 2; i++) {
      am0.enqueue(ok());
      am1.enqueue(ok());
    }
    sink.deliver(Notifications.firing(Severity.WARNING));
    AlertNotification critical =
        Notifications.ofType(
            NotificationType.SEVERITY_CHANGED, AlertStatus.FIRING, Severity.CRITICAL, "");
    sink.deliver(critical);
    am0.takeRequest();
    String body = am0.takeRequest().getBody().utf8();
    assertThat(body)
        .contains("\"severity\":\"warning\"},")
        .contains("\"endsAt\":\"2026-11-24T00:01:00Z\"") // the old one, ended now
        .contains("\"severity\":\"critical\"}");
  }

  @Test
  void aHangingInstanceNeverBlocksTheOther() throws Exception {
    am0.enqueue(ok().newBuilder().headersDelay(30, TimeUnit.SECONDS).build());
    am1.enqueue(ok());
    long start = System.nanoTime();
    sink().deliver(Notifications.firing(Severity.WARNING)); // one accepted: delivered
    assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(8));
    assertThat(am1.getRequestCount()).isEqualTo(1);
  }

  @Test
  void everyInstanceFailingIsTransientUnlessAllArePermanent() {
    AlertmanagerSink sink = sink();
    am0.enqueue(status(503));
    am1.enqueue(status(400));
    assertThatThrownBy(() -> sink.deliver(Notifications.firing(Severity.WARNING)))
        .isInstanceOf(IOException.class)
        .hasMessageContaining("no Alertmanager instance accepted")
        .hasMessageContaining("503")
        .hasMessageContaining("400");
    am0.enqueue(status(400));
    am1.enqueue(status(422));
    assertThatThrownBy(() -> sink.deliver(Notifications.firing(Severity.WARNING)))
        .isInstanceOf(PermanentDeliveryException.class);
  }

  @Test
  void labelNamesAlertmanagerRejectsAreRewrittenAndEmptyValuesDropped() {
    AlertNotification n =
        Notifications.firing(
            Severity.INFO, Map.of("k8s.pod/name", "api-1", "empty", "", "9lives", "x"));
    assertThat(AlertmanagerSink.labels(n))
        .containsEntry("k8s_pod_name", "api-1")
        .containsEntry("_9lives", "x")
        .doesNotContainKey("empty")
        .containsEntry("alertname", "HighCpu");
  }

  @Test
  void builderNamesMissingAndBadSettings() {
    assertThatThrownBy(() -> AlertmanagerSink.builder().build())
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("instances is not set");
    assertThatThrownBy(
            () -> AlertmanagerSink.builder().instances("http://a:9093", "http://a:9093/").build())
        .hasMessageContaining("twice");
    assertThatThrownBy(() -> AlertmanagerSink.builder().resendInterval(Duration.ofMillis(10)))
        .hasMessageContaining("resendInterval");
  }
}
