package dev.vigil.http;

import static dev.vigil.http.FakeCloud.TOKEN;
import static dev.vigil.http.FakeCloud.metricsPath;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.vigil.Sample;
import dev.vigil.SourceException;
import dev.vigil.SourceException.Kind;
import dev.vigil.testing.ManualClock;
import dev.vigil.testing.ManualTicker;
import dev.vigil.testing.RecordingPollContext;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import mockwebserver3.MockWebServer;
import mockwebserver3.junit5.StartStop;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The default circuit breaker of a source: Resilience4j's count-based sliding window
 * (resilience4j.readme.io/docs/circuitbreaker, "Count-based sliding window" and "Failure rate and
 * slow call rate thresholds"), sized for polls once a minute. Time is a manual ticker: the open
 * state lasts until the test advances it.
 */
class HttpJsonSourceCircuitBreakerTest {
  static final int RESOURCES = 100;

  @StartStop final MockWebServer server = new MockWebServer();
  final FakeCloud cloud = new FakeCloud();
  final ManualTicker ticker = ManualTicker.create();
  final RecordingPollContext context = RecordingPollContext.create("cloud", ManualClock.create());
  final List<HttpJsonSource> sources = new ArrayList<>();
  final String[] ids = new String[RESOURCES];

  @BeforeEach
  void serveFakeCloud() {
    server.setDispatcher(cloud);
    for (int i = 0; i < ids.length; i++) ids[i] = "vm-" + i;
    cloud.resources(ids);
  }

  @AfterEach
  void closeSources() {
    sources.forEach(HttpJsonSource::close);
  }

  HttpJsonSource source() {
    HttpJsonSource source =
        HttpJsonSource.builder()
            .baseUrl(server.url("/"))
            .bearerToken(TOKEN)
            .resourcesPath("/v1/resources/page-1.json")
            .metricsPath("/v1/resources/{id}/metrics")
            .metric("cpu_usage", "/metrics/cpu_usage")
            .ticker(ticker)
            .sleeper(nanos -> ticker.advance(Duration.ofNanos(nanos)))
            .build();
    sources.add(source);
    return source;
  }

  void storm() {
    for (String id : ids) cloud.always(metricsPath(id), FakeCloud.status(503));
  }

  void healthy() {
    cloud.resources(ids);
  }

  /** Polls once, returns the number of requests it sent. */
  long poll(HttpJsonSource source) {
    int before = cloud.requests.size();
    try {
      source.poll(context);
    } catch (SourceException e) {
      // counted below
    } catch (InterruptedException e) {
      throw new AssertionError(e);
    }
    return cloud.requests.size() - before;
  }

  @Test
  void serviceUnavailableStormOpensTheCircuitAndBoundsTheRequestRate() {
    HttpJsonSource source = source();
    long healthyRate = poll(source);
    assertThat(healthyRate).isEqualTo(1 + RESOURCES);

    storm();
    List<Long> perPoll = new ArrayList<>();
    for (int minute = 0; minute < 10; minute++) {
      perPoll.add(poll(source));
      ticker.advance(Duration.ofMinutes(1));
    }

    // Without the breaker every poll would send 1 + 100 x 3 attempts (less the retry budget).
    // With it: the first poll stops after the window's failures and the requests in flight, each
    // later poll sends the 2 trial requests of the half-open state.
    assertThat(perPoll.get(0)).isLessThanOrEqualTo(30);
    assertThat(perPoll.subList(1, perPoll.size()))
        .allSatisfy(n -> assertThat(n).isLessThanOrEqualTo(2));
    long total = perPoll.stream().mapToLong(Long::longValue).sum();
    assertThat((double) total / perPoll.size())
        .as("requests per poll in the storm vs %s healthy: %s", healthyRate, perPoll)
        .isLessThan(0.1 * healthyRate);
  }

  @Test
  void openCircuitIsASourceErrorOfItsOwnKindAndSendsNothing() {
    HttpJsonSource source = source();
    storm();
    SourceException first = catchThrowableOfType(SourceException.class, () -> source.poll(context));
    // Every resource failed, so the poll threw why: the open circuit, naming what it refused,
    // with every resource's failure suppressed.
    assertThat(first.kind()).isEqualTo(Kind.CIRCUIT_OPEN);
    assertThat(first.getMessage())
        .startsWith("circuit breaker open: ")
        .contains(" of 100 resources not read: ");
    assertThat(first.getSuppressed())
        .extracting(t -> ((SourceException) t).kind())
        .contains(Kind.CIRCUIT_OPEN);
    int before = cloud.requests.size();

    SourceException e = catchThrowableOfType(SourceException.class, () -> source.poll(context));

    assertThat(e.kind()).isEqualTo(Kind.CIRCUIT_OPEN);
    assertThat(e.getMessage())
        .startsWith("GET " + server.url("/v1/resources/page-1.json") + ": not sent: ")
        .contains("circuit breaker")
        .doesNotContain(TOKEN);
    assertThat(cloud.requests).hasSize(before);
  }

  @Test
  void circuitClosesAgainWhenTheApiRecovers() throws Exception {
    HttpJsonSource source = source();
    storm();
    poll(source);
    healthy();
    ticker.advance(Duration.ofSeconds(30));

    poll(source); // the trial requests succeed and close the circuit
    List<Sample> samples = source.poll(context);

    assertThat(samples).hasSize(RESOURCES);
  }

  @Test
  void notFoundAndBadDataDoNotOpenTheCircuit() throws Exception {
    HttpJsonSource source = source();
    for (int i = 0; i < 50; i++) cloud.always(metricsPath(ids[i]), FakeCloud.status(404));
    for (int i = 50; i < 90; i++) cloud.always(metricsPath(ids[i]), "{\"metrics\":");

    List<Sample> samples = source.poll(context);

    assertThat(samples).hasSize(10);
    assertThat(context.errors())
        .extracting(e -> ((SourceException) e.getValue()).kind())
        .doesNotContain(Kind.CIRCUIT_OPEN);
    assertThat(Map.of("requests", cloud.requests.size())).containsEntry("requests", 1 + RESOURCES);
  }
}
