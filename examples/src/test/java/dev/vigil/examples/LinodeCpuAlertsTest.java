package dev.vigil.examples;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vigil.AlertNotification;
import dev.vigil.AlertStatus;
import dev.vigil.ResourceMonitor;
import dev.vigil.testing.RecordingSink;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import mockwebserver3.Dispatcher;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;
import mockwebserver3.junit5.StartStop;
import org.junit.jupiter.api.Test;

/** The bring-your-own-Retrofit example against a replayed provider API, through a monitor. */
class LinodeCpuAlertsTest {
  static final String TOKEN = "linode-pat-0123456789abcdef";

  @StartStop final MockWebServer server = new MockWebServer();
  final List<String> targets = new CopyOnWriteArrayList<>();
  final long now = Instant.now().toEpochMilli();

  void serve() {
    server.setDispatcher(
        new Dispatcher() {
          @Override
          public MockResponse dispatch(RecordedRequest request) {
            targets.add(request.getTarget());
            if (!("Bearer " + TOKEN).equals(request.getHeaders().get("Authorization"))) {
              return json(401, "{\"errors\":[{\"reason\":\"Invalid Token\"}]}");
            }
            return switch (request.getTarget()) {
              case "/v4/linode/instances?page=1&page_size=100" ->
                  json(
                      200,
                      "{\"data\":["
                          + instance(1, "web-1", 2)
                          + ","
                          + instance(2, "db-1", 1)
                          + "],\"page\":1,\"pages\":2,\"results\":3}");
              case "/v4/linode/instances?page=2&page_size=100" ->
                  json(
                      200,
                      "{\"data\":["
                          + instance(3, "broken-1", 1)
                          + "],\"page\":2,\"pages\":2,\"results\":3}");
              case "/v4/linode/instances/1/stats" ->
                  json(200, stats("[" + (now - 300_000) + ",120.0],[" + now + ",180.0]"));
              case "/v4/linode/instances/2/stats" -> json(200, stats("[" + now + ",20.0]"));
              case "/v4/linode/instances/3/stats" -> json(200, stats("[" + now + ",\"n/a\"]"));
              default -> json(404, "{\"errors\":[{\"reason\":\"Not found\"}]}");
            };
          }
        });
  }

  static String instance(long id, String label, int vcpus) {
    return "{\"id\":"
        + id
        + ",\"label\":\""
        + label
        + "\",\"region\":\"eu-central\",\"type\":\"g6-standard-2\",\"status\":\"running\","
        + "\"specs\":{\"disk\":81920,\"memory\":4096,\"vcpus\":"
        + vcpus
        + ",\"transfer\":4000}}";
  }

  static String stats(String cpuPoints) {
    return "{\"data\":{\"cpu\":["
        + cpuPoints
        + "],\"io\":{\"io\":[],\"swap\":[]}},\"title\":\"stats\"}";
  }

  static MockResponse json(int code, String body) {
    return new MockResponse.Builder()
        .code(code)
        .setHeader("Content-Type", "application/json")
        .body(body)
        .build();
  }

  @Test
  void busyInstanceFiresHighCpuWhileABrokenOneIsReportedAsBadData() throws Exception {
    serve();
    RecordingSink sink = RecordingSink.create();
    try (ResourceMonitor monitor =
        LinodeCpuAlerts.monitor(
            LinodeCpuAlerts.source(server.url("/").toString(), () -> TOKEN),
            sink,
            Duration.ofMinutes(1))) {
      monitor.pollNow();

      AlertNotification n = sink.awaitCount(1, Duration.ofSeconds(5)).get(0);
      assertThat(n.status()).isEqualTo(AlertStatus.FIRING);
      assertThat(n.rule()).isEqualTo("HighCpu");
      assertThat(n.resource()).isEqualTo("web-1");
      assertThat(n.value()).isEqualTo(90.0); // 180 over 2 vCPUs
      assertThat(n.summary()).isEqualTo("CPU usage on web-1 is 90%");
      assertThat(n.labels()).containsEntry("region", "eu-central");
      assertThat(monitor.stats().sources().get("linode").resourceErrors()).isEqualTo(1);
      assertThat(monitor.flush(Duration.ofSeconds(5))).isTrue();
      assertThat(sink.notifications()).hasSize(1);
    }
    assertThat(targets)
        .containsExactly(
            "/v4/linode/instances?page=1&page_size=100",
            "/v4/linode/instances?page=2&page_size=100",
            "/v4/linode/instances/1/stats",
            "/v4/linode/instances/2/stats",
            "/v4/linode/instances/3/stats");
  }
}
