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
 * The Hetzner Cloud preset against MockWebServer replaying the shapes of the Hetzner Cloud API
 * documentation (docs.hetzner.cloud): {@code GET /v1/servers} paginated by {@code
 * meta.pagination.next_page}, {@code GET /v1/servers/{id}/metrics} with {@code [timestamp,
 * "string"]} points, the {@code RateLimit-*} headers of a 429 and the {@code
 * {"error":{"code":..,"message":..}}} body.
 */
class HetznerCloudSourceTest {
  static final String TOKEN = "hcloud-token-5f3c9a8b7e6d";

  @StartStop final MockWebServer server = new MockWebServer();
  final ManualClock clock = ManualClock.create();
  final RecordingPollContext context = RecordingPollContext.create("hetzner", clock);
  final List<Duration> sleeps = new CopyOnWriteArrayList<>();
  final ReplayedApi api =
      new ReplayedApi(
          TOKEN,
          HetznerCloudSourceTest::key,
          error(401, "unauthorized", "unable to authenticate"),
          error(404, "not_found", "no such resource"));
  final List<RecordedRequest> requests = api.requests;
  final Map<String, List<MockResponse>> once = api.once;
  final Map<String, MockResponse> answers = api.answers;
  HetznerCloudSource source;

  @BeforeEach
  void serve() {
    server.setDispatcher(api);
    long t = clock.instant().getEpochSecond();
    answers.put(
        "/v1/servers?page=1",
        FakeCloud.json(
            "{\"servers\":["
                + server(
                    42,
                    "web-1",
                    "running",
                    "cx22",
                    2,
                    "{\"env\":\"prod\",\"kubernetes.io/role\":\"node\"}")
                + ","
                + server(43, "db-1", "off", "cx32", 4, "{}")
                + "],\"meta\":{\"pagination\":{\"page\":1,\"per_page\":50,\"previous_page\":null,"
                + "\"next_page\":2,\"last_page\":2,\"total_entries\":3}}}"));
    answers.put(
        "/v1/servers?page=2",
        FakeCloud.json(
            "{\"servers\":["
                + server(44, "web-2", "running", "cpx41", 8, "{}")
                + "],\"meta\":{\"pagination\":{\"page\":2,\"per_page\":50,\"previous_page\":1,"
                + "\"next_page\":null,\"last_page\":2,\"total_entries\":3}}}"));
    answers.put(
        "/v1/servers/42/metrics",
        metrics(
            "\"cpu\":{\"values\":[["
                + (t - 120)
                + ".5,\"30\"],["
                + (t - 60)
                + ".5,\"170.5\"]]},"
                + "\"disk.0.iops.read\":{\"values\":[["
                + (t - 60)
                + ",\"12.25\"]]},"
                + "\"network.0.bandwidth.in\":{\"values\":[]}"));
    answers.put(
        "/v1/servers/44/metrics", metrics("\"cpu\":{\"values\":[[" + (t - 60) + ",\"200\"]]}"));
  }

  static String key(RecordedRequest request) {
    String path = request.getUrl().encodedPath();
    return path
        + (path.equals("/v1/servers") ? "?page=" + request.getUrl().queryParameter("page") : "");
  }

  @AfterEach
  void close() {
    if (source != null) source.close();
  }

  static String server(long id, String name, String status, String type, int cores, String labels) {
    return "{\"id\":"
        + id
        + ",\"name\":\""
        + name
        + "\",\"status\":\""
        + status
        + "\",\"created\":\"2016-01-30T23:50:00+00:00\",\"public_net\":{\"ipv4\":{\"ip\":\"1.2.3.4\"}},"
        + "\"server_type\":{\"id\":1,\"name\":\""
        + type
        + "\",\"description\":\"\",\"cores\":"
        + cores
        + ",\"memory\":4,\"disk\":40,\"cpu_type\":\"shared\",\"architecture\":\"x86\"},"
        + "\"datacenter\":{\"id\":1,\"name\":\"fsn1-dc14\",\"description\":\"Falkenstein 1 DC14\","
        + "\"location\":{\"id\":1,\"name\":\"fsn1\",\"city\":\"Falkenstein\",\"country\":\"DE\"}},"
        + "\"labels\":"
        + labels
        + ",\"protection\":{\"delete\":false,\"rebuild\":false}}";
  }

  static MockResponse metrics(String series) {
    return FakeCloud.json(
        "{\"metrics\":{\"start\":\"2017-01-01T00:00:00+00:00\",\"end\":\"2017-01-01T23:00:00+00:00\","
            + "\"step\":60,\"time_series\":{"
            + series
            + "}}}");
  }

  static MockResponse error(int code, String errorCode, String message) {
    return new MockResponse.Builder()
        .code(code)
        .setHeader("Content-Type", "application/json")
        .body(
            "{\"error\":{\"code\":\""
                + errorCode
                + "\",\"message\":\""
                + message
                + "\",\"details\":null}}")
        .build();
  }

  HetznerCloudSource.Builder builder() {
    return api.configure(HetznerCloudSource.builder(), server.url("/v1/"), clock, sleeps);
  }

  HetznerCloudSource build(HetznerCloudSource.Builder builder) {
    source = builder.build();
    return source;
  }

  @Test
  void everyPageIsListedAndRunningServersGiveNormalisedCpuAndTheirSeriesWithLabels()
      throws Exception {
    List<Sample> samples = build(builder()).poll(context);

    long t = clock.instant().getEpochSecond();
    assertThat(samples)
        .extracting(s -> s.resource() + " " + s.metric() + "=" + s.value())
        .containsExactly(
            "web-1 cpu_usage=85.25", // 170.5 over 2 vCPUs
            "web-1 disk_0_iops_read=12.25",
            "web-2 cpu_usage=25.0"); // 200 over 8 vCPUs
    Sample cpu = samples.get(0);
    assertThat(cpu.timestamp()).isEqualTo(Instant.ofEpochSecond(t - 60, 500_000_000));
    assertThat(cpu.labels())
        .containsExactlyInAnyOrderEntriesOf(
            Map.of(
                "server_id", "42",
                "server_type", "cx22",
                "datacenter", "fsn1-dc14",
                "location", "fsn1",
                "label_env", "prod",
                "label_kubernetes_io_role", "node"));
    assertThat(context.errors()).isEmpty();
    assertThat(requests)
        .extracting(RecordedRequest::getTarget)
        .hasSize(4)
        .startsWith("/v1/servers?page=1&per_page=50", "/v1/servers?page=2&per_page=50");
    String end = clock.instant().toString();
    String start = clock.instant().minus(Duration.ofMinutes(5)).toString();
    assertThat(requests.get(2).getUrl().encodedPath()).isEqualTo("/v1/servers/42/metrics");
    assertThat(requests.get(2).getUrl().queryParameter("type")).isEqualTo("cpu,disk,network");
    assertThat(requests.get(2).getUrl().queryParameter("start")).isEqualTo(start);
    assertThat(requests.get(2).getUrl().queryParameter("end")).isEqualTo(end);
    assertThat(requests.get(2).getUrl().queryParameter("step")).isEqualTo("60");
  }

  @Test
  void labelSelectorAndTypesAreSentAsQueryParameters() throws Exception {
    build(builder().labelSelector("env=prod").types("cpu")).poll(context);

    assertThat(requests.get(0).getUrl().queryParameter("label_selector")).isEqualTo("env=prod");
    assertThat(requests.get(2).getUrl().queryParameter("type")).isEqualTo("cpu");
  }

  @Test
  void pointThatIsNotANumberIsBadDataNamingUrlAndJsonPathWhileTheRestStillGiveSamples()
      throws Exception {
    long t = clock.instant().getEpochSecond();
    answers.put(
        "/v1/servers/42/metrics",
        metrics(
            "\"cpu\":{\"values\":[["
                + (t - 120)
                + ",\"30\"],["
                + (t - 60)
                + ",\"n/a\"]]},"
                + "\"disk.0.iops.read\":{\"values\":[["
                + (t - 60)
                + ",\"12.25\"]]}"));

    List<Sample> samples = build(builder()).poll(context);

    assertThat(samples)
        .extracting(s -> s.resource() + " " + s.metric())
        .containsExactly("web-1 disk_0_iops_read", "web-2 cpu_usage");
    assertThat(context.errors()).hasSize(1);
    assertThat(context.errors().get(0).getKey()).isEqualTo("web-1");
    SourceException e = (SourceException) context.errors().get(0).getValue();
    assertThat(e.kind()).isEqualTo(Kind.BAD_DATA);
    assertThat(e.jsonPath()).isEqualTo("$.metrics.time_series.cpu.values[1][1]");
    assertThat(e.url()).startsWith(server.url("/v1/servers/42/metrics").toString());
    assertThat(e.getMessage())
        .endsWith(
            ": bad data at $.metrics.time_series.cpu.values[1][1]:"
                + " expected a number in a string but was STRING \"n/a\"");
  }

  @Test
  void numberInsteadOfAStringAndNaNAreBadDataToo() throws Exception {
    long t = clock.instant().getEpochSecond();
    answers.put(
        "/v1/servers/42/metrics",
        metrics(
            "\"cpu\":{\"values\":[["
                + (t - 60)
                + ",\"NaN\"]]},"
                + "\"disk.0.iops.read\":{\"values\":[["
                + (t - 60)
                + ",12.25]]}"));

    build(builder()).poll(context);

    assertThat(context.errors())
        .extracting(e -> ((SourceException) e.getValue()).jsonPath())
        .containsExactlyInAnyOrder(
            "$.metrics.time_series.cpu.values[0][1]",
            "$.metrics.time_series.disk.0.iops.read.values[0][1]");
  }

  @Test
  void rateLimitedListingWaitsUntilRateLimitResetThenReads() throws Exception {
    once.put(
        "/v1/servers?page=1",
        new CopyOnWriteArrayList<>(
            List.of(rateLimited(clock.instant().plusSeconds(4).getEpochSecond()))));

    List<Sample> samples = build(builder()).poll(context);

    assertThat(samples).hasSize(3);
    assertThat(sleeps).containsExactly(Duration.ofSeconds(4));
  }

  @Test
  void rateLimitFarAwayFailsThePollAsHttpStatus429WithHetznersMessage() {
    answers.put(
        "/v1/servers?page=1", rateLimited(clock.instant().plusSeconds(3600).getEpochSecond()));

    assertThatThrownBy(() -> build(builder()).poll(context))
        .isInstanceOfSatisfying(
            SourceException.class,
            e -> {
              assertThat(e.kind()).isEqualTo(Kind.HTTP_STATUS);
              assertThat(e.httpStatus()).isEqualTo(429);
              assertThat(e.getMessage())
                  .contains("RateLimit-Remaining 0 of 3600, RateLimit-Reset in PT1H")
                  .contains("rate_limit_exceeded: limit of 3600 requests per hour reached");
            });
    assertThat(sleeps).isEmpty();
  }

  static MockResponse rateLimited(long reset) {
    return new MockResponse.Builder()
        .code(429)
        .setHeader("Content-Type", "application/json")
        .setHeader("RateLimit-Limit", "3600")
        .setHeader("RateLimit-Remaining", "0")
        .setHeader("RateLimit-Reset", Long.toString(reset))
        .body(
            "{\"error\":{\"code\":\"rate_limit_exceeded\","
                + "\"message\":\"limit of 3600 requests per hour reached\",\"details\":{}}}")
        .build();
  }

  @Test
  void wrongTokenFailsThePollAsAuthWithHetznersErrorAndNoRetry() {
    source =
        HetznerCloudSource.builder()
            .baseUrl(server.url("/v1/").toString())
            .bearerToken("wrong-token-000")
            .sleeper(nanos -> sleeps.add(Duration.ofNanos(nanos)))
            .build();

    assertThatThrownBy(() -> source.poll(context))
        .isInstanceOfSatisfying(
            SourceException.class,
            e -> {
              assertThat(e.kind()).isEqualTo(Kind.AUTH);
              assertThat(e.httpStatus()).isEqualTo(401);
              assertThat(e.getMessage())
                  .contains("unauthorized: unable to authenticate")
                  .doesNotContain("wrong-token-000");
            });
    assertThat(requests).hasSize(1);
  }

  @Test
  void serverWithoutCoresReportsItsCpuButKeepsItsOtherSeries() throws Exception {
    answers.put(
        "/v1/servers?page=1",
        FakeCloud.json(
            "{\"servers\":["
                + server(42, "web-1", "running", "cx22", 0, "{}")
                + "],\"meta\":{\"pagination\":{\"page\":1,\"next_page\":null}}}"));

    List<Sample> samples = build(builder()).poll(context);

    assertThat(samples).extracting(Sample::metric).containsExactly("disk_0_iops_read");
    assertThat(context.errors().get(0).getValue().getMessage())
        .contains("cannot normalise")
        .contains("$.servers[0].server_type.cores");
  }

  @Test
  void nextPageThatDoesNotAdvanceIsBadData() {
    answers.put(
        "/v1/servers?page=1",
        FakeCloud.json("{\"servers\":[],\"meta\":{\"pagination\":{\"page\":1,\"next_page\":1}}}"));

    assertThatThrownBy(() -> build(builder()).poll(context))
        .isInstanceOfSatisfying(
            SourceException.class,
            e -> {
              assertThat(e.kind()).isEqualTo(Kind.BAD_DATA);
              assertThat(e.jsonPath()).isEqualTo("$.meta.pagination.next_page");
            });
  }

  @Test
  void buildWithoutATokenNamesTheFix() {
    assertThatThrownBy(() -> HetznerCloudSource.builder().build())
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("API token");
    assertThatThrownBy(() -> HetznerCloudSource.builder().types("memory"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("[cpu, disk, network]");
  }

  /** The seed scenario of docs/sources.md: poll every minute, alert when cpu_usage > 80. */
  @Test
  void seedScenarioFiresHighCpuForTheBusyServerThroughAMonitor() throws Exception {
    HetznerCloudSource hetzner =
        HetznerCloudSource.builder()
            .baseUrl(server.url("/v1/").toString())
            .bearerToken(TOKEN)
            .clock(clock)
            .build();

    AlertNotification n = ReplayedApi.firstHighCpu("hetzner", hetzner, clock);

    assertThat(n.status()).isEqualTo(AlertStatus.FIRING);
    assertThat(n.resource()).isEqualTo("web-1");
    assertThat(n.value()).isEqualTo(85.25);
    assertThat(n.labels()).containsEntry("datacenter", "fsn1-dc14");
  }
}
