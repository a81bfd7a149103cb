package dev.vigil.http;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Predicate;
import mockwebserver3.Dispatcher;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;

/**
 * The fake cloud API on a MockWebServer: fixed answers per path, one-shot answers queued in front
 * of them, 401 for a request without an accepted bearer token, 404 for anything else. Requests may
 * arrive on several threads at once, so answers are looked up by path, not taken in order.
 */
final class FakeCloud extends Dispatcher {
  static final String TOKEN = "s3cr3t-t0ken-4711";

  /**
   * A source for the fake cloud on {@code server}: the token, the listing, the metrics path and
   * {@code cpu_usage}; tests add the settings they are about.
   */
  static HttpJsonSource.Builder source(MockWebServer server) {
    return HttpJsonSource.builder()
        .baseUrl(server.url("/"))
        .bearerToken(TOKEN)
        .resourcesPath("/v1/resources/page-1.json")
        .metricsPath("/v1/resources/{id}/metrics")
        .metric("cpu_usage", "/metrics/cpu_usage");
  }

  private final Map<String, MockResponse> fixed = new ConcurrentHashMap<>();
  private final Map<String, Deque<MockResponse>> once = new ConcurrentHashMap<>();
  final List<RecordedRequest> requests = new CopyOnWriteArrayList<>();

  /** False for tests of many requests that measure the heap: then {@link #requests} stays empty. */
  volatile boolean recordRequests = true;

  volatile Predicate<String> acceptedToken = TOKEN::equals;

  static MockResponse json(String body) {
    return new MockResponse.Builder()
        .code(200)
        .setHeader("Content-Type", "application/json")
        .body(body)
        .build();
  }

  static MockResponse status(int code) {
    return new MockResponse.Builder().code(code).body("{\"error\":\"nope\"}").build();
  }

  /** A listing page with one item per id, each in region eu-west-1. */
  static String listing(String next, String... ids) {
    StringBuilder items = new StringBuilder();
    for (String id : ids) {
      if (items.length() > 0) items.append(',');
      items.append("{\"id\":\"").append(id).append("\",\"region\":\"eu-west-1\"}");
    }
    String nextJson = next == null ? "null" : "\"" + next + "\"";
    return "{\"items\":[" + items + "],\"next\":" + nextJson + "}";
  }

  static String metrics(String id, double cpu, double memory) {
    return String.format(
        Locale.ROOT,
        "{\"resource_id\":\"%s\",\"timestamp\":\"2026-11-24T00:00:00Z\","
            + "\"metrics\":{\"cpu_usage\":%s,\"memory_usage\":%s,\"disk_usage\":70.0}}",
        id,
        cpu,
        memory);
  }

  /** Answers {@code path} with {@code response} every time. */
  FakeCloud always(String path, MockResponse response) {
    fixed.put(path, response);
    return this;
  }

  /** Answers {@code path} with {@code body} as JSON every time. */
  FakeCloud always(String path, String body) {
    return always(path, json(body));
  }

  /** Answers the next request of {@code path} with {@code response}, before the fixed answer. */
  FakeCloud once(String path, MockResponse response) {
    Deque<MockResponse> queue = once.computeIfAbsent(path, p -> new ArrayDeque<>());
    synchronized (queue) {
      queue.add(response);
    }
    return this;
  }

  /** Serves one listing page of {@code ids} and 42.5 % cpu, 61 % memory for each. */
  FakeCloud resources(String... ids) {
    always("/v1/resources/page-1.json", listing(null, ids));
    for (String id : ids) always(metricsPath(id), metrics(id, 42.5, 61.0));
    return this;
  }

  static String metricsPath(String id) {
    return "/v1/resources/" + id + "/metrics";
  }

  long requestsTo(String path) {
    return requests.stream().filter(r -> r.getUrl().encodedPath().equals(path)).count();
  }

  @Override
  public MockResponse dispatch(RecordedRequest request) {
    if (recordRequests) requests.add(request);
    String auth = request.getHeaders().get("Authorization");
    if (auth == null || !auth.startsWith("Bearer ") || !acceptedToken.test(auth.substring(7))) {
      return status(401);
    }
    String path = request.getUrl().encodedPath();
    Deque<MockResponse> queued = once.get(path);
    if (queued != null) {
      synchronized (queued) {
        MockResponse next = queued.poll();
        if (next != null) return next;
      }
    }
    MockResponse answer = fixed.get(path);
    return answer != null ? answer : status(404);
  }
}
