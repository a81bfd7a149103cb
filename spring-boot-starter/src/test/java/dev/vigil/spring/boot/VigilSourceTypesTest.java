package dev.vigil.spring.boot;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vigil.AlertNotification;
import dev.vigil.ResourceMonitor;
import dev.vigil.testing.RecordingSink;
import dev.vigil.testing.VirtualTime;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import mockwebserver3.MockResponse;
import mockwebserver3.RecordedRequest;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.test.context.assertj.AssertableApplicationContext;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * Every source type of {@code vigil.sources.<name>.type}, built from properties alone and polled
 * against MockWebServer replaying the API's documented shapes: a rule per metric that fires for
 * every series shows which resources, values and labels the source read.
 */
class VigilSourceTypesTest {
  /** VirtualTime's start, 2026-01-01T00:00:00Z, in epoch seconds. */
  static final long T = VirtualTime.create().now().getEpochSecond();

  @Configuration(proxyBeanMethods = false)
  static class Ops {
    @Bean
    RecordingSink ops() {
      return RecordingSink.create();
    }
  }

  Replay api;

  @AfterEach
  void stop() {
    if (api != null) api.close();
  }

  /** Polls once and returns "resource=value" of each firing notification of {@code rule}. */
  private static Map<String, AlertNotification> pollFiring(
      AssertableApplicationContext context, String rule) throws Exception {
    assertThat(context).hasNotFailed();
    ResourceMonitor monitor = context.getBean(ResourceMonitor.class);
    monitor.pollNow();
    assertThat(monitor.flush(Duration.ofSeconds(10))).isTrue();
    return context.getBean(RecordingSink.class).firing().stream()
        .filter(n -> n.rule().equals(rule))
        .collect(Collectors.toMap(AlertNotification::resource, n -> n));
  }

  private static Map<String, Double> values(Map<String, AlertNotification> firing) {
    return firing.entrySet().stream()
        .collect(Collectors.toMap(Map.Entry::getKey, e -> e.getValue().value()));
  }

  private static String[] everySeriesOf(String metric) {
    return new String[] {"vigil.rules.Seen.metric=" + metric, "vigil.rules.Seen.above=-1e12"};
  }

  /**
   * A source {@code name} of {@code settings} (such as {@code type=host}, under {@code
   * vigil.sources.<name>.}) and rule Seen, which fires for every series of {@code metric}.
   */
  private static ApplicationContextRunner source(String name, String metric, String... settings) {
    String p = "vigil.sources." + name + ".";
    return TestApps.runner()
        .withUserConfiguration(TestApps.Time.class, Ops.class)
        .withPropertyValues(everySeriesOf(metric))
        .withPropertyValues(
            java.util.Arrays.stream(settings).map(x -> p + x).toArray(String[]::new));
  }

  @Test
  void httpJsonPagesByTokenFiltersAndLabelsResourcesWithAnOAuth2Token() throws Exception {
    api = Replay.start(RecordedRequest::getTarget, "tok-1");
    api.open.add("/oauth/token");
    api.answers.put(
        "/oauth/token",
        Replay.json("{\"access_token\":\"tok-1\",\"token_type\":\"Bearer\",\"expires_in\":3600}"));
    api.answers.put(
        "/api/hosts",
        Replay.json(
            "{\"data\":[{\"name\":\"vm-1\",\"zone\":\"eu\"},{\"name\":\"vm-2\",\"zone\":\"us\"}],"
                + "\"cursor\":\"p2\"}"));
    api.answers.put(
        "/api/hosts?after=p2",
        Replay.json("{\"data\":[{\"name\":\"vm-3\",\"zone\":\"eu\"}],\"cursor\":\"\"}"));
    api.answers.put("/api/hosts/vm-1/stats", Replay.json("{\"load\":{\"cpu\":91.5}}"));
    api.answers.put("/api/hosts/vm-2/stats", Replay.json("{\"load\":{\"cpu\":99}}"));
    api.answers.put("/api/hosts/vm-3/stats", Replay.json("{\"load\":{\"cpu\":42.25}}"));
    source(
            "cloud",
            "cpu_usage",
            "type=http-json",
            "base-url=" + api.url("/api/"),
            "resources-path=hosts",
            "items-pointer=/data",
            "id-pointer=/name",
            "pagination.type=page-token",
            "pagination.token-pointer=/cursor",
            "pagination.parameter=after",
            "resource-labels.zone=/zone",
            "resource-filters=zone=\"eu\"",
            "metrics-path=hosts/{id}/stats",
            "metrics.cpu_usage=/load/cpu",
            "oauth2.token-url=" + api.url("/oauth/token"),
            "oauth2.client-id=vigil-client",
            "oauth2.client-secret=s3cret",
            "oauth2.scope=metrics:read",
            "oauth2.client-authentication=form")
        .withPropertyValues("vigil.rules.Seen.summary={resource} in {labels.zone}")
        .run(
            context -> {
              Map<String, AlertNotification> firing = pollFiring(context, "Seen");
              assertThat(values(firing))
                  .containsExactlyInAnyOrderEntriesOf(Map.of("vm-1", 91.5, "vm-3", 42.25));
              assertThat(firing.get("vm-3").summary()).isEqualTo("vm-3 in eu");
              List<RecordedRequest> tokens = api.requestsTo("/oauth/token");
              assertThat(tokens).hasSize(1);
              String form = tokens.get(0).getBody().utf8();
              assertThat(form)
                  .contains("grant_type=client_credentials")
                  .contains("scope=metrics%3Aread")
                  .contains("client_id=vigil-client")
                  .contains("client_secret=s3cret");
              assertThat(tokens.get(0).getHeaders().get("Authorization")).isNull();
              assertThat(api.requestsTo("/api/"))
                  .extracting(r -> r.getHeaders().get("Authorization"))
                  .hasSize(4)
                  .containsOnly("Bearer tok-1");
              assertThat(api.requestsTo("/api/hosts/vm-2")).isEmpty();
            });
  }

  /**
   * An http-json source {@code cloud} of {@code /servers} and {@code /servers/{id}/metrics} on the
   * replayed API with token {@code t0ken}, and {@code settings} of it, such as {@code
   * pagination.type=link-header}.
   */
  private ApplicationContextRunner httpJsonOfServers(String... settings) {
    List<String> all =
        new java.util.ArrayList<>(
            List.of(
                "type=http-json",
                "base-url=" + api.url("/"),
                "token=t0ken",
                "resources-path=/servers",
                "metrics-path=/servers/{id}/metrics",
                "metrics.cpu_usage=/cpu"));
    all.addAll(List.of(settings));
    return source("cloud", "cpu_usage", all.toArray(new String[0]));
  }

  @Test
  void httpJsonPagesByOffsetAndLimit() throws Exception {
    api = Replay.start(RecordedRequest::getTarget, "t0ken");
    api.answers.put(
        "/servers?from=0&size=2", Replay.json("{\"items\":[{\"id\":\"a\"},{\"id\":\"b\"}]}"));
    api.answers.put("/servers?from=2&size=2", Replay.json("{\"items\":[{\"id\":\"c\"}]}"));
    for (String id : List.of("a", "b", "c")) {
      api.answers.put("/servers/" + id + "/metrics", Replay.json("{\"cpu\":50}"));
    }
    httpJsonOfServers(
            "pagination.type=offset-limit",
            "pagination.offset-parameter=from",
            "pagination.limit-parameter=size",
            "pagination.limit=2")
        .run(context -> assertThat(pollFiring(context, "Seen")).containsOnlyKeys("a", "b", "c"));
  }

  @Test
  void httpJsonFollowsLinkHeaders() throws Exception {
    api = Replay.start(RecordedRequest::getTarget, "t0ken");
    api.answers.put(
        "/servers",
        new MockResponse.Builder()
            .code(200)
            .setHeader("Content-Type", "application/json")
            .setHeader("Link", "<" + api.url("/servers?page=2") + ">; rel=\"next\"")
            .body("{\"items\":[{\"id\":\"a\"}]}")
            .build());
    api.answers.put("/servers?page=2", Replay.json("{\"items\":[{\"id\":\"b\"}]}"));
    api.answers.put("/servers/a/metrics", Replay.json("{\"cpu\":1}"));
    api.answers.put("/servers/b/metrics", Replay.json("{\"cpu\":2}"));
    httpJsonOfServers("pagination.type=link-header")
        .run(
            context ->
                assertThat(values(pollFiring(context, "Seen")))
                    .containsExactlyInAnyOrderEntriesOf(Map.of("a", 1.0, "b", 2.0)));
  }

  static String hetznerServer(long id, String name, int cores, String labels) {
    return "{\"id\":"
        + id
        + ",\"name\":\""
        + name
        + "\",\"status\":\"running\",\"created\":\"2016-01-30T23:50:00+00:00\","
        + "\"public_net\":{\"ipv4\":{\"ip\":\"1.2.3.4\"}},"
        + "\"server_type\":{\"id\":1,\"name\":\"cx22\",\"description\":\"\",\"cores\":"
        + cores
        + ",\"memory\":4,\"disk\":40,\"cpu_type\":\"shared\",\"architecture\":\"x86\"},"
        + "\"datacenter\":{\"id\":1,\"name\":\"fsn1-dc14\",\"description\":\"Falkenstein 1 DC14\","
        + "\"location\":{\"id\":1,\"name\":\"fsn1\",\"city\":\"Falkenstein\",\"country\":\"DE\"}},"
        + "\"labels\":"
        + labels
        + ",\"protection\":{\"delete\":false,\"rebuild\":false}}";
  }

  static MockResponse hetznerMetrics(String series) {
    return Replay.json(
        "{\"metrics\":{\"start\":\"2025-12-31T23:55:00+00:00\",\"end\":\"2026-01-01T00:00:00+00:00\","
            + "\"step\":60,\"time_series\":{"
            + series
            + "}}}");
  }

  @Test
  void hetznerListsEveryPageAndNormalisesCpuPerCore() throws Exception {
    String token = "hcloud-token-0123456789";
    api =
        Replay.start(
            r ->
                r.getUrl().encodedPath()
                    + (r.getUrl().encodedPath().equals("/v1/servers")
                        ? "?page=" + r.getUrl().queryParameter("page")
                        : ""),
            token);
    api.answers.put(
        "/v1/servers?page=1",
        Replay.json(
            "{\"servers\":["
                + hetznerServer(42, "web-1", 2, "{\"env\":\"prod\"}")
                + "],\"meta\":{\"pagination\":{\"page\":1,\"per_page\":50,\"previous_page\":null,"
                + "\"next_page\":2,\"last_page\":2,\"total_entries\":2}}}"));
    api.answers.put(
        "/v1/servers?page=2",
        Replay.json(
            "{\"servers\":["
                + hetznerServer(44, "web-2", 8, "{\"env\":\"prod\"}")
                + "],\"meta\":{\"pagination\":{\"page\":2,\"per_page\":50,\"previous_page\":1,"
                + "\"next_page\":null,\"last_page\":2,\"total_entries\":2}}}"));
    api.answers.put(
        "/v1/servers/42/metrics",
        hetznerMetrics("\"cpu\":{\"values\":[[" + (T - 60) + ",\"170.5\"]]}"));
    api.answers.put(
        "/v1/servers/44/metrics",
        hetznerMetrics("\"cpu\":{\"values\":[[" + (T - 60) + ",\"200\"]]}"));
    source(
            "hcloud",
            "cpu_usage",
            "type=hetzner",
            "base-url=" + api.url("/v1/"),
            "token=" + token,
            "label-selector=env=prod",
            "types=cpu",
            "window=10m")
        .run(
            context -> {
              Map<String, AlertNotification> firing = pollFiring(context, "Seen");
              assertThat(values(firing))
                  .containsExactlyInAnyOrderEntriesOf(Map.of("web-1", 85.25, "web-2", 25.0));
              assertThat(firing.get("web-1").labels()).containsEntry("label_env", "prod");
              RecordedRequest list = api.requestsTo("/v1/servers").get(0);
              assertThat(list.getUrl().queryParameter("label_selector")).isEqualTo("env=prod");
              RecordedRequest metrics = api.requestsTo("/v1/servers/42/metrics").get(0);
              assertThat(metrics.getUrl().queryParameter("type")).isEqualTo("cpu");
              VirtualTime time = context.getBean(VirtualTime.class);
              assertThat(metrics.getUrl().queryParameter("start"))
                  .isEqualTo(time.now().minus(Duration.ofMinutes(10)).toString());
            });
  }

  static String droplet(long id, String name, String tags) {
    return "{\"id\":"
        + id
        + ",\"name\":\""
        + name
        + "\",\"memory\":1024,\"vcpus\":1,\"disk\":25,\"locked\":false,\"status\":\"active\","
        + "\"created_at\":\"2020-07-21T18:37:44Z\","
        + "\"image\":{\"id\":63663980,\"distribution\":\"Ubuntu\"},"
        + "\"size\":{\"slug\":\"s-1vcpu-1gb\",\"vcpus\":1},\"size_slug\":\"s-1vcpu-1gb\","
        + "\"networks\":{\"v4\":[]},\"region\":{\"name\":\"New York 3\",\"slug\":\"nyc3\","
        + "\"available\":true},\"tags\":"
        + tags
        + ",\"vpc_uuid\":\"760e09ef-dc84-11e8-981e-3cfdfeaae000\"}";
  }

  static String cpuSeries(String hostId, String mode, String first, String last) {
    return "{\"metric\":{\"host_id\":\""
        + hostId
        + "\",\"mode\":\""
        + mode
        + "\"},\"values\":[["
        + (T - 240)
        + ",\""
        + first
        + "\"],["
        + (T - 60)
        + ",\""
        + last
        + "\"]]}";
  }

  static MockResponse matrix(String... series) {
    return Replay.json(
        "{\"status\":\"success\",\"data\":{\"resultType\":\"matrix\",\"result\":["
            + String.join(",", series)
            + "]}}");
  }

  @Test
  void digitalOceanFollowsNextLinksAndGivesTheCpuRateOfTaggedDroplets() throws Exception {
    String token = "dop_v1_0123456789abcdef0123456789abcdef";
    String prefix = "/v2/monitoring/metrics/droplet/";
    api =
        Replay.start(
            r -> {
              String path = r.getUrl().encodedPath();
              if (path.equals("/v2/droplets"))
                return path + "?page=" + r.getUrl().queryParameter("page");
              if (path.startsWith(prefix)) {
                return path.substring(prefix.length()) + " " + r.getUrl().queryParameter("host_id");
              }
              return path;
            },
            token);
    api.answers.put(
        "/v2/droplets?page=1",
        Replay.json(
            "{\"droplets\":["
                + droplet(1, "web-1", "[\"web\"]")
                + "],\"links\":{\"pages\":{\"next\":\""
                + api.url("/v2/droplets?page=2&per_page=200&tag_name=web")
                + "\"}},\"meta\":{\"total\":2}}"));
    api.answers.put(
        "/v2/droplets?page=2",
        Replay.json(
            "{\"droplets\":["
                + droplet(3, "web-3", "[\"web\"]")
                + "],\"links\":{\"pages\":{}},\"meta\":{\"total\":2}}"));
    api.answers.put(
        "cpu 1",
        matrix(
            cpuSeries("1", "idle", "1000", "1150"),
            cpuSeries("1", "user", "500", "530"),
            cpuSeries("1", "system", "200.5", "220.5")));
    api.answers.put(
        "cpu 3",
        matrix(cpuSeries("3", "idle", "5000", "5010"), cpuSeries("3", "user", "100", "190")));
    source(
            "do",
            "cpu_usage",
            "type=digitalocean",
            "base-url=" + api.url("/v2/"),
            "token=" + token,
            "tag=web",
            "types=cpu")
        .run(
            context -> {
              Map<String, AlertNotification> firing = pollFiring(context, "Seen");
              assertThat(values(firing))
                  .containsExactlyInAnyOrderEntriesOf(Map.of("web-1", 25.0, "web-3", 90.0));
              assertThat(firing.get("web-1").labels()).containsEntry("region", "nyc3");
              assertThat(api.requestsTo("/v2/droplets").get(0).getUrl().queryParameter("tag_name"))
                  .isEqualTo("web");
              assertThat(api.requestsTo(prefix))
                  .extracting(r -> r.getUrl().encodedPath())
                  .allMatch(path -> path.equals(prefix + "cpu"));
            });
  }

  @Test
  void prometheusAsksEachQueryWithBasicAuthAndNamesResourcesByTheirLabel() throws Exception {
    api = Replay.start();
    api.answers.put(
        "/api/v1/query",
        Replay.json(
            "{\"status\":\"success\",\"data\":{\"resultType\":\"vector\",\"result\":["
                + "{\"metric\":{\"instance\":\"10.0.0.1:9100\",\"job\":\"node\",\"node\":\"n1\"},"
                + "\"value\":["
                + T
                + ",\"93.5\"]},"
                + "{\"metric\":{\"instance\":\"10.0.0.2:9100\",\"job\":\"node\"},"
                + "\"value\":["
                + T
                + ",\"12\"]}]}}"));
    String query =
        "100 - avg by (instance) (rate(node_cpu_seconds_total{mode=\"idle\"}[5m])) * 100";
    source(
            "prom",
            "cpu_usage",
            "type=prometheus",
            "base-url=" + api.url("/"),
            "queries.cpu_usage=" + query,
            "resource-label=node,instance",
            "username=reader",
            "password=pw")
        .run(
            context -> {
              assertThat(values(pollFiring(context, "Seen")))
                  .containsExactlyInAnyOrderEntriesOf(Map.of("n1", 93.5, "10.0.0.2:9100", 12.0));
              RecordedRequest request = api.requestsTo("/api/v1/query").get(0);
              assertThat(request.getUrl().queryParameter("query")).isEqualTo(query);
              assertThat(request.getHeaders().get("Authorization"))
                  .isEqualTo("Basic " + Base64.getEncoder().encodeToString("reader:pw".getBytes()));
            });
  }

  @Test
  void hostReportsThisJvmUnderItsResourceNameAndTheListedDisks(@TempDir Path disk)
      throws Exception {
    TestApps.runner()
        .withUserConfiguration(TestApps.Time.class, Ops.class)
        .withPropertyValues(everySeriesOf("disk_free_bytes"))
        .withPropertyValues(
            "vigil.rules.Threads.metric=jvm_threads",
            "vigil.rules.Threads.above=0",
            "vigil.sources.local.type=host",
            "vigil.sources.local.resource=this-box",
            "vigil.sources.local.disks=" + disk)
        .run(
            context -> {
              Map<String, AlertNotification> disks = pollFiring(context, "Seen");
              assertThat(disks).containsOnlyKeys("this-box");
              assertThat(disks.get("this-box").labels()).containsEntry("path", disk.toString());
              assertThat(context.getBean(RecordingSink.class).forRule("Threads"))
                  .extracting(AlertNotification::resource)
                  .containsExactly("this-box");
            });
  }

  @Test
  void endpointChecksAreUpOrDownByStatusAndBody() throws Exception {
    api = Replay.start();
    api.answers.put("/health", Replay.json("{\"status\":\"UP\"}"));
    api.answers.put("/degraded", Replay.json("{\"status\":\"DOWN\"}"));
    api.answers.put("/down", Replay.status(503));
    api.answers.put("/teapot", Replay.status(418));
    String p = "vigil.sources.checks.";
    TestApps.runner()
        .withUserConfiguration(TestApps.Time.class, Ops.class)
        .withPropertyValues(
            "vigil.rules.Down.metric=up",
            "vigil.rules.Down.below=1",
            p + "type=endpoint-check",
            p + "checks.api.url=" + api.url("/health"),
            p + "checks.api.body-json-pointer=/status",
            p + "checks.api.body-json-equals=UP",
            p + "checks.degraded.url=" + api.url("/degraded"),
            p + "checks.degraded.body-json-pointer=/status",
            p + "checks.degraded.body-json-equals=UP",
            p + "checks.www.url=" + api.url("/down"),
            p + "checks.www.method=head",
            p + "checks.teapot.url=" + api.url("/teapot"),
            p + "checks.teapot.status-min=400",
            p + "checks.teapot.status-max=499")
        .run(
            context -> {
              assertThat(pollFiring(context, "Down")).containsOnlyKeys("degraded", "www");
              assertThat(api.requestsTo("/down").get(0).getMethod()).isEqualTo("HEAD");
              assertThat(api.requestsTo("/health").get(0).getMethod()).isEqualTo("GET");
            });
  }

  @Test
  void endpointChecksSendTheirOwnCredentialsAndLookForText() throws Exception {
    api =
        Replay.start(
            r -> r.getUrl().encodedPath() + " " + r.getHeaders().get("Authorization"), null);
    String basic = "Basic " + Base64.getEncoder().encodeToString("probe:pw".getBytes());
    api.answers.put("/secure Bearer chk-token", Replay.json("{}"));
    api.answers.put("/basic " + basic, Replay.json("{}"));
    api.answers.put(
        "/text null",
        new MockResponse.Builder().code(200).body("<html>all systems go</html>").build());
    api.answers.put(
        "/broken null",
        new MockResponse.Builder().code(200).body("<html>maintenance</html>").build());
    String p = "vigil.sources.checks.";
    TestApps.runner()
        .withUserConfiguration(TestApps.Time.class, Ops.class)
        .withPropertyValues(
            "vigil.rules.Down.metric=up",
            "vigil.rules.Down.below=1",
            p + "type=endpoint-check",
            p + "checks.secure.url=" + api.url("/secure"),
            p + "checks.secure.token=chk-token",
            p + "checks.basic.url=" + api.url("/basic"),
            p + "checks.basic.username=probe",
            p + "checks.basic.password=pw",
            p + "checks.text.url=" + api.url("/text"),
            p + "checks.text.body-contains=systems go",
            p + "checks.broken.url=" + api.url("/broken"),
            p + "checks.broken.body-contains=systems go")
        .run(context -> assertThat(pollFiring(context, "Down")).containsOnlyKeys("broken"));
  }
}
