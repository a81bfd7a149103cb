package dev.vigil.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.vigil.Sample;
import dev.vigil.SourceException;
import dev.vigil.SourceException.Kind;
import dev.vigil.testing.ManualClock;
import dev.vigil.testing.RecordingPollContext;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;
import mockwebserver3.junit5.StartStop;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * {@link PrometheusSource} against answers shaped as Prometheus' HTTP API documents them ({@code
 * docs/querying/api.md}: "Format overview", "Instant queries", "Expression query result formats"):
 * values as strings, {@code "NaN"} and {@code "+Inf"} included, errors with {@code errorType} and
 * {@code error}.
 */
class PrometheusSourceTest {
  @StartStop final MockWebServer server = new MockWebServer();
  final ManualClock clock = ManualClock.startingAt(Instant.parse("2015-07-01T20:10:51.781Z"));
  final RecordingPollContext context = RecordingPollContext.create("prometheus", clock);
  final List<Duration> sleeps = new CopyOnWriteArrayList<>();
  final List<PrometheusSource> sources = new ArrayList<>();

  @AfterEach
  void closeSources() {
    sources.forEach(PrometheusSource::close);
  }

  PrometheusSource.Builder builder() {
    return PrometheusSource.builder()
        .baseUrl(server.url("/").toString())
        .clock(clock)
        .circuitBreaker(CircuitBreaker.ofDefaults("closed"))
        .sleeper(nanos -> sleeps.add(Duration.ofNanos(nanos)));
  }

  PrometheusSource build(PrometheusSource.Builder b) {
    PrometheusSource source = b.build();
    sources.add(source);
    return source;
  }

  static MockResponse json(int code, String body) {
    return new MockResponse.Builder()
        .code(code)
        .setHeader("Content-Type", "application/json")
        .body(body)
        .build();
  }

  /** The documented answer to {@code up} at 2015-07-01T20:10:51.781Z. */
  static final String UP =
      """
      {
         "status" : "success",
         "data" : {
            "resultType" : "vector",
            "result" : [
               {
                  "metric" : {
                     "__name__" : "up",
                     "job" : "prometheus",
                     "instance" : "localhost:9090"
                  },
                  "value": [ 1435781451.781, "1" ]
               },
               {
                  "metric" : {
                     "__name__" : "up",
                     "job" : "node",
                     "instance" : "localhost:9100"
                  },
                  "value" : [ 1435781451.781, "0" ]
               }
            ]
         }
      }
      """;

  static String vector(String... elements) {
    return "{\"status\":\"success\",\"data\":{\"resultType\":\"vector\",\"result\":["
        + String.join(",", elements)
        + "]}}";
  }

  static String element(String instance, String value) {
    return "{\"metric\":{\"instance\":\""
        + instance
        + "\",\"job\":\"node\"},\"value\":[1435781451.781,\""
        + value
        + "\"]}";
  }

  @Test
  void vectorElementsBecomeSamplesNamedAsTheQueryWithTheirLabels() throws Exception {
    server.enqueue(json(200, UP));

    List<Sample> samples = build(builder().query("up", "up")).poll(context);

    Instant at = Instant.parse("2015-07-01T20:10:51.781Z");
    assertThat(samples)
        .containsExactly(
            new Sample("up", "localhost:9090", Map.of("job", "prometheus"), 1, at),
            new Sample("up", "localhost:9100", Map.of("job", "node"), 0, at));
    assertThat(context.errors()).isEmpty();
    RecordedRequest request = server.takeRequest();
    assertThat(request.getMethod()).isEqualTo("GET");
    assertThat(request.getUrl().encodedPath()).isEqualTo("/api/v1/query");
    assertThat(request.getUrl().queryParameter("query")).isEqualTo("up");
    assertThat(request.getUrl().queryParameter("time")).isEqualTo("1435781451.781");
    assertThat(request.getUrl().queryParameter("timeout")).isEqualTo("30");
  }

  @Test
  void baseUrlWithARoutePrefixKeepsIt() throws Exception {
    server.enqueue(json(200, UP));

    build(builder().baseUrl(server.url("/prometheus").toString()).query("up", "up")).poll(context);

    assertThat(server.takeRequest().getUrl().encodedPath()).isEqualTo("/prometheus/api/v1/query");
  }

  @Test
  void scalarResultIsOneSampleOfTheDefaultResource() throws Exception {
    server.enqueue(
        json(
            200,
            "{\"status\":\"success\",\"data\":{\"resultType\":\"scalar\","
                + "\"result\":[1435781451.781,\"42.5\"]}}"));

    List<Sample> samples =
        build(builder().query("queue_depth", "scalar(sum(queue_depth))")).poll(context);

    assertThat(samples)
        .containsExactly(
            new Sample(
                "queue_depth",
                "prometheus",
                Map.of(),
                42.5,
                Instant.parse("2015-07-01T20:10:51.781Z")));
  }

  @Test
  void seriesWithoutTheResourceLabelBelongToTheDefaultResource() throws Exception {
    server.enqueue(json(200, vector("{\"metric\":{},\"value\":[1435781451.781,\"12\"]}")));

    List<Sample> samples =
        build(
                builder()
                    .query("requests", "sum(rate(http_requests_total[5m]))")
                    .resourceLabel("pod", "instance")
                    .defaultResource("cluster"))
            .poll(context);

    assertThat(samples).extracting(Sample::resource).containsExactly("cluster");
  }

  @Test
  void labelsTheEngineReservesAreRenamedExported() throws Exception {
    server.enqueue(
        json(
            200,
            vector(
                "{\"metric\":{\"instance\":\"a\",\"severity\":\"page\",\"resource\":\"disk\"},"
                    + "\"value\":[1435781451.781,\"1\"]}")));

    List<Sample> samples = build(builder().query("alerts", "ALERTS")).poll(context);

    assertThat(samples.get(0).labels())
        .isEqualTo(Map.of("exported_severity", "page", "exported_resource", "disk"));
  }

  @Test
  void nanAndInfinitiesAreReportedPerSeriesAndNeverBecomeASample() throws Exception {
    server.enqueue(
        json(
            200,
            vector(
                element("a:9100", "NaN"),
                element("b:9100", "+Inf"),
                element("c:9100", "-Inf"),
                element("d:9100", "0.25"))));

    List<Sample> samples = build(builder().query("ratio", "a / b")).poll(context);

    assertThat(samples).extracting(Sample::resource).containsExactly("d:9100");
    assertThat(samples.get(0).value()).isEqualTo(0.25);
    assertThat(context.errors())
        .extracting(Map.Entry::getKey)
        .containsExactly("a:9100", "b:9100", "c:9100");
    List<String> messages = context.errors().stream().map(e -> e.getValue().getMessage()).toList();
    assertThat(messages.get(0))
        .contains("query ratio")
        .contains("a:9100{job=node}")
        .contains("the value is \"NaN\", not a finite number");
    assertThat(messages.get(1)).contains("\"+Inf\"");
    assertThat(messages.get(2)).contains("\"-Inf\"");
    for (Map.Entry<String, Exception> e : context.errors()) {
      assertThat(((SourceException) e.getValue()).kind()).isEqualTo(Kind.BAD_DATA);
      assertThat(((SourceException) e.getValue()).jsonPath()).startsWith("$.data.result[");
    }
    assertThat(context.incomplete()).isNull();
  }

  @Test
  void aValueThatIsNoNumberIsBadDataNeverZero() throws Exception {
    server.enqueue(json(200, vector(element("a", "0x1p3"), element("b", "Infinity"))));

    List<Sample> samples = build(builder().query("x", "x")).poll(context);

    assertThat(samples).isEmpty();
    assertThat(context.errors()).hasSize(2);
    assertThat(context.errors().get(0).getValue()).hasMessageContaining("expected a number");
  }

  @Test
  void nanScalarIsBadDataForThatQuery() throws Exception {
    server.enqueue(
        json(
            200,
            "{\"status\":\"success\",\"data\":{\"resultType\":\"scalar\","
                + "\"result\":[1435781451.781,\"NaN\"]}}"));

    assertThatThrownBy(() -> build(builder().query("x", "scalar(x)")).poll(context))
        .isInstanceOfSatisfying(
            SourceException.class, e -> assertThat(e.kind()).isEqualTo(Kind.BAD_DATA))
        .hasMessageContaining("the scalar is \"NaN\"");
  }

  @Test
  void badPromqlIsPrometheusBadDataErrorAndNotRetried() throws Exception {
    server.enqueue(
        json(
            400,
            "{\"status\":\"error\",\"errorType\":\"bad_data\","
                + "\"error\":\"1:6: parse error: unexpected right parenthesis ')'\"}"));

    assertThatThrownBy(() -> build(builder().query("broken", "rate(x))")).poll(context))
        .isInstanceOfSatisfying(
            SourceException.class,
            e -> {
              assertThat(e.kind()).isEqualTo(Kind.HTTP_STATUS);
              assertThat(e.httpStatus()).isEqualTo(400);
              assertThat(e.url()).isEqualTo(server.url("/api/v1/query").toString());
            })
        .hasMessageContaining("query broken")
        .hasMessageContaining(
            "HTTP 400 Client Error: bad_data: 1:6: parse error: unexpected right parenthesis ')'");
    assertThat(server.getRequestCount()).isEqualTo(1);
  }

  @Test
  void unavailableIsRetriedThenGivesSamples() throws Exception {
    server.enqueue(
        json(503, "{\"status\":\"error\",\"errorType\":\"unavailable\",\"error\":\"starting\"}"));
    server.enqueue(json(200, UP));

    List<Sample> samples = build(builder().query("up", "up")).poll(context);

    assertThat(samples).hasSize(2);
    assertThat(server.getRequestCount()).isEqualTo(2);
    assertThat(sleeps).hasSize(1);
  }

  @Test
  void oneFailingQueryIsReportedAndTheOthersGiveSamples() throws Exception {
    server.setDispatcher(
        new mockwebserver3.Dispatcher() {
          @Override
          public MockResponse dispatch(RecordedRequest request) {
            String q = request.getUrl().queryParameter("query");
            if ("up".equals(q)) return json(200, UP);
            return json(
                422,
                "{\"status\":\"error\",\"errorType\":\"execution\","
                    + "\"error\":\"expanding series: too many\"}");
          }
        });

    List<Sample> samples =
        build(builder().query("up", "up").query("heavy", "count({__name__=~\".+\"})"))
            .poll(context);

    assertThat(samples).hasSize(2);
    assertThat(context.errors()).extracting(Map.Entry::getKey).containsExactly("query heavy");
    assertThat(context.errors().get(0).getValue())
        .hasMessageContaining("HTTP 422")
        .hasMessageContaining("execution: expanding series: too many");
    assertThat(context.incomplete()).hasMessageContaining("1 of 2 queries failed: heavy");
  }

  @Test
  void matrixResultIsBadDataNamingTheFix() throws Exception {
    server.enqueue(
        json(
            200,
            "{\"status\":\"success\",\"data\":{\"resultType\":\"matrix\",\"result\":[{\"metric\":"
                + "{\"instance\":\"a\"},\"values\":[[1435781430.781,\"1\"],[1435781445.781,\"1\"]]}]}}"));

    assertThatThrownBy(() -> build(builder().query("up", "up[30s]")).poll(context))
        .hasMessageContaining("range vector (matrix)")
        .hasMessageContaining("avg_over_time");
  }

  @Test
  void warningsStillGiveSamples() throws Exception {
    server.enqueue(
        json(
            200,
            vector(element("a", "1")).replace("}}", "},\"warnings\":[\"remote read: partial\"]}")));

    assertThat(build(builder().query("up", "up")).poll(context)).hasSize(1);
  }

  @Test
  void bodyOverTheCapIsBadData() throws Exception {
    StringBuilder big = new StringBuilder();
    for (int i = 0; i < 2000; i++) big.append(i == 0 ? "" : ",").append(element("vm-" + i, "1"));
    server.enqueue(json(200, vector(big.toString())));

    assertThatThrownBy(
            () -> build(builder().query("up", "up").maxBodyBytes(16 * 1024)).poll(context))
        .isInstanceOfSatisfying(
            SourceException.class, e -> assertThat(e.kind()).isEqualTo(Kind.BAD_DATA))
        .hasMessageContaining("exceeds maxBodyBytes=16384");
  }

  @Test
  void moreSeriesThanMaxSeriesIsBadData() throws Exception {
    server.enqueue(json(200, vector(element("a", "1"), element("b", "1"), element("c", "1"))));

    assertThatThrownBy(() -> build(builder().query("up", "up").maxSeries(2)).poll(context))
        .hasMessageContaining("more than maxSeries=2 series")
        .hasMessageContaining("$.data.result[2]");
  }

  @Test
  void htmlFromAProxyIsBadData() throws Exception {
    server.enqueue(json(200, "<html><body>Sign in</body></html>"));

    assertThatThrownBy(() -> build(builder().query("up", "up")).poll(context))
        .isInstanceOfSatisfying(
            SourceException.class, e -> assertThat(e.kind()).isEqualTo(Kind.BAD_DATA));
  }

  @Test
  void basicAuthIsSentAndThePasswordEchoedBackAppearsNowhere() throws Exception {
    String password = "s3cret-pa55word";
    server.enqueue(
        new MockResponse.Builder()
            .status("HTTP/1.1 500 broken for " + password)
            .body(
                "{\"status\":\"error\",\"errorType\":\"internal\",\"error\":\"" + password + "\"}")
            .build());

    PrometheusSource source =
        build(
            builder()
                .query("up", "up")
                .basicAuth("vigil", password)
                .retry(io.github.resilience4j.retry.Retry.ofDefaults("once"))
                .retryBudget(new RetryBudget(0, 0)));
    assertThatThrownBy(() -> source.poll(context))
        .hasMessageContaining("HTTP 500 broken for REDACTED: internal: REDACTED")
        .satisfies(e -> assertThat(e.getMessage()).doesNotContain(password));
    String expected =
        "Basic "
            + Base64.getEncoder()
                .encodeToString(("vigil:" + password).getBytes(StandardCharsets.UTF_8));
    assertThat(server.takeRequest().getHeaders().get("Authorization")).isEqualTo(expected);
    assertThat(source.toString()).doesNotContain(password);
  }

  @Test
  void bearerTokenIsSentAndUnauthorizedIsAuth() throws Exception {
    server.enqueue(json(401, "{}"));

    assertThatThrownBy(
            () -> build(builder().query("up", "up").bearerToken("tok-123456")).poll(context))
        .isInstanceOfSatisfying(
            SourceException.class, e -> assertThat(e.kind()).isEqualTo(Kind.AUTH));
    assertThat(server.takeRequest().getHeaders().get("Authorization"))
        .isEqualTo("Bearer tok-123456");
    assertThat(server.getRequestCount()).isEqualTo(1);
  }

  @Test
  void redirectIsNotFollowed() throws Exception {
    server.enqueue(
        new MockResponse.Builder().code(302).setHeader("Location", "http://elsewhere/").build());

    assertThatThrownBy(
            () -> build(builder().query("up", "up").bearerToken("tok-123456")).poll(context))
        .hasMessageContaining("redirect not followed");
    assertThat(server.getRequestCount()).isEqualTo(1);
  }

  @Test
  void noAnswerBeforeTheSweepDeadlineIsTimeout() throws Exception {
    server.enqueue(
        new MockResponse.Builder()
            .onResponseStart(mockwebserver3.SocketEffect.Stall.INSTANCE)
            .build());

    long start = System.nanoTime();
    assertThatThrownBy(
            () ->
                build(builder().query("up", "up").sweepTimeout(Duration.ofMillis(500)))
                    .poll(context))
        .isInstanceOfSatisfying(
            SourceException.class, e -> assertThat(e.kind()).isEqualTo(Kind.TIMEOUT))
        .hasMessageContaining("sweep deadline");
    assertThat(System.nanoTime() - start).isLessThan(TimeUnit.SECONDS.toNanos(5));
  }

  @Test
  void bearerTokenEchoedInPrometheusErrorAppearsNowhere() throws Exception {
    String token = "tok-0123456789abcdef";
    server.enqueue(
        json(
            400,
            "{\"status\":\"error\",\"errorType\":\"bad_data\",\"error\":\"bad token "
                + token
                + " / "
                + Base64.getEncoder().encodeToString(token.getBytes(StandardCharsets.UTF_8))
                + "\"}"));

    PrometheusSource source = build(builder().query("up", "up").bearerToken(token));
    assertThatThrownBy(() -> source.poll(context))
        .hasMessageContaining("bad_data: bad token REDACTED / REDACTED")
        .satisfies(e -> assertThat(e.getMessage()).doesNotContain(token));
    assertThat(source.toString()).doesNotContain(token).contains("bearer REDACTED");
  }

  @Test
  void interruptingThePollCancelsTheQueryAtOnce() throws Exception {
    server.enqueue(
        new MockResponse.Builder()
            .onResponseStart(mockwebserver3.SocketEffect.Stall.INSTANCE)
            .build());
    PrometheusSource source = build(builder().query("up", "up"));
    java.util.concurrent.atomic.AtomicReference<Throwable> thrown =
        new java.util.concurrent.atomic.AtomicReference<>();
    Thread poller =
        new Thread(
            () -> {
              try {
                source.poll(context);
              } catch (Throwable t) {
                thrown.set(t);
              }
            },
            "test-poller");
    poller.start();
    server.takeRequest(5, TimeUnit.SECONDS); // the query is in flight
    poller.interrupt();
    poller.join(5_000);

    assertThat(poller.isAlive()).isFalse();
    assertThat(thrown.get()).isInstanceOf(InterruptedException.class);
  }

  @Test
  void builderNamesWhatIsMissingOrWrong() {
    assertThatThrownBy(() -> PrometheusSource.builder().query("up", "up").build())
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("baseUrl is not set");
    assertThatThrownBy(() -> PrometheusSource.builder().baseUrl("http://p:9090/").build())
        .hasMessageContaining("no query");
    assertThatThrownBy(() -> PrometheusSource.builder().query("up", "up").query("up", "x"))
        .hasMessage("query already added for metric up");
    assertThatThrownBy(() -> PrometheusSource.builder().baseUrl("http://u:pw@p:9090/"))
        .hasMessageContaining("basicAuth")
        .satisfies(e -> assertThat(e.getMessage()).doesNotContain("pw@"));
    assertThatThrownBy(
            () ->
                PrometheusSource.builder()
                    .baseUrl("http://p:9090/")
                    .query("up", "up")
                    .basicAuth("u", "p")
                    .bearerToken("tok-123456")
                    .build())
        .hasMessageContaining("choose one");
  }
}
