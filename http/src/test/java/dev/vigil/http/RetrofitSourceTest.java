package dev.vigil.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.vigil.Sample;
import dev.vigil.SourceException;
import dev.vigil.SourceException.Kind;
import dev.vigil.testing.ManualClock;
import dev.vigil.testing.ManualTicker;
import dev.vigil.testing.RecordingPollContext;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;
import mockwebserver3.SocketEffect;
import mockwebserver3.junit5.StartStop;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import retrofit2.Call;
import retrofit2.http.GET;
import retrofit2.http.Path;
import retrofit2.http.Query;
import retrofit2.http.Url;

/**
 * The bring-your-own-Retrofit source against MockWebServer: a user's service interface with path
 * and query parameters, and every fault class a call can end in.
 */
class RetrofitSourceTest {
  static final String TOKEN = "s3cr3t-token-0123456789";

  /** A provider's API as a user declares it. */
  interface ProviderApi {
    @GET("v1/servers")
    Call<ServerPage> servers(@Query("page") int page, @Query("label") String label);

    @GET("v1/servers/{id}/metrics")
    Call<Metrics> metrics(@Path("id") String id, @Query("type") String type);

    @GET
    Call<ServerPage> page(@Url String url);
  }

  public record ServerPage(List<Server> servers) {}

  public record Server(String id, String region) {}

  public record Metrics(Double cpu) {}

  /** Not a valid service for the source: returns the body directly. */
  interface Direct {
    @GET("v1/servers")
    ServerPage servers();
  }

  @StartStop final MockWebServer server = new MockWebServer();
  final ManualClock clock = ManualClock.create();
  final ManualTicker ticker = ManualTicker.create();
  final RecordingPollContext context = RecordingPollContext.create("provider", clock);
  final List<Duration> sleeps = new CopyOnWriteArrayList<>();
  final List<RetrofitSource<?>> sources = new ArrayList<>();

  @AfterEach
  void close() {
    sources.forEach(RetrofitSource::close);
  }

  /** Reads every server's cpu; a server that fails is reported, the others still give samples. */
  static final RetrofitSource.Poller<ProviderApi> CPU =
      (api, calls, context) -> {
        List<Sample> samples = new ArrayList<>();
        for (Server s : calls.execute(api.servers(1, "env=prod")).servers()) {
          Call<Metrics> call = api.metrics(s.id(), "cpu");
          try {
            Metrics m = calls.execute(call);
            if (m.cpu() == null) throw calls.badData(call, "$.cpu", "missing");
            samples.add(Sample.of("cpu_usage", s.id(), m.cpu(), context.now()));
          } catch (SourceException e) {
            context.reportError(s.id(), e);
          }
        }
        return samples;
      };

  RetrofitSource.Builder<ProviderApi> builder() {
    return RetrofitSource.builder(ProviderApi.class)
        .baseUrl(server.url("/").toString())
        .bearerToken(TOKEN)
        .errorBody("/error/code", "/error/message")
        .clock(clock)
        .ticker(ticker)
        // Retries alone: Resilience4j's default breaker judges from 100 calls.
        .circuitBreaker(CircuitBreaker.ofDefaults("closed"))
        .sleeper(nanos -> sleeps.add(Duration.ofNanos(nanos)))
        .poll(CPU);
  }

  <A> RetrofitSource<A> build(RetrofitSource.Builder<A> builder) {
    RetrofitSource<A> source = builder.build();
    sources.add(source);
    return source;
  }

  static MockResponse json(String body) {
    return FakeCloud.json(body);
  }

  static MockResponse status(int code, String body) {
    return new MockResponse.Builder()
        .code(code)
        .setHeader("Content-Type", "application/json")
        .body(body)
        .build();
  }

  static final String TWO_SERVERS =
      "{\"servers\":[{\"id\":\"srv 1\",\"region\":\"eu\"},{\"id\":\"srv-2\",\"region\":\"us\"}]}";

  @Test
  void pathAndQueryParametersReachTheServerWithTheBearerToken() throws Exception {
    server.enqueue(json(TWO_SERVERS));
    server.enqueue(json("{\"cpu\":42.5,\"unknown\":{\"deep\":[1,2,3]}}"));
    server.enqueue(json("{\"cpu\":7}"));

    List<Sample> samples = build(builder()).poll(context);

    assertThat(samples)
        .extracting(s -> s.resource() + "=" + s.value())
        .containsExactly("srv 1=42.5", "srv-2=7.0");
    RecordedRequest listing = server.takeRequest();
    assertThat(listing.getTarget()).isEqualTo("/v1/servers?page=1&label=env%3Dprod");
    assertThat(listing.getHeaders().get("Authorization")).isEqualTo("Bearer " + TOKEN);
    assertThat(server.takeRequest().getTarget()).isEqualTo("/v1/servers/srv%201/metrics?type=cpu");
    assertThat(server.takeRequest().getTarget()).isEqualTo("/v1/servers/srv-2/metrics?type=cpu");
    assertThat(context.errors()).isEmpty();
  }

  @Test
  void unauthorizedIsAuthNamingTheUrlAndTheProviderErrorWithoutTheTokenAndIsNotRetried() {
    server.enqueue(
        status(
            401,
            "{\"error\":{\"code\":\"unauthorized\",\"message\":\"token "
                + TOKEN
                + " is invalid\"}}"));

    assertThatThrownBy(() -> build(builder()).poll(context))
        .isInstanceOfSatisfying(
            SourceException.class,
            e -> {
              assertThat(e.kind()).isEqualTo(Kind.AUTH);
              assertThat(e.httpStatus()).isEqualTo(401);
              assertThat(e.url())
                  .isEqualTo(server.url("/v1/servers?page=1&label=env%3Dprod").toString());
              assertThat(e.getMessage())
                  .startsWith("GET " + e.url() + ": HTTP 401")
                  .contains("unauthorized: token REDACTED is invalid")
                  .doesNotContain(TOKEN);
            });
    assertThat(server.getRequestCount()).isEqualTo(1);
    assertThat(sleeps).isEmpty();
  }

  @Test
  void rateLimitedWithRetryAfterWaitsAsToldThenReads() throws Exception {
    server.enqueue(
        new MockResponse.Builder()
            .code(429)
            .setHeader("Retry-After", "3")
            .body("{\"error\":{\"code\":\"rate_limit_exceeded\",\"message\":\"slow down\"}}")
            .build());
    server.enqueue(json("{\"servers\":[]}"));

    assertThat(build(builder()).poll(context)).isEmpty();

    assertThat(sleeps).containsExactly(Duration.ofSeconds(3));
    assertThat(server.getRequestCount()).isEqualTo(2);
  }

  @Test
  void rateLimitedWithoutRetryAfterWaitsUntilRateLimitReset() throws Exception {
    long reset = clock.instant().plusSeconds(5).getEpochSecond();
    server.enqueue(rateLimited(reset));
    server.enqueue(json("{\"servers\":[]}"));

    assertThat(build(builder()).poll(context)).isEmpty();

    assertThat(sleeps).containsExactly(Duration.ofSeconds(5));
  }

  @Test
  void rateLimitResetBeyondTheCapFailsThePollAsRateLimitedNamingTheHeaders() {
    server.enqueue(rateLimited(clock.instant().plusSeconds(600).getEpochSecond()));

    assertThatThrownBy(() -> build(builder()).poll(context))
        .isInstanceOfSatisfying(
            SourceException.class,
            e -> {
              assertThat(e.kind()).isEqualTo(Kind.HTTP_STATUS);
              assertThat(e.httpStatus()).isEqualTo(429);
              assertThat(e.getMessage())
                  .contains("HTTP 429")
                  .contains("RateLimit-Remaining 0 of 3600, RateLimit-Reset in PT10M")
                  .contains("rate_limit_exceeded: limit of 3600 requests per hour reached");
            });
    assertThat(sleeps).isEmpty();
    assertThat(server.getRequestCount()).isEqualTo(1);
  }

  static MockResponse rateLimited(long resetEpochSeconds) {
    return new MockResponse.Builder()
        .code(429)
        .setHeader("RateLimit-Limit", "3600")
        .setHeader("RateLimit-Remaining", "0")
        .setHeader("RateLimit-Reset", Long.toString(resetEpochSeconds))
        .body(
            "{\"error\":{\"code\":\"rate_limit_exceeded\","
                + "\"message\":\"limit of 3600 requests per hour reached\"}}")
        .build();
  }

  @Test
  void serverErrorIsRetriedWithBackOffThenFailsAsHttpStatus() {
    for (int i = 0; i < 3; i++) server.enqueue(status(503, "{}"));

    assertThatThrownBy(() -> build(builder()).poll(context))
        .isInstanceOfSatisfying(
            SourceException.class,
            e -> {
              assertThat(e.kind()).isEqualTo(Kind.HTTP_STATUS);
              assertThat(e.httpStatus()).isEqualTo(503);
            });
    assertThat(server.getRequestCount()).isEqualTo(3);
    assertThat(sleeps).hasSize(2);
  }

  @Test
  void wrongJsonTypeIsBadDataNamingTheUrlAndJsonPathForThatResourceOnly() throws Exception {
    server.enqueue(json(TWO_SERVERS));
    server.enqueue(json("{\"cpu\":\"80%\"}"));
    server.enqueue(json("{\"cpu\":7}"));

    List<Sample> samples = build(builder()).poll(context);

    assertThat(samples).extracting(Sample::resource).containsExactly("srv-2");
    assertThat(context.errors()).hasSize(1);
    assertThat(context.errors().get(0).getKey()).isEqualTo("srv 1");
    SourceException e = (SourceException) context.errors().get(0).getValue();
    assertThat(e.kind()).isEqualTo(Kind.BAD_DATA);
    assertThat(e.jsonPath()).isEqualTo("$.cpu");
    assertThat(e.url()).isEqualTo(server.url("/v1/servers/srv%201/metrics?type=cpu").toString());
    assertThat(e.getMessage())
        .isEqualTo("GET " + e.url() + ": bad data at $.cpu: Expected a double but was 80%");
  }

  @Test
  void malformedJsonIsBadData() {
    server.enqueue(json("{\"servers\":[{\"id\":"));

    assertThatThrownBy(() -> build(builder()).poll(context))
        .isInstanceOfSatisfying(
            SourceException.class,
            e -> {
              assertThat(e.kind()).isEqualTo(Kind.BAD_DATA);
              assertThat(e.jsonPath()).startsWith("$.servers[0]");
            });
  }

  @Test
  void bodyOverMaxBodyBytesIsBadDataBeforeItIsRead() {
    server.enqueue(json("{\"servers\":[" + "{\"id\":\"x\",\"region\":\"eu\"},".repeat(100) + "]}"));

    assertThatThrownBy(() -> build(builder().maxBodyBytes(256)).poll(context))
        .isInstanceOfSatisfying(
            SourceException.class,
            e -> {
              assertThat(e.kind()).isEqualTo(Kind.BAD_DATA);
              assertThat(e.getMessage()).contains("exceeds maxBodyBytes=256");
            });
  }

  @Test
  void missingValueFailsAsBadDataThroughCallsBadDataNeverAsZero() throws Exception {
    server.enqueue(json(TWO_SERVERS));
    server.enqueue(json("{}"));
    server.enqueue(json("{\"cpu\":7}"));

    List<Sample> samples = build(builder()).poll(context);

    assertThat(samples).extracting(Sample::resource).containsExactly("srv-2");
    SourceException e = (SourceException) context.errors().get(0).getValue();
    assertThat(e.kind()).isEqualTo(Kind.BAD_DATA);
    assertThat(e.jsonPath()).isEqualTo("$.cpu");
  }

  @Test
  void everyResourceFailingFailsThePollWithTheFirstFailureAndTheOthersSuppressed() {
    server.enqueue(json(TWO_SERVERS));
    server.enqueue(status(404, "{}"));
    server.enqueue(status(404, "{}"));

    assertThatThrownBy(() -> build(builder()).poll(context))
        .isInstanceOfSatisfying(
            SourceException.class,
            e -> {
              assertThat(e.httpStatus()).isEqualTo(404);
              assertThat(e.url()).contains("/v1/servers/srv%201/metrics");
              assertThat(e.getSuppressed()).hasSize(1);
            });
    assertThat(context.errors()).isEmpty();
    assertThat(sleeps).isEmpty(); // 404 is not retried
  }

  @Test
  void redirectIsNotFollowed() {
    server.enqueue(
        new MockResponse.Builder()
            .code(302)
            .setHeader("Location", "http://127.0.0.1:1/elsewhere")
            .build());

    assertThatThrownBy(() -> build(builder()).poll(context))
        .isInstanceOfSatisfying(
            SourceException.class,
            e -> {
              assertThat(e.kind()).isEqualTo(Kind.HTTP_STATUS);
              assertThat(e.getMessage()).contains("not followed");
            });
    assertThat(server.getRequestCount()).isEqualTo(1);
  }

  @Test
  void callToAnotherOriginIsRefusedWithoutBeingSent() {
    RetrofitSource<ProviderApi> source =
        build(
            builder()
                .poll(
                    (api, calls, context) -> {
                      calls.execute(api.page("http://127.0.0.1:1/v1/servers?page=2"));
                      return List.of();
                    }));

    assertThatThrownBy(() -> source.poll(context))
        .isInstanceOfSatisfying(
            SourceException.class,
            e -> {
              assertThat(e.kind()).isEqualTo(Kind.BAD_DATA);
              assertThat(e.getMessage()).contains("not on the origin of baseUrl");
            });
    assertThat(server.getRequestCount()).isZero();
  }

  @Test
  void noAnswerIsTimeout() {
    server.enqueue(new MockResponse.Builder().onResponseStart(SocketEffect.Stall.INSTANCE).build());

    assertThatThrownBy(
            () ->
                build(
                        builder()
                            .readTimeout(Duration.ofMillis(200))
                            .retry(io.github.resilience4j.retry.Retry.ofDefaults("one")))
                    .poll(context))
        .isInstanceOfSatisfying(
            SourceException.class, e -> assertThat(e.kind()).isEqualTo(Kind.TIMEOUT));
  }

  @Test
  void disconnectIsConnection() {
    for (int i = 0; i < 3; i++) {
      server.enqueue(
          new MockResponse.Builder().onResponseStart(new SocketEffect.CloseSocket()).build());
    }

    assertThatThrownBy(() -> build(builder()).poll(context))
        .isInstanceOfSatisfying(
            SourceException.class, e -> assertThat(e.kind()).isEqualTo(Kind.CONNECTION));
  }

  @Test
  void callsAfterTheSweepDeadlineFailAsTimeoutAndThePollIsIncompleteNamingThem() throws Exception {
    server.enqueue(json(TWO_SERVERS));
    server.enqueue(json("{\"cpu\":42}"));
    RetrofitSource<ProviderApi> source =
        build(
            builder()
                .sweepTimeout(Duration.ofSeconds(10))
                .poll(
                    (api, calls, context) -> {
                      List<Sample> samples = CPU.poll(api, calls, context);
                      ticker.advance(Duration.ofSeconds(11)); // the deadline passes
                      try {
                        calls.execute(api.metrics("srv-3", "cpu"));
                      } catch (SourceException e) {
                        context.reportError("srv-3", e);
                      }
                      return samples;
                    }));
    server.enqueue(json("{\"cpu\":7}"));

    assertThat(source.poll(context)).hasSize(2);

    assertThat(server.getRequestCount()).isEqualTo(3); // srv-3 never sent
    SourceException late = (SourceException) context.errors().get(0).getValue();
    assertThat(late.kind()).isEqualTo(Kind.TIMEOUT);
    assertThat(late.getMessage())
        .contains("not sent before the sweep deadline (sweepTimeout=PT10S)");
    SourceException incomplete = (SourceException) context.incomplete();
    assertThat(incomplete).isNotNull();
    assertThat(incomplete.kind()).isEqualTo(Kind.TIMEOUT);
    assertThat(incomplete.getMessage())
        .contains("1 request(s) not answered: " + server.url("/v1/servers/srv-3/metrics?type=cpu"));
  }

  @Test
  void bodyDribbledPastTheSweepDeadlineIsCutOff() {
    server.enqueue(
        new MockResponse.Builder()
            .body(TWO_SERVERS)
            .throttleBody(1, 100, TimeUnit.MILLISECONDS)
            .build());
    RetrofitSource<ProviderApi> source =
        build(
            builder()
                .ticker(dev.vigil.Ticker.system())
                .sweepTimeout(Duration.ofMillis(500))
                .retry(io.github.resilience4j.retry.Retry.ofDefaults("one")));
    long start = System.nanoTime();

    assertThatThrownBy(() -> source.poll(context))
        .isInstanceOfSatisfying(
            SourceException.class, e -> assertThat(e.kind()).isEqualTo(Kind.TIMEOUT));
    assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(5));
  }

  @Test
  void chunkedBodyOverMaxBodyBytesIsBadDataWhileStreaming() {
    String big = "{\"servers\":[" + "{\"id\":\"x\",\"region\":\"eu\"},".repeat(20_000) + "{}]}";
    server.enqueue(
        new MockResponse.Builder()
            .setHeader("Content-Type", "application/json")
            .chunkedBody(big, 4096)
            .build());

    assertThatThrownBy(() -> build(builder().maxBodyBytes(64 * 1024)).poll(context))
        .isInstanceOfSatisfying(
            SourceException.class,
            e -> {
              assertThat(e.kind()).isEqualTo(Kind.BAD_DATA);
              assertThat(e.getMessage()).contains("body exceeds maxBodyBytes=65536");
              assertThat(e.jsonPath()).startsWith("$.servers[");
            });
  }

  @Test
  void hugeErrorBodyIsReadOnlyUpToItsCap() {
    String huge =
        "{\"error\":{\"code\":\"overloaded\",\"message\":\"" + "x".repeat(4 * 1024 * 1024) + "\"}}";
    server.enqueue(new MockResponse.Builder().code(400).chunkedBody(huge, 64 * 1024).build());

    assertThatThrownBy(() -> build(builder()).poll(context))
        .isInstanceOfSatisfying(
            SourceException.class,
            e -> {
              assertThat(e.httpStatus()).isEqualTo(400);
              // The cut body is not whole JSON: the status alone is reported, not 4 MiB of text.
              assertThat(e.getMessage()).hasSizeLessThan(300).doesNotContain("xxxx");
            });
  }

  @Test
  void tokenEchoedInABodyValueIsScrubbedFromTheBadDataMessage() throws Exception {
    server.enqueue(json(TWO_SERVERS));
    server.enqueue(json("{\"cpu\":\"" + TOKEN + "\"}"));
    server.enqueue(json("{\"cpu\":7}"));

    build(builder()).poll(context);

    SourceException e = (SourceException) context.errors().get(0).getValue();
    assertThat(e.getMessage()).contains("REDACTED").doesNotContain(TOKEN);
  }

  @Test
  void openCircuitSendsNothingAndMakesThePollIncompleteNamingTheRefusedCalls() throws Exception {
    CircuitBreaker open = CircuitBreaker.ofDefaults("open");
    open.transitionToOpenState();
    server.enqueue(json(TWO_SERVERS));
    RetrofitSource<ProviderApi> source =
        build(
            builder()
                .circuitBreaker(open)
                .poll(
                    (api, calls, context) -> {
                      try {
                        calls.execute(api.servers(1, "x"));
                      } catch (SourceException e) {
                        context.reportError("listing", e);
                      }
                      return List.of(Sample.of("up", "self", 1, context.now()));
                    }));

    assertThat(source.poll(context)).hasSize(1);

    assertThat(server.getRequestCount()).isZero();
    assertThat(((SourceException) context.errors().get(0).getValue()).kind())
        .isEqualTo(Kind.CIRCUIT_OPEN);
    SourceException incomplete = (SourceException) context.incomplete();
    assertThat(incomplete.kind()).isEqualTo(Kind.CIRCUIT_OPEN);
    assertThat(incomplete.getMessage()).contains("1 request(s) not sent: ");
  }

  @Test
  void closeDuringAStalledCallEndsThePollPromptly() throws Exception {
    server.enqueue(new MockResponse.Builder().onResponseStart(SocketEffect.Stall.INSTANCE).build());
    RetrofitSource<ProviderApi> source = build(builder().ticker(dev.vigil.Ticker.system()));
    java.util.concurrent.CompletableFuture<Throwable> failed =
        new java.util.concurrent.CompletableFuture<>();
    Thread poller =
        new Thread(
            () -> {
              try {
                source.poll(context);
                failed.complete(null);
              } catch (Throwable t) {
                failed.complete(t);
              }
            });
    poller.start();
    server.takeRequest(5, TimeUnit.SECONDS); // the call is in flight
    long start = System.nanoTime();

    source.close();

    Throwable t = failed.get(5, TimeUnit.SECONDS);
    assertThat(t).isInstanceOf(IllegalStateException.class).hasMessageContaining("closed");
    assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(5));
  }

  @Test
  void serviceMethodsMustReturnCall() {
    assertThatThrownBy(
            () ->
                RetrofitSource.builder(Direct.class)
                    .baseUrl(server.url("/").toString())
                    .bearerToken(TOKEN)
                    .poll((api, calls, context) -> List.of())
                    .build())
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("Direct.servers returns")
        .hasMessageContaining("must return retrofit2.Call<T>");
  }

  @Test
  void buildNamesWhatIsMissing() {
    assertThatThrownBy(() -> RetrofitSource.builder(ProviderApi.class).bearerToken(TOKEN).build())
        .hasMessage("baseUrl is not set");
    assertThatThrownBy(
            () ->
                RetrofitSource.builder(ProviderApi.class)
                    .baseUrl("https://api.example.com/")
                    .build())
        .hasMessage("bearerToken is not set (or oauth2)");
    assertThatThrownBy(
            () ->
                RetrofitSource.builder(ProviderApi.class)
                    .baseUrl("https://api.example.com/")
                    .bearerToken(TOKEN)
                    .build())
        .hasMessageStartingWith("poll is not set");
    assertThatThrownBy(
            () -> RetrofitSource.builder(ProviderApi.class).baseUrl("https://api.example.com/v1"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("must end in /");
  }

  @Test
  void toStringShowsNoToken() {
    RetrofitSource.Builder<ProviderApi> builder = builder();
    assertThat(builder.toString()).doesNotContain(TOKEN).contains("REDACTED");
    assertThat(build(builder).toString()).doesNotContain(TOKEN).contains("REDACTED");
  }

  @Test
  void oauth2TokenIsFetchedAndSentAndRenewedOnceAfterA401() throws Exception {
    try (MockWebServer auth = new MockWebServer()) {
      auth.start();
      auth.enqueue(
          json("{\"access_token\":\"tok-1\",\"token_type\":\"Bearer\",\"expires_in\":3600}"));
      auth.enqueue(
          json("{\"access_token\":\"tok-2\",\"token_type\":\"Bearer\",\"expires_in\":3600}"));
      server.enqueue(status(401, "{}"));
      server.enqueue(json("{\"servers\":[]}"));
      RetrofitSource<ProviderApi> source =
          build(
              RetrofitSource.builder(ProviderApi.class)
                  .baseUrl(server.url("/").toString())
                  .oauth2(
                      OAuth2ClientCredentials.builder()
                          .tokenUrl(auth.url("/oauth/token").toString())
                          .client("vigil", "client-secret-1234")
                          .build())
                  .poll(CPU));

      assertThat(source.poll(context)).isEmpty();

      assertThat(server.takeRequest().getHeaders().get("Authorization")).isEqualTo("Bearer tok-1");
      assertThat(server.takeRequest().getHeaders().get("Authorization")).isEqualTo("Bearer tok-2");
      assertThat(auth.getRequestCount()).isEqualTo(2);
    }
  }
}
