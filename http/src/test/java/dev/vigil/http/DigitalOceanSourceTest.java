package dev.vigil.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.vigil.AlertNotification;
import dev.vigil.AlertStatus;
import dev.vigil.Sample;
import dev.vigil.SourceException;
import dev.vigil.SourceException.Kind;
import dev.vigil.testing.ManualClock;
import dev.vigil.testing.RecordingPollContext;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;
import mockwebserver3.junit5.StartStop;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The DigitalOcean preset against MockWebServer replaying the shapes of the DigitalOcean API
 * reference: {@code GET /v2/droplets} paginated by the absolute URL in {@code links.pages.next},
 * {@code GET /v2/monitoring/metrics/droplet/{cpu,memory_available,memory_total}} as
 * Prometheus-style matrices with string values, the {@code ratelimit-*} headers of a 429 and the
 * {@code {"id":..,"message":..}} error body.
 */
class DigitalOceanSourceTest {
  static final String TOKEN = "dop_v1_0123456789abcdef0123456789abcdef";

  @StartStop final MockWebServer server = new MockWebServer();
  final ManualClock clock = ManualClock.create();
  final RecordingPollContext context = RecordingPollContext.create("digitalocean", clock);
  final List<Duration> sleeps = new CopyOnWriteArrayList<>();
  final ReplayedApi api =
      new ReplayedApi(
          TOKEN,
          DigitalOceanSourceTest::key,
          error(401, "unauthorized", "Unable to authenticate you."),
          error(404, "not_found", "The resource you requested could not be found."));
  final List<RecordedRequest> requests = api.requests;
  final Map<String, List<MockResponse>> once = api.once;
  final Map<String, MockResponse> answers = api.answers;
  final long t = clock.instant().getEpochSecond();
  DigitalOceanSource source;

  @BeforeEach
  void serve() {
    server.setDispatcher(api);
    answers.put(
        "/v2/droplets?page=1",
        FakeCloud.json(
            "{\"droplets\":["
                + droplet(1, "web-1", "active", "nyc3", "s-1vcpu-1gb", "[\"web\",\"env:prod\"]")
                + ","
                + droplet(2, "old-1", "off", "nyc3", "s-1vcpu-1gb", "[]")
                + "],\"links\":{\"pages\":{\"next\":\""
                + server.url("/v2/droplets?page=2&per_page=200")
                + "\",\"last\":\""
                + server.url("/v2/droplets?page=2&per_page=200")
                + "\"}},\"meta\":{\"total\":3}}"));
    answers.put(
        "/v2/droplets?page=2",
        FakeCloud.json(
            "{\"droplets\":["
                + droplet(3, "db-1", "active", "fra1", "s-2vcpu-4gb", "[]")
                + "],\"links\":{\"pages\":{\"first\":\""
                + server.url("/v2/droplets?page=1&per_page=200")
                + "\"}},\"meta\":{\"total\":3}}"));
    answers.put(
        "cpu 1",
        matrix(
            series("idle", "1000", "1150"),
            series("user", "500", "530"),
            series("system", "200.5", "220.5")));
    answers.put("memory_available 1", matrix(point("268435456")));
    answers.put("memory_total 1", matrix(point("1073741824")));
    answers.put("cpu 3", matrix(series("idle", "5000", "5010"), series("user", "100", "190")));
    answers.put("memory_available 3", matrix());
    answers.put("memory_total 3", matrix());
  }

  static String key(RecordedRequest request) {
    String path = request.getUrl().encodedPath();
    if (path.equals("/v2/droplets"))
      return path + "?page=" + request.getUrl().queryParameter("page");
    String prefix = "/v2/monitoring/metrics/droplet/";
    if (path.startsWith(prefix)) {
      return path.substring(prefix.length()) + " " + request.getUrl().queryParameter("host_id");
    }
    return path;
  }

  @AfterEach
  void close() {
    if (source != null) source.close();
  }

  static String droplet(
      long id, String name, String status, String region, String size, String tags) {
    return "{\"id\":"
        + id
        + ",\"name\":\""
        + name
        + "\",\"memory\":1024,\"vcpus\":1,\"disk\":25,\"locked\":false,\"status\":\""
        + status
        + "\",\"created_at\":\"2020-07-21T18:37:44Z\",\"image\":{\"id\":63663980,\"distribution\":\"Ubuntu\"},"
        + "\"size\":{\"slug\":\""
        + size
        + "\",\"vcpus\":1},\"size_slug\":\""
        + size
        + "\",\"networks\":{\"v4\":[]},\"region\":{\"name\":\"New York 3\",\"slug\":\""
        + region
        + "\",\"available\":true},\"tags\":"
        + tags
        + ",\"vpc_uuid\":\"760e09ef-dc84-11e8-981e-3cfdfeaae000\"}";
  }

  String series(String mode, String first, String last) {
    return "{\"metric\":{\"host_id\":\"1\",\"mode\":\""
        + mode
        + "\"},\"values\":[["
        + (t - 240)
        + ",\""
        + first
        + "\"],["
        + (t - 150)
        + ",\""
        + first
        + "\"],["
        + (t - 60)
        + ",\""
        + last
        + "\"]]}";
  }

  String point(String value) {
    return "{\"metric\":{\"host_id\":\"1\"},\"values\":[["
        + (t - 120)
        + ",\"1\"],["
        + (t - 60)
        + ",\""
        + value
        + "\"]]}";
  }

  static MockResponse matrix(String... series) {
    return FakeCloud.json(
        "{\"status\":\"success\",\"data\":{\"resultType\":\"matrix\",\"result\":["
            + String.join(",", series)
            + "]}}");
  }

  static MockResponse error(int code, String id, String message) {
    return new MockResponse.Builder()
        .code(code)
        .setHeader("Content-Type", "application/json")
        .body("{\"id\":\"" + id + "\",\"message\":\"" + message + "\"}")
        .build();
  }

  DigitalOceanSource.Builder builder() {
    return api.configure(DigitalOceanSource.builder(), server.url("/v2/"), clock, sleeps);
  }

  DigitalOceanSource build(DigitalOceanSource.Builder builder) {
    source = builder.build();
    return source;
  }

  @Test
  void everyPageIsListedAndActiveDropletsGiveCpuRateAndMemoryWithLabels() throws Exception {
    List<Sample> samples = build(builder()).poll(context);

    assertThat(samples)
        .extracting(s -> s.resource() + " " + s.metric() + "=" + s.value())
        .containsExactly(
            "web-1 cpu_usage=25.0", // (30 + 20) busy of 200 seconds
            "web-1 memory_usage=75.0",
            "web-1 memory_available_bytes=2.68435456E8",
            "web-1 memory_total_bytes=1.073741824E9",
            "db-1 cpu_usage=90.0");
    assertThat(samples.get(0).timestamp()).isEqualTo(Instant.ofEpochSecond(t - 60));
    assertThat(samples.get(0).labels())
        .containsExactlyInAnyOrderEntriesOf(
            Map.of(
                "droplet_id",
                "1",
                "region",
                "nyc3",
                "size",
                "s-1vcpu-1gb",
                "tags",
                "web,env:prod"));
    assertThat(context.errors()).isEmpty();
    assertThat(requests.get(0).getTarget()).isEqualTo("/v2/droplets?page=1&per_page=200");
    assertThat(requests.get(1).getTarget()).isEqualTo("/v2/droplets?page=2&per_page=200");
    RecordedRequest cpu = requests.get(2);
    assertThat(cpu.getUrl().encodedPath()).isEqualTo("/v2/monitoring/metrics/droplet/cpu");
    assertThat(cpu.getUrl().queryParameter("host_id")).isEqualTo("1");
    assertThat(cpu.getUrl().queryParameter("end")).isEqualTo(Long.toString(t));
    assertThat(cpu.getUrl().queryParameter("start")).isEqualTo(Long.toString(t - 300));
    assertThat(requests).hasSize(2 + 3 + 3);
  }

  @Test
  void malformedPointIsBadDataNamingUrlAndJsonPathForThatMetricOnly() throws Exception {
    answers.put("cpu 1", matrix(series("idle", "1000", "1150"), series("user", "500", "5.3.0")));

    List<Sample> samples = build(builder()).poll(context);

    assertThat(samples)
        .extracting(s -> s.resource() + " " + s.metric())
        .contains("web-1 memory_usage", "db-1 cpu_usage")
        .doesNotContain("web-1 cpu_usage");
    SourceException e = (SourceException) context.errors().get(0).getValue();
    assertThat(context.errors().get(0).getKey()).isEqualTo("web-1");
    assertThat(e.kind()).isEqualTo(Kind.BAD_DATA);
    assertThat(e.jsonPath()).isEqualTo("$.data.result[1].values[2][1]");
    assertThat(e.url()).contains("/v2/monitoring/metrics/droplet/cpu?host_id=1");
    assertThat(e.getMessage()).contains("expected a number in a string but was STRING \"5.3.0\"");
  }

  @Test
  void counterThatWentDownIsBadDataNeverANegativeRate() throws Exception {
    answers.put("cpu 1", matrix(series("idle", "1000", "10"), series("user", "500", "530")));

    build(builder()).poll(context);

    SourceException e = (SourceException) context.errors().get(0).getValue();
    assertThat(e.getMessage()).contains("the idle counter went down");
  }

  @Test
  void rateLimitedWithRetryAfterWaitsAsTold() throws Exception {
    once.put(
        "cpu 1",
        new CopyOnWriteArrayList<>(
            List.of(rateLimited(clock.instant().plusSeconds(40).getEpochSecond(), "2"))));

    List<Sample> samples = build(builder()).poll(context);

    assertThat(samples).hasSize(5);
    assertThat(sleeps).containsExactly(Duration.ofSeconds(2));
  }

  @Test
  void rateLimitedWithoutRetryAfterWaitsUntilRatelimitReset() throws Exception {
    once.put(
        "/v2/droplets?page=1",
        new CopyOnWriteArrayList<>(
            List.of(rateLimited(clock.instant().plusSeconds(7).getEpochSecond(), null))));

    assertThat(build(builder()).poll(context)).hasSize(5);

    assertThat(sleeps).containsExactly(Duration.ofSeconds(7));
  }

  @Test
  void hourlyLimitSpentFailsThePollAsHttpStatus429WithDigitalOceansMessage() {
    answers.put(
        "/v2/droplets?page=1",
        rateLimited(clock.instant().plusSeconds(1800).getEpochSecond(), null));

    assertThatThrownBy(() -> build(builder()).poll(context))
        .isInstanceOfSatisfying(
            SourceException.class,
            e -> {
              assertThat(e.httpStatus()).isEqualTo(429);
              assertThat(e.getMessage())
                  .contains("RateLimit-Remaining 0 of 5000, RateLimit-Reset in PT30M")
                  .contains("too_many_requests: API Rate limit exceeded.");
            });
  }

  static MockResponse rateLimited(long reset, String retryAfter) {
    MockResponse.Builder b =
        new MockResponse.Builder()
            .code(429)
            .setHeader("Content-Type", "application/json")
            .setHeader("ratelimit-limit", "5000")
            .setHeader("ratelimit-remaining", "0")
            .setHeader("ratelimit-reset", Long.toString(reset))
            .body("{\"id\":\"too_many_requests\",\"message\":\"API Rate limit exceeded.\"}");
    if (retryAfter != null) b.setHeader("Retry-After", retryAfter);
    return b.build();
  }

  @Test
  void wrongTokenFailsThePollAsAuthWithDigitalOceansError() {
    source =
        DigitalOceanSource.builder()
            .baseUrl(server.url("/v2/").toString())
            .bearerToken("dop_v1_wrong")
            .build();

    assertThatThrownBy(() -> source.poll(context))
        .isInstanceOfSatisfying(
            SourceException.class,
            e -> {
              assertThat(e.kind()).isEqualTo(Kind.AUTH);
              assertThat(e.getMessage())
                  .contains("HTTP 401")
                  .contains("unauthorized: Unable to authenticate you.")
                  .doesNotContain("dop_v1_wrong");
            });
    assertThat(requests).hasSize(1);
  }

  @Test
  void nextLinkToAnotherOriginIsRefusedAndThatServerGetsNoRequest() {
    answers.put(
        "/v2/droplets?page=1",
        FakeCloud.json(
            "{\"droplets\":[],\"links\":{\"pages\":{\"next\":\"http://127.0.0.1:1/v2/droplets?page=2\"}}}"));

    assertThatThrownBy(() -> build(builder()).poll(context))
        .isInstanceOfSatisfying(
            SourceException.class,
            e -> {
              assertThat(e.kind()).isEqualTo(Kind.BAD_DATA);
              assertThat(e.getMessage()).contains("not on the origin of baseUrl");
            });
    assertThat(requests).hasSize(1);
  }

  @Test
  void sharedNamesBecomeNameSlashId() throws Exception {
    answers.put(
        "/v2/droplets?page=1",
        FakeCloud.json(
            "{\"droplets\":["
                + droplet(1, "web", "active", "nyc3", "s", "[]")
                + ","
                + droplet(3, "web", "active", "nyc3", "s", "[]")
                + "],\"links\":{}}"));

    List<Sample> samples = build(builder().metrics("cpu")).poll(context);

    assertThat(samples).extracting(Sample::resource).containsExactly("web/1", "web/3");
  }

  /** The seed scenario of docs/sources.md: poll every minute, alert when cpu_usage > 80. */
  @Test
  void seedScenarioFiresHighCpuForTheBusyDropletThroughAMonitor() throws Exception {
    DigitalOceanSource digitalOcean =
        DigitalOceanSource.builder()
            .baseUrl(server.url("/v2/").toString())
            .bearerToken(TOKEN)
            .clock(clock)
            .build();

    AlertNotification n = ReplayedApi.firstHighCpu("digitalocean", digitalOcean, clock);

    assertThat(n.status()).isEqualTo(AlertStatus.FIRING);
    assertThat(n.resource()).isEqualTo("db-1");
    assertThat(n.value()).isEqualTo(90.0);
    assertThat(n.labels()).containsEntry("region", "fra1");
  }
}
