package dev.vigil.http;

import static dev.vigil.http.FakeCloud.metricsPath;
import static org.assertj.core.api.Assertions.assertThat;

import dev.vigil.SourceException;
import dev.vigil.SourceException.Kind;
import dev.vigil.testing.ManualClock;
import dev.vigil.testing.RecordingPollContext;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import java.time.Duration;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.junit5.StartStop;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Retries: which answers are retried, how long the source waits (its back-off or the server's
 * {@code Retry-After}, RFC 9110 section 10.2.3), and the per-poll budget. The waits are recorded by
 * an injected sleeper, so the tests take no time and measure the wait exactly. The default config
 * follows Resilience4j's documented {@code IntervalFunction.ofExponentialRandomBackoff}
 * (resilience4j.readme.io/docs/retry, "Use a custom IntervalFunction").
 */
class HttpJsonSourceRetryTest {
  @StartStop final MockWebServer server = new MockWebServer();
  final FakeCloud cloud = new FakeCloud();
  final ManualClock clock = ManualClock.create();
  final RecordingPollContext context = RecordingPollContext.create("cloud", clock);
  final List<Duration> sleeps = new CopyOnWriteArrayList<>();
  final List<HttpJsonSource> sources = new ArrayList<>();

  @BeforeEach
  void serveFakeCloud() {
    server.setDispatcher(cloud);
    cloud.resources("vm-1");
  }

  @AfterEach
  void closeSources() {
    sources.forEach(HttpJsonSource::close);
  }

  HttpJsonSource.Builder builder() {
    return FakeCloud.source(server)
        .clock(clock)
        // Retries alone: Resilience4j's default breaker judges from 100 calls, more than any
        // test here makes, so it stays closed (HttpJsonSourceCircuitBreakerTest tests ours).
        .circuitBreaker(CircuitBreaker.ofDefaults("closed"))
        .sleeper(nanos -> sleeps.add(Duration.ofNanos(nanos)));
  }

  HttpJsonSource build(HttpJsonSource.Builder builder) {
    HttpJsonSource source = builder.build();
    sources.add(source);
    return source;
  }

  static MockResponse status(int code, String retryAfter) {
    return new MockResponse.Builder()
        .code(code)
        .setHeader("Retry-After", retryAfter)
        .body("{\"error\":\"slow down\"}")
        .build();
  }

  @Test
  void tooManyRequestsWithRetryAfterSecondsWaitsAsTold() throws Exception {
    cloud.once(metricsPath("vm-1"), status(429, "3"));

    assertThat(build(builder()).poll(context)).hasSize(1);

    assertThat(sleeps).containsExactly(Duration.ofSeconds(3));
    assertThat(cloud.requestsTo(metricsPath("vm-1"))).isEqualTo(2);
    assertThat(context.errors()).isEmpty();
  }

  @Test
  void tooManyRequestsWithRetryAfterHttpDateWaitsUntilThatDate() throws Exception {
    String inSevenSeconds =
        DateTimeFormatter.RFC_1123_DATE_TIME.format(
            clock.instant().plusSeconds(7).atZone(ZoneOffset.UTC));
    cloud.once(metricsPath("vm-1"), status(429, inSevenSeconds));

    assertThat(build(builder()).poll(context)).hasSize(1);

    assertThat(sleeps).containsExactly(Duration.ofSeconds(7));
    assertThat(cloud.requestsTo(metricsPath("vm-1"))).isEqualTo(2);
  }

  @Test
  void serviceUnavailableWithRetryAfterInThePastRetriesAtOnce() throws Exception {
    String past =
        DateTimeFormatter.RFC_1123_DATE_TIME.format(
            clock.instant().minusSeconds(60).atZone(ZoneOffset.UTC));
    cloud.once(metricsPath("vm-1"), status(503, past));

    assertThat(build(builder()).poll(context)).hasSize(1);

    assertThat(sleeps).containsExactly(Duration.ZERO);
  }

  @Test
  void retryAfterLongerThanTheCapIsNotRetriedInThisPoll() throws Exception {
    cloud.resources("vm-1", "vm-2").always(metricsPath("vm-1"), status(429, "120"));

    assertThat(build(builder().maxRetryAfter(Duration.ofSeconds(30))).poll(context)).hasSize(1);

    assertThat(sleeps).isEmpty();
    assertThat(cloud.requestsTo(metricsPath("vm-1"))).isEqualTo(1);
    assertThat(context.errors()).hasSize(1);
    SourceException e = (SourceException) context.errors().get(0).getValue();
    assertThat(e.httpStatus()).isEqualTo(429);
    assertThat(e.getMessage()).contains("Retry-After PT2M");
  }

  @Test
  void retryAfterThatIsNeitherFormFallsBackToTheBackOff() throws Exception {
    cloud.once(metricsPath("vm-1"), status(503, "soon"));

    assertThat(build(builder()).poll(context)).hasSize(1);

    assertThat(sleeps).hasSize(1);
    assertThat(sleeps.get(0)).isBetween(Duration.ofMillis(250), Duration.ofMillis(750));
  }

  @Test
  void backOffIsExponentialWithJitter() throws Exception {
    String[] ids = new String[8];
    for (int i = 0; i < ids.length; i++) ids[i] = "vm-" + i;
    cloud.resources(ids);
    for (String id : ids) {
      cloud.once(metricsPath(id), FakeCloud.status(503)).once(metricsPath(id), status(502, ""));
    }

    assertThat(build(builder().retryBudget(new RetryBudget(16, 0))).poll(context)).hasSize(8);

    // Per resource: the first wait is 500 ms ± 50%, the second 1 s ± 50%.
    assertThat(sleeps).hasSize(16);
    List<Duration> first = sleeps.stream().filter(d -> d.toMillis() < 750).toList();
    assertThat(first).hasSizeGreaterThanOrEqualTo(8 - 2); // the ranges overlap in 500..750 ms
    assertThat(sleeps).allSatisfy(d -> assertThat(d).isBetween(ms(250), ms(1500)));
    assertThat(sleeps.stream().distinct().count()).as("jitter").isGreaterThan(8);
  }

  private static Duration ms(long millis) {
    return Duration.ofMillis(millis);
  }

  @Test
  void requestTimeoutIsRetried() throws Exception {
    cloud.once(metricsPath("vm-1"), FakeCloud.status(408));

    assertThat(build(builder()).poll(context)).hasSize(1);

    assertThat(cloud.requestsTo(metricsPath("vm-1"))).isEqualTo(2);
  }

  @Test
  void unauthorizedIsNotRetried() {
    cloud.acceptedToken = t -> false;

    SourceException e = pollFailure(builder());

    assertThat(e.kind()).isEqualTo(Kind.AUTH);
    assertThat(e.httpStatus()).isEqualTo(401);
    assertThat(cloud.requests).hasSize(1);
    assertThat(sleeps).isEmpty();
  }

  @Test
  void forbiddenIsNotRetried() {
    cloud.always(metricsPath("vm-1"), FakeCloud.status(403));

    SourceException e = pollFailure(builder());

    assertThat(e.kind()).isEqualTo(Kind.AUTH);
    assertThat(cloud.requestsTo(metricsPath("vm-1"))).isEqualTo(1);
    assertThat(sleeps).isEmpty();
  }

  @Test
  void notFoundIsNotRetried() {
    cloud.always(metricsPath("vm-1"), FakeCloud.status(404));

    SourceException e = pollFailure(builder());

    assertThat(e.httpStatus()).isEqualTo(404);
    assertThat(cloud.requestsTo(metricsPath("vm-1"))).isEqualTo(1);
    assertThat(sleeps).isEmpty();
  }

  @Test
  void otherClientErrorsAreNotRetriedEvenWithRetryAfter() {
    cloud.always(metricsPath("vm-1"), status(409, "1"));

    SourceException e = pollFailure(builder());

    assertThat(e.httpStatus()).isEqualTo(409);
    assertThat(cloud.requestsTo(metricsPath("vm-1"))).isEqualTo(1);
  }

  @Test
  void retryBudgetBoundsTheRetriesOfAPoll() throws Exception {
    String[] ids = new String[20];
    for (int i = 0; i < ids.length; i++) ids[i] = "vm-" + i;
    cloud.resources(ids).always("/v1/resources/page-1.json", FakeCloud.listing(null, ids));
    for (String id : ids) cloud.always(metricsPath(id), FakeCloud.status(503));

    pollFailure(builder().retryBudget(new RetryBudget(3, 0.0)));

    // 1 listing request + 20 first attempts + the 3 retries of the budget, not 20 x 3 attempts.
    assertThat(cloud.requests).hasSize(1 + 20 + 3);
    assertThat(sleeps).hasSize(3);
  }

  @Test
  void budgetIsPerPoll() throws Exception {
    cloud.always(metricsPath("vm-1"), FakeCloud.status(503));
    HttpJsonSource source = build(builder().retryBudget(new RetryBudget(1, 0.0)));

    pollFailure(source);
    pollFailure(source);

    assertThat(cloud.requestsTo(metricsPath("vm-1"))).isEqualTo(2 * 2);
  }

  SourceException pollFailure(HttpJsonSource.Builder builder) {
    return pollFailure(build(builder));
  }

  SourceException pollFailure(HttpJsonSource source) {
    try {
      source.poll(context);
    } catch (SourceException e) {
      return e;
    } catch (InterruptedException e) {
      throw new AssertionError(e);
    }
    throw new AssertionError("poll must fail");
  }
}
