package dev.vigil.http;

import static dev.vigil.http.FakeCloud.TOKEN;
import static dev.vigil.http.FakeCloud.listing;
import static dev.vigil.http.FakeCloud.metrics;
import static dev.vigil.http.FakeCloud.metricsPath;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.vigil.Sample;
import dev.vigil.SourceException;
import dev.vigil.SourceException.Kind;
import dev.vigil.testing.Await;
import dev.vigil.testing.ManualClock;
import dev.vigil.testing.RecordingPollContext;
import io.github.resilience4j.core.IntervalFunction;
import io.github.resilience4j.retry.Retry;
import io.github.resilience4j.retry.RetryConfig;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.SocketEffect;
import mockwebserver3.junit5.StartStop;
import okhttp3.HttpUrl;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class HttpJsonSourceTest {
  static final Retry ONE_ATTEMPT = Retry.of("single", RetryConfig.custom().maxAttempts(1).build());

  /** The time of every poll; a sample without a timestamp of its own gets this one. */
  static final Instant NOW = Instant.parse("2030-01-01T00:00:00Z");

  @StartStop final MockWebServer server = new MockWebServer();
  final FakeCloud cloud = new FakeCloud();
  final RecordingPollContext context =
      RecordingPollContext.create("cloud", ManualClock.startingAt(NOW));
  final List<HttpJsonSource> sources = new ArrayList<>();

  @BeforeEach
  void serveFakeCloud() {
    server.setDispatcher(cloud);
  }

  @AfterEach
  void closeSources() {
    sources.forEach(HttpJsonSource::close);
  }

  HttpJsonSource.Builder builder() {
    return HttpJsonSource.builder()
        .baseUrl(server.url("/"))
        .bearerToken(TOKEN)
        .resourcesPath("/v1/resources/page-1.json")
        .metricsPath("/v1/resources/{id}/metrics")
        .resourceLabel("region", "/region")
        .metric("cpu_usage", "/metrics/cpu_usage")
        .metric("memory_usage", "/metrics/memory_usage")
        .timestampPointer("/timestamp")
        .retry(ONE_ATTEMPT)
        .readTimeout(Duration.ofSeconds(2));
  }

  HttpJsonSource build(HttpJsonSource.Builder builder) {
    HttpJsonSource source = builder.build();
    sources.add(source);
    return source;
  }

  static Retry fastDefaultRetry() {
    return Retry.of(
        "fast",
        RetryConfig.from(HttpJsonSource.defaultRetryConfig())
            .intervalFunction(IntervalFunction.of(Duration.ofMillis(1)))
            .build());
  }

  @Test
  void readsEveryMetricOfEveryListedResourceWithLabelsAndTimestamp() throws Exception {
    cloud.resources("vm-000001", "vm-000002");

    List<Sample> samples = build(builder()).poll(context);

    Instant ts = Instant.parse("2026-11-24T00:00:00Z");
    Map<String, String> region = Map.of("region", "eu-west-1");
    assertThat(samples)
        .containsExactly(
            new Sample("cpu_usage", "vm-000001", region, 42.5, ts),
            new Sample("memory_usage", "vm-000001", region, 61.0, ts),
            new Sample("cpu_usage", "vm-000002", region, 42.5, ts),
            new Sample("memory_usage", "vm-000002", region, 61.0, ts));
    assertThat(context.errors()).isEmpty();
  }

  @Test
  void samplesWithoutTimestampPointerCarryThePollTime() throws Exception {
    cloud.resources("vm-1");
    HttpJsonSource source =
        build(
            HttpJsonSource.builder()
                .baseUrl(server.url("/"))
                .bearerToken(TOKEN)
                .resourcesPath("/v1/resources/page-1.json")
                .metricsPath("/v1/resources/{id}/metrics")
                .metric("cpu_usage", "/metrics/cpu_usage")
                .retry(ONE_ATTEMPT));

    assertThat(source.poll(context)).containsExactly(Sample.of("cpu_usage", "vm-1", 42.5, NOW));
  }

  @Test
  void sendsBearerTokenOnListingAndMetricsRequests() throws Exception {
    cloud.resources("vm-1", "vm-2");

    build(builder()).poll(context);

    assertThat(cloud.requests).hasSize(3);
    assertThat(cloud.requests)
        .allSatisfy(
            r -> assertThat(r.getHeaders().get("Authorization")).isEqualTo("Bearer " + TOKEN));
    assertThat(cloud.requests.stream().map(r -> r.getUrl().encodedPath()))
        .containsExactlyInAnyOrder(
            "/v1/resources/page-1.json",
            "/v1/resources/vm-1/metrics",
            "/v1/resources/vm-2/metrics");
  }

  @Test
  void asksRotatingTokenSupplierBeforeEveryRequest() throws Exception {
    cloud.resources("vm-1", "vm-2");
    cloud.acceptedToken = t -> t.startsWith("rotating-");
    AtomicInteger asked = new AtomicInteger();

    build(builder().bearerToken(() -> "rotating-" + asked.incrementAndGet())).poll(context);

    assertThat(asked).hasValue(3);
    assertThat(cloud.requests.stream().map(r -> r.getHeaders().get("Authorization")))
        .containsExactlyInAnyOrder("Bearer rotating-1", "Bearer rotating-2", "Bearer rotating-3");
  }

  @Test
  void followsNextLinksAcrossThreePagesUntilNextIsNull() throws Exception {
    cloud
        .always("/v1/resources/page-1.json", listing("page-2.json", "vm-1"))
        .always(
            "/v1/resources/page-2.json",
            listing(server.url("/v1/resources/page-3.json").toString(), "vm-2"))
        .always("/v1/resources/page-3.json", listing(null, "vm-3"));
    for (String id : List.of("vm-1", "vm-2", "vm-3"))
      cloud.always(metricsPath(id), metrics(id, 1, 2));

    List<Sample> samples = build(builder()).poll(context);

    assertThat(samples.stream().map(Sample::resource).distinct())
        .containsExactly("vm-1", "vm-2", "vm-3");
    assertThat(cloud.requestsTo("/v1/resources/page-1.json")).isEqualTo(1);
    assertThat(cloud.requestsTo("/v1/resources/page-2.json")).isEqualTo(1);
    assertThat(cloud.requestsTo("/v1/resources/page-3.json")).isEqualTo(1);
    assertThat(cloud.requests).hasSize(6);
  }

  @Test
  void refusesNextLinkToAnotherOrigin() {
    cloud.always("/v1/resources/page-1.json", listing("https://evil.example.com/steal", "vm-1"));
    HttpJsonSource source = build(builder());

    assertThatThrownBy(() -> source.poll(context))
        .isInstanceOfSatisfying(
            SourceException.class,
            e -> {
              assertThat(e.kind()).isEqualTo(Kind.BAD_DATA);
              assertThat(e.jsonPath()).isEqualTo("$.next");
              assertThat(e.getMessage())
                  .contains("another origin (https://evil.example.com:443)")
                  .doesNotContain(TOKEN);
            });
    assertThat(cloud.requests).hasSize(1);
  }

  @Test
  void refusesNextLinkToAnotherPortOfTheSameHost() {
    cloud.always(
        "/v1/resources/page-1.json",
        listing("http://" + server.getHostName() + ":" + (server.getPort() + 1) + "/p2", "vm-1"));

    assertThatThrownBy(() -> build(builder()).poll(context))
        .isInstanceOfSatisfying(
            SourceException.class, e -> assertThat(e.getMessage()).contains("another origin"));
    assertThat(cloud.requests).hasSize(1);
  }

  static MockResponse redirect(int code, HttpUrl location) {
    return new MockResponse.Builder().code(code).setHeader("Location", location).build();
  }

  @Test
  void redirectOfTheListingIsAnErrorAndIsNotFollowed() throws Exception {
    try (MockWebServer foreign = new MockWebServer()) {
      foreign.start();
      cloud.always(
          "/v1/resources/page-1.json", redirect(302, foreign.url("/v1/resources/page-1.json")));

      assertThatThrownBy(() -> build(builder()).poll(context))
          .isInstanceOfSatisfying(
              SourceException.class,
              e -> {
                assertThat(e.kind()).isEqualTo(Kind.HTTP_STATUS);
                assertThat(e.httpStatus()).isEqualTo(302);
                assertThat(e.url()).isEqualTo(server.url("/v1/resources/page-1.json").toString());
                assertThat(e.getMessage())
                    .startsWith("GET " + server.url("/v1/resources/page-1.json") + ": HTTP 302")
                    .contains("not followed")
                    .doesNotContain(TOKEN);
              });
      assertThat(foreign.getRequestCount()).isZero();
      assertThat(cloud.requests).hasSize(1);
    }
  }

  @Test
  void redirectOfMetricsIsNotFollowedEvenWithTheHostsClient() throws Exception {
    OkHttpClient host = new OkHttpClient();
    assertThat(host.followRedirects()).as("OkHttp's default").isTrue();
    try (MockWebServer foreign = new MockWebServer()) {
      foreign.start();
      HttpUrl toHttps = server.url(metricsPath("vm-2")).newBuilder().scheme("https").build();
      cloud
          .resources("vm-1", "vm-2", "vm-3")
          .always(metricsPath("vm-1"), redirect(307, foreign.url(metricsPath("vm-1"))))
          .always(metricsPath("vm-2"), redirect(301, toHttps));

      List<Sample> samples = build(builder().client(host).retry(fastDefaultRetry())).poll(context);

      assertThat(samples).extracting(Sample::resource).containsOnly("vm-3");
      assertThat(context.errors()).extracting(Map.Entry::getKey).containsExactly("vm-1", "vm-2");
      assertThat(context.errors())
          .extracting(error -> (SourceException) error.getValue())
          .allSatisfy(e -> assertThat(e.kind()).isEqualTo(Kind.HTTP_STATUS))
          .extracting(SourceException::httpStatus)
          .containsExactly(307, 301);
      assertThat(context.errors().get(0).getValue().getMessage())
          .startsWith("GET " + server.url(metricsPath("vm-1")) + ": HTTP 307")
          .contains("not followed");
      assertThat(foreign.getRequestCount()).isZero();
      assertThat(cloud.requestsTo(metricsPath("vm-1")))
          .as("a redirect is not retried")
          .isEqualTo(1);
      assertThat(cloud.requests).hasSize(4);
    }
  }

  @Test
  void nextLinkLoopIsBadDataNotAnEndlessPoll() {
    cloud.always("/v1/resources/page-1.json", listing("page-1.json", "vm-1"));

    assertThatThrownBy(() -> build(builder()).poll(context))
        .isInstanceOfSatisfying(
            SourceException.class, e -> assertThat(e.getMessage()).contains("loops back"));
  }

  @Test
  void maxPagesStopsAnEndlessListing() {
    cloud
        .always("/v1/resources/page-1.json", listing("page-2.json", "vm-1"))
        .always("/v1/resources/page-2.json", listing("page-3.json", "vm-2"));

    assertThatThrownBy(() -> build(builder().maxPages(2)).poll(context))
        .isInstanceOfSatisfying(
            SourceException.class, e -> assertThat(e.getMessage()).contains("maxPages=2"));
    assertThat(cloud.requestsTo("/v1/resources/page-3.json")).isZero();
  }

  @Test
  void capsDefaultToAThousandPagesAndAHundredThousandResources() {
    // Reading 1,001 pages would show it too, but takes most of a minute on loopback.
    assertThat(build(builder()).toString()).contains("maxPages=1000, maxResources=100000");
  }

  @Test
  void listingWithMoreThanMaxResourcesFailsThePollBeforeAnyMetricsRequest() {
    cloud
        .always("/v1/resources/page-1.json", listing("page-2.json", "vm-1", "vm-2"))
        .always("/v1/resources/page-2.json", listing(null, "vm-3", "vm-4"));

    assertThatThrownBy(() -> build(builder().maxResources(3)).poll(context))
        .isInstanceOfSatisfying(
            SourceException.class,
            e -> {
              assertThat(e.kind()).isEqualTo(Kind.BAD_DATA);
              assertThat(e.url()).isEqualTo(server.url("/v1/resources/page-2.json").toString());
              assertThat(e.jsonPath()).isEqualTo("$.items[1]");
              assertThat(e.getMessage()).contains("maxResources=3");
            });
    assertThat(cloud.requests).hasSize(2);
  }

  @Test
  void listingOfExactlyMaxResourcesIsRead() throws Exception {
    cloud.resources("vm-1", "vm-2", "vm-3");

    assertThat(build(builder().maxResources(3)).poll(context)).hasSize(6);
  }

  @Test
  void idLongerThanMaxIdLengthIsAnErrorForThatItemOnly() throws Exception {
    String longest = "v".repeat(256);
    String tooLong = "w".repeat(257);
    cloud.resources("vm-1", longest, tooLong);

    List<Sample> samples = build(builder()).poll(context);

    assertThat(samples).extracting(Sample::resource).containsOnly("vm-1", longest);
    assertThat(context.errors()).hasSize(1);
    SourceException e = (SourceException) context.errors().get(0).getValue();
    assertThat(e.kind()).isEqualTo(Kind.BAD_DATA);
    assertThat(e.jsonPath()).isEqualTo("$.items[2].id");
    assertThat(e.getMessage()).contains("257 chars exceeds maxIdLength=256").hasSizeLessThan(400);
    assertThat(cloud.requestsTo(metricsPath(tooLong))).isZero();
  }

  @Test
  void labelValueLongerThanMaxLabelValueLengthIsReportedAndLeftOutNeverCut() throws Exception {
    cloud
        .resources("vm-1", "vm-2")
        .always(
            "/v1/resources/page-1.json",
            "{\"items\":[{\"id\":\"vm-1\",\"region\":\""
                + "r".repeat(11)
                + "\"},{\"id\":\"vm-2\",\"region\":\""
                + "r".repeat(10)
                + "\"}],\"next\":null}");

    List<Sample> samples = build(builder().maxLabelValueLength(10)).poll(context);

    assertThat(samples).hasSize(4);
    assertThat(samples)
        .filteredOn(s -> s.resource().equals("vm-1"))
        .allSatisfy(s -> assertThat(s.labels()).isEmpty());
    assertThat(samples)
        .filteredOn(s -> s.resource().equals("vm-2"))
        .allSatisfy(
            s -> assertThat(s.labels()).containsExactly(Map.entry("region", "r".repeat(10))));
    assertThat(context.errors()).extracting(Map.Entry::getKey).containsExactly("vm-1");
    SourceException e = (SourceException) context.errors().get(0).getValue();
    assertThat(e.kind()).isEqualTo(Kind.BAD_DATA);
    assertThat(e.jsonPath()).isEqualTo("$.items[0].region");
    assertThat(e.getMessage())
        .contains("11 chars exceeds maxLabelValueLength=10")
        .contains("label region left out");
  }

  @Test
  void failedResourceIsReportedWhileOtherResourcesStillGiveSamples() throws Exception {
    cloud.resources("vm-1", "vm-2", "vm-3").always(metricsPath("vm-2"), FakeCloud.status(500));

    List<Sample> samples = build(builder()).poll(context);

    assertThat(samples.stream().map(Sample::resource).distinct()).containsExactly("vm-1", "vm-3");
    assertThat(context.errors()).extracting(Map.Entry::getKey).containsExactly("vm-2");
    SourceException error = (SourceException) context.errors().get(0).getValue();
    assertThat(error.kind()).isEqualTo(Kind.HTTP_STATUS);
    assertThat(error.httpStatus()).isEqualTo(500);
    assertThat(error.url()).isEqualTo(server.url("/v1/resources/vm-2/metrics").toString());
  }

  @Test
  void badMetricIsReportedWhileOtherMetricsOfTheSameResourceStillGiveSamples() throws Exception {
    cloud
        .resources("vm-1")
        .always(
            metricsPath("vm-1"),
            "{\"metrics\":{\"cpu_usage\":\"80%\",\"memory_usage\":61.0},"
                + "\"timestamp\":\"2026-11-24T00:00:00Z\"}");

    List<Sample> samples = build(builder()).poll(context);

    assertThat(samples).extracting(Sample::metric).containsExactly("memory_usage");
    assertThat(context.errors()).extracting(Map.Entry::getKey).containsExactly("vm-1");
    SourceException error = (SourceException) context.errors().get(0).getValue();
    assertThat(error.kind()).isEqualTo(Kind.BAD_DATA);
    assertThat(error.jsonPath()).isEqualTo("$.metrics.cpu_usage");
    assertThat(error.getMessage())
        .isEqualTo(
            "GET "
                + server.url("/v1/resources/vm-1/metrics")
                + ": bad data at $.metrics.cpu_usage: expected a number but was STRING \"80%\"");
  }

  @Test
  void pollFailsWithFirstFailureAndOthersSuppressedWhenEveryResourceFailed() {
    cloud
        .resources("vm-1", "vm-2", "vm-3")
        .always(metricsPath("vm-1"), FakeCloud.status(500))
        .always(metricsPath("vm-2"), FakeCloud.status(502))
        .always(metricsPath("vm-3"), FakeCloud.status(503));

    assertThatThrownBy(() -> build(builder()).poll(context))
        .isInstanceOfSatisfying(
            SourceException.class,
            e -> {
              assertThat(e.httpStatus()).isEqualTo(500);
              assertThat(e.getSuppressed()).hasSize(2);
            });
    assertThat(context.errors()).isEmpty();
  }

  @Test
  void emptyListingGivesNoSamplesAndNoFailure() throws Exception {
    cloud.resources();

    assertThat(build(builder()).poll(context)).isEmpty();
  }

  @Test
  void retriesOn503ThenSucceeds() throws Exception {
    cloud.resources("vm-1").once(metricsPath("vm-1"), FakeCloud.status(503));

    List<Sample> samples = build(builder().retry(fastDefaultRetry())).poll(context);

    assertThat(samples).hasSize(2);
    assertThat(context.errors()).isEmpty();
    assertThat(cloud.requestsTo(metricsPath("vm-1"))).isEqualTo(2);
  }

  @Test
  void doesNotRetryOn401() {
    cloud.resources("vm-1");
    cloud.acceptedToken = t -> false;

    assertThatThrownBy(() -> build(builder().retry(fastDefaultRetry())).poll(context))
        .isInstanceOfSatisfying(
            SourceException.class, e -> assertThat(e.kind()).isEqualTo(Kind.AUTH));
    assertThat(cloud.requests).hasSize(1);
  }

  @Test
  void doesNotRetryBadData() throws Exception {
    cloud.resources("vm-1", "vm-2").always(metricsPath("vm-1"), "{\"metrics\":");

    build(builder().retry(fastDefaultRetry())).poll(context);

    assertThat(cloud.requestsTo(metricsPath("vm-1"))).isEqualTo(1);
  }

  @Test
  void nextPollOfTheSameSourceWorksAfterAFailedPoll() throws Exception {
    cloud.resources("vm-1").once("/v1/resources/page-1.json", FakeCloud.status(500));
    HttpJsonSource source = build(builder());

    assertThatThrownBy(() -> source.poll(context)).isInstanceOf(SourceException.class);
    assertThat(source.poll(context)).hasSize(2);
  }

  @Test
  void metricsRequestsRunOnBoundedVigilHttpThreads() throws Exception {
    String[] ids = new String[20];
    for (int i = 0; i < ids.length; i++) ids[i] = "vm-" + i;
    cloud.resources(ids);
    Set<String> threadNames = ConcurrentHashMap.newKeySet();
    HttpJsonSource source =
        build(
            builder()
                .concurrency(3)
                .bearerToken(
                    () -> {
                      threadNames.add(Thread.currentThread().getName());
                      return TOKEN;
                    }));

    assertThat(source.poll(context)).hasSize(40);
    threadNames.remove(Thread.currentThread().getName()); // the listing runs on the poll thread
    assertThat(threadNames).isNotEmpty().hasSizeLessThanOrEqualTo(3);
    assertThat(threadNames).allMatch(n -> n.matches("vigil-http-\\d+"));
  }

  @Test
  void resourceIdIsEncodedAsOnePathSegment() throws Exception {
    cloud
        .always("/v1/resources/page-1.json", listing(null, "a/b c?d"))
        .always("/v1/resources/a%2Fb%20c%3Fd/metrics", metrics("x", 1, 2));

    assertThat(build(builder()).poll(context)).extracting(Sample::resource).containsOnly("a/b c?d");
  }

  @Test
  void afterCloseNoVigilHttpThreadIsAlive() throws Exception {
    cloud.resources("vm-1", "vm-2", "vm-3", "vm-4");
    HttpJsonSource source = build(builder().concurrency(4));
    source.poll(context);
    assertThat(vigilHttpThreads()).isNotEmpty();

    source.close();

    assertThat(vigilHttpThreads()).isEmpty();
    assertThatThrownBy(() -> source.poll(context)).isInstanceOf(IllegalStateException.class);
  }

  static MockResponse stall() {
    return new MockResponse.Builder().onResponseStart(SocketEffect.Stall.INSTANCE).build();
  }

  /** Polls on a thread of its own; {@link #result} holds what the poll threw or returned. */
  static final class Poller extends Thread {
    final AtomicReference<Object> result = new AtomicReference<>();
    final AtomicBoolean interruptedAfterPoll = new AtomicBoolean();
    private final HttpJsonSource source;
    private final RecordingPollContext context;

    Poller(HttpJsonSource source, RecordingPollContext context) {
      super("test-poller");
      setDaemon(true);
      this.source = source;
      this.context = context;
    }

    @Override
    public void run() {
      try {
        result.set(source.poll(context));
      } catch (Throwable t) {
        result.set(t);
      }
      interruptedAfterPoll.set(Thread.currentThread().isInterrupted());
    }

    /** Waits for the poll to end, failing if it takes longer than {@code timeout}. */
    Object awaitResult(Duration timeout) throws InterruptedException {
      join(timeout.toMillis());
      assertThat(isAlive()).as("poll still running after " + timeout).isFalse();
      return result.get();
    }
  }

  @Test
  void closeDuringAStalledRequestCancelsItAndEndsEveryWorkerPromptly() throws Exception {
    cloud.resources("vm-1", "vm-2", "vm-3").always(metricsPath("vm-2"), stall());
    HttpJsonSource source =
        build(
            builder()
                .concurrency(1)
                .readTimeout(Duration.ofSeconds(30))
                .callTimeout(Duration.ofSeconds(60)));
    Poller poller = new Poller(source, context);
    poller.start();
    Await.until(
        "the stalled request reaches the server", () -> cloud.requestsTo(metricsPath("vm-2")) == 1);

    long started = System.nanoTime();
    source.close();
    Duration took = Duration.ofNanos(System.nanoTime() - started);

    assertThat(took).isLessThan(Duration.ofSeconds(2));
    assertThat(vigilHttpThreads()).isEmpty();
    assertThat(poller.awaitResult(Duration.ofSeconds(2)))
        .isInstanceOfSatisfying(
            IllegalStateException.class,
            e -> assertThat(e).hasMessageContaining("closed during the poll"));
    assertThat(cloud.requestsTo(metricsPath("vm-3")))
        .as("queued behind the stalled request")
        .isZero();
  }

  @Test
  void interruptDuringAStalledListingStopsThePollPromptlyAndKeepsTheInterruptStatus()
      throws Exception {
    cloud.resources("vm-1").always("/v1/resources/page-1.json", stall());
    HttpJsonSource source =
        build(
            builder()
                .retry(fastDefaultRetry())
                .readTimeout(Duration.ofSeconds(30))
                .callTimeout(Duration.ofSeconds(60)));
    Poller poller = new Poller(source, context);
    poller.start();
    Await.until("the listing request reaches the server", () -> cloud.requests.size() == 1);

    poller.interrupt();

    assertThat(poller.awaitResult(Duration.ofSeconds(2))).isInstanceOf(InterruptedException.class);
    assertThat(poller.interruptedAfterPoll).as("interrupt status kept").isTrue();
    assertThat(context.errors()).isEmpty();
    source.close();
    assertThat(cloud.requests).as("not retried like an ordinary failure").hasSize(1);
  }

  @Test
  void interruptWhileMetricsStallCancelsThemSoTheWorkersAreFreeForTheNextPoll() throws Exception {
    cloud.resources("vm-1", "vm-2").once(metricsPath("vm-1"), stall());
    HttpJsonSource source =
        build(
            builder()
                .concurrency(1)
                .retry(fastDefaultRetry())
                .readTimeout(Duration.ofSeconds(30))
                .callTimeout(Duration.ofSeconds(60)));
    Poller first = new Poller(source, context);
    first.start();
    Await.until(
        "the stalled request reaches the server", () -> cloud.requestsTo(metricsPath("vm-1")) == 1);

    first.interrupt();

    assertThat(first.awaitResult(Duration.ofSeconds(2))).isInstanceOf(InterruptedException.class);
    assertThat(first.interruptedAfterPoll).as("interrupt status kept").isTrue();
    Poller second = new Poller(source, context);
    second.start();
    Object samples = second.awaitResult(Duration.ofSeconds(5));
    assertThat(samples).isInstanceOf(List.class);
    assertThat((List<?>) samples).hasSize(4);
    assertThat(cloud.requestsTo(metricsPath("vm-1")))
        .as("the cancelled request is not retried")
        .isEqualTo(2);
    assertThat(context.errors()).isEmpty();
  }

  @Test
  void pollOnAnInterruptedThreadSendsNothingAndKeepsTheInterruptStatus() {
    cloud.resources("vm-1");
    HttpJsonSource source = build(builder());

    Thread.currentThread().interrupt();
    try {
      assertThatThrownBy(() -> source.poll(context)).isInstanceOf(InterruptedException.class);
      assertThat(Thread.currentThread().isInterrupted()).isTrue();
    } finally {
      Thread.interrupted();
    }
    assertThat(cloud.requests).isEmpty();
  }

  @Test
  void closeLeavesTheHostsClientUsable() throws Exception {
    cloud.resources("vm-1");
    OkHttpClient host = new OkHttpClient();
    HttpJsonSource source = build(builder().client(host));
    source.poll(context);

    source.close();

    Request request =
        new Request.Builder()
            .url(server.url("/v1/resources/page-1.json"))
            .header("Authorization", "Bearer " + TOKEN)
            .build();
    try (okhttp3.Response response = host.newCall(request).execute()) {
      assertThat(response.code()).isEqualTo(200);
    }
  }

  @Test
  void toStringNeverShowsTheToken() {
    HttpJsonSource.Builder builder = builder();
    assertThat(builder.toString()).doesNotContain(TOKEN).contains("REDACTED");
    assertThat(build(builder).toString()).doesNotContain(TOKEN).contains("REDACTED");
  }

  static List<String> vigilHttpThreads() {
    return Thread.getAllStackTraces().keySet().stream()
        .filter(Thread::isAlive)
        .map(Thread::getName)
        .filter(n -> n.startsWith("vigil-http"))
        .toList();
  }
}
