package dev.vigil.http;

import dev.vigil.AlertNotification;
import dev.vigil.AlertRule;
import dev.vigil.MetricSource;
import dev.vigil.ResourceMonitor;
import dev.vigil.Schedule;
import dev.vigil.testing.ManualClock;
import dev.vigil.testing.RecordingSink;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Function;
import mockwebserver3.Dispatcher;
import mockwebserver3.MockResponse;
import mockwebserver3.RecordedRequest;
import okhttp3.HttpUrl;

/**
 * A cloud API replayed on a MockWebServer for the preset tests ({@code HetznerCloudSourceTest},
 * {@code DigitalOceanSourceTest}): every request recorded; the API's own 401 for a request without
 * the token; then a one-shot answer queued for the request's key, else the fixed answer, else the
 * API's 404. Requests may arrive on several threads at once.
 */
final class ReplayedApi extends Dispatcher {
  final List<RecordedRequest> requests = new CopyOnWriteArrayList<>();
  final Map<String, List<MockResponse>> once = new ConcurrentHashMap<>();
  final Map<String, MockResponse> answers = new ConcurrentHashMap<>();
  private final String token;
  private final Function<RecordedRequest, String> key;
  private final MockResponse unauthorized;
  private final MockResponse notFound;

  ReplayedApi(
      String token,
      Function<RecordedRequest, String> key,
      MockResponse unauthorized,
      MockResponse notFound) {
    this.token = token;
    this.key = key;
    this.unauthorized = unauthorized;
    this.notFound = notFound;
  }

  @Override
  public MockResponse dispatch(RecordedRequest request) {
    requests.add(request);
    if (!("Bearer " + token).equals(request.getHeaders().get("Authorization"))) {
      return unauthorized;
    }
    String k = key.apply(request);
    List<MockResponse> queued = once.get(k);
    if (queued != null && !queued.isEmpty()) return queued.remove(0);
    MockResponse r = answers.get(k);
    return r != null ? r : notFound;
  }

  /**
   * Sets up a preset's builder for this API: its base URL and the token, the test's clock, a
   * breaker that stays closed, and the waits between attempts recorded in {@code sleeps}.
   */
  <B extends CloudPreset.Builder<B, ?>> B configure(
      B builder, HttpUrl baseUrl, ManualClock clock, List<Duration> sleeps) {
    return builder
        .baseUrl(baseUrl.toString())
        .bearerToken(token)
        .clock(clock)
        .circuitBreaker(CircuitBreaker.ofDefaults("closed"))
        .sleeper(nanos -> sleeps.add(Duration.ofNanos(nanos)));
  }

  /**
   * The seed scenario of docs/sources.md: {@code source} polled every minute by a monitor that
   * alerts when {@code cpu_usage > 80}; returns the first notification after one poll.
   */
  static AlertNotification firstHighCpu(String name, MetricSource source, ManualClock clock)
      throws Exception {
    RecordingSink sink = RecordingSink.create();
    try (ResourceMonitor monitor =
        ResourceMonitor.builder()
            .clock(clock)
            .source(name, Schedule.every(Duration.ofMinutes(1)), source)
            .rule(AlertRule.builder("HighCpu").metric("cpu_usage").above(80).build())
            .sink("email", sink)
            .build()) {
      monitor.pollNow();
      return sink.awaitCount(1, Duration.ofSeconds(5)).get(0);
    }
  }
}
