package dev.vigil.tests.sources;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vigil.Alert;
import dev.vigil.AlertRule;
import dev.vigil.MetricSource;
import dev.vigil.MonitorListener;
import dev.vigil.PollContext;
import dev.vigil.ResourceMonitor;
import dev.vigil.Sample;
import dev.vigil.Schedule;
import dev.vigil.SourceException;
import dev.vigil.http.PrometheusSource;
import dev.vigil.testing.Await;
import dev.vigil.tests.services.LocalServer;
import java.io.IOException;
import java.net.HttpURLConnection;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link PrometheusSource} against a real Prometheus (Debian's {@code prometheus}, 2.42) that
 * scrapes itself every second, through a {@link ResourceMonitor}: {@code up}, a {@code rate(...)}
 * expression, NaN as Prometheus renders it ({@code "NaN"}), and a query Prometheus refuses ({@code
 * errorType} {@code bad_data}) each behave as {@code docs/sources-prometheus-and-checks.md} says.
 */
@Tag("integration")
class PrometheusSourceIntegrationTest {
  static final String BINARY = "/usr/bin/prometheus";

  @TempDir static Path dir;
  static @Nullable LocalServer prometheus;

  final List<ResourceMonitor> monitors = new ArrayList<>();
  final List<String> errors = new CopyOnWriteArrayList<>();

  @BeforeAll
  static void startPrometheusAndWaitForItsFirstScrape() throws Exception {
    Path binary = LocalServer.binary(BINARY);
    int port = LocalServer.freePort();
    Path config = dir.resolve("prometheus.yml");
    Files.writeString(
        config,
        String.join(
            "\n",
            "global:",
            "  scrape_interval: 1s",
            "  evaluation_interval: 1s",
            "scrape_configs:",
            "  - job_name: prometheus",
            "    static_configs:",
            "      - targets: ['127.0.0.1:" + port + "']",
            ""),
        StandardCharsets.UTF_8);
    LocalServer server =
        LocalServer.start(
            List.of(
                binary.toString(),
                "--config.file=" + config,
                "--storage.tsdb.path=" + dir.resolve("data"),
                "--web.listen-address=127.0.0.1:" + port),
            dir,
            port,
            "http://127.0.0.1:" + port + "/-/ready",
            Duration.ofSeconds(30));
    prometheus = server;
    Await.until(
        "Prometheus has scraped itself twice (so that rate() has two points)",
        Duration.ofSeconds(30),
        () ->
            query(server, "count_over_time(up[1m])").contains("\"2\"")
                || query(server, "count_over_time(up[1m])").matches("(?s).*\"([3-9]|\\d\\d+)\".*"));
  }

  @AfterAll
  static void stopPrometheus() {
    LocalServer p = prometheus;
    if (p != null) p.close();
  }

  @AfterEach
  void closeMonitors() {
    monitors.forEach(ResourceMonitor::close);
  }

  static LocalServer server() {
    LocalServer p = prometheus;
    if (p == null) throw new IllegalStateException("Prometheus is not running");
    return p;
  }

  /** The raw answer to an instant query, for waiting; empty on failure. */
  static String query(LocalServer server, String promql) {
    try {
      HttpURLConnection c =
          (HttpURLConnection)
              URI.create(
                      server.baseUrl()
                          + "/api/v1/query?query="
                          + URLEncoder.encode(promql, StandardCharsets.UTF_8))
                  .toURL()
                  .openConnection();
      c.setConnectTimeout(1000);
      c.setReadTimeout(2000);
      try {
        return new String(c.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      } finally {
        c.disconnect();
      }
    } catch (IOException e) {
      return "";
    }
  }

  /** Records what its delegate returns, so the test sees the samples the monitor got. */
  static final class Recorded implements MetricSource {
    final MetricSource delegate;
    final List<Sample> samples = new CopyOnWriteArrayList<>();

    Recorded(MetricSource delegate) {
      this.delegate = delegate;
    }

    @Override
    public List<Sample> poll(PollContext context) throws Exception {
      List<Sample> got = delegate.poll(context);
      samples.addAll(got);
      return got;
    }

    @Override
    public void close() throws Exception {
      delegate.close();
    }
  }

  ResourceMonitor monitor(Recorded source, AlertRule... rules) {
    ResourceMonitor.Builder b =
        ResourceMonitor.builder()
            .source("prometheus", Schedule.every(Duration.ofMinutes(1)), source)
            .withoutSinks() // read through activeAlerts() and the listener
            .listener(
                new MonitorListener() {
                  @Override
                  public void onSourceError(
                      String source, @Nullable String resource, Throwable error) {
                    errors.add(resource + ": " + error.getMessage());
                  }
                });
    for (AlertRule r : rules) b.rule(r);
    ResourceMonitor m = b.build();
    monitors.add(m);
    return m;
  }

  PrometheusSource.Builder source() {
    return PrometheusSource.builder().baseUrl(server().baseUrl() + "/");
  }

  @Test
  void upOfThePrometheusJobIsOneAndFiresARuleOnIt() {
    Recorded source = new Recorded(source().query("up", "up").build());
    ResourceMonitor m =
        monitor(source, AlertRule.builder("PrometheusUp").metric("up").above(0.5).build());

    m.pollNow();

    String instance = "127.0.0.1:" + server().port();
    assertThat(source.samples)
        .singleElement()
        .satisfies(
            s -> {
              assertThat(s.metric()).isEqualTo("up");
              assertThat(s.resource()).isEqualTo(instance);
              assertThat(s.labels()).isEqualTo(Map.of("job", "prometheus"));
              assertThat(s.value()).isEqualTo(1);
            });
    assertThat(errors).isEmpty();
    assertThat(m.activeAlerts())
        .extracting(Alert::rule, Alert::resource)
        .containsExactly(org.assertj.core.groups.Tuple.tuple("PrometheusUp", instance));
  }

  @Test
  void rateExpressionGivesOneSampleOfFiniteValuePerSeries() {
    Recorded source =
        new Recorded(
            source()
                .query(
                    "http_rps",
                    "sum by (instance, handler) (rate(prometheus_http_requests_total[1m]))")
                .build());
    ResourceMonitor m = monitor(source);

    m.pollNow();

    assertThat(errors).isEmpty();
    assertThat(source.samples).isNotEmpty();
    assertThat(source.samples)
        .allSatisfy(
            s -> {
              assertThat(s.metric()).isEqualTo("http_rps");
              assertThat(s.resource()).isEqualTo("127.0.0.1:" + server().port());
              assertThat(s.labels()).containsOnlyKeys("handler");
              assertThat(s.value()).isGreaterThanOrEqualTo(0);
            });
    // Our own waiting queries hit /api/v1/query, which is counted and scraped.
    assertThat(source.samples)
        .anySatisfy(s -> assertThat(s.labels()).containsEntry("handler", "/api/v1/query"));
  }

  @Test
  void badPromqlIsASourceErrorWithPrometheusErrorTypeAndError() {
    Recorded source = new Recorded(source().query("broken", "rate(up[1m]))").build());
    ResourceMonitor m = monitor(source);

    m.pollNow();

    assertThat(source.samples).isEmpty();
    assertThat(errors)
        .singleElement()
        .satisfies(
            e ->
                assertThat(e)
                    .startsWith("null: GET " + server().baseUrl() + "/api/v1/query: query broken:")
                    .contains("HTTP 400")
                    .contains("bad_data: ")
                    .contains("parse error"));
    assertThat(m.stats().sources().get("prometheus").failures()).isEqualTo(1);
  }

  @Test
  void nanFromPrometheusIsReportedForItsSeriesAndTheOtherQueryStillGivesSamples() {
    Recorded source =
        new Recorded(source().query("ratio", "(up - up) / (up - up)").query("up", "up").build());
    ResourceMonitor m = monitor(source);

    m.pollNow();

    assertThat(source.samples).extracting(Sample::metric).containsExactly("up");
    assertThat(errors)
        .singleElement()
        .satisfies(
            e ->
                assertThat(e)
                    .startsWith("127.0.0.1:" + server().port() + ": ")
                    .contains("query ratio")
                    .contains("the value is \"NaN\", not a finite number; no sample"));
  }

  @Test
  void errorKindsAreThoseOfSourceException() throws Exception {
    PrometheusSource broken = source().query("broken", "up{").build();
    try {
      broken.poll(
          new PollContext() {
            @Override
            public String sourceName() {
              return "prometheus";
            }

            @Override
            public java.time.Instant now() {
              return java.time.Instant.now();
            }

            @Override
            public void reportError(String resource, Exception error) {}
          });
      throw new AssertionError("the poll should fail");
    } catch (SourceException e) {
      assertThat(e.kind()).isEqualTo(SourceException.Kind.HTTP_STATUS);
      assertThat(e.httpStatus()).isEqualTo(400);
    } finally {
      broken.close();
    }
  }
}
