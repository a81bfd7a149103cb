package dev.vigil.examples.springboot;

import java.io.IOException;
import java.net.InetAddress;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import mockwebserver3.Dispatcher;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;
import okhttp3.Headers;

/**
 * A fake cloud API on MockWebServer, in the shape vigil's {@code http-json} source reads (the same
 * as {@code dev.vigil.examples.FakeCloudApi}): {@code GET /v1/resources/page-1.json} lists the
 * resources, {@code GET /v1/resources/{id}/metrics} answers {@code {"resource_id":..., "metrics":
 * {"cpu_usage":...}}} with the CPU value the test set. Requests without the bearer token get 401.
 * Records every {@code Authorization} header it receives. Thread safe.
 */
final class FakeCloud implements AutoCloseable {
  private final String token;
  private final List<String> resources;
  private final Map<String, Double> cpu = new ConcurrentHashMap<>();
  private final List<String> authorizations = new CopyOnWriteArrayList<>();
  private final AtomicInteger metricsRequests = new AtomicInteger();
  private final AtomicInteger unauthorized = new AtomicInteger();
  private final MockWebServer server = new MockWebServer();

  FakeCloud(String token, List<String> resources, double initialCpu) {
    this.token = token;
    this.resources = List.copyOf(resources);
    for (String id : resources) cpu.put(id, initialCpu);
    server.setDispatcher(
        new Dispatcher() {
          @Override
          public MockResponse dispatch(RecordedRequest request) {
            return answer(request);
          }
        });
  }

  /** Starts the server on 127.0.0.1 and an ephemeral port, unless it is started. */
  synchronized FakeCloud start() throws IOException {
    if (!server.getStarted()) server.start(InetAddress.getByAddress(new byte[] {127, 0, 0, 1}), 0);
    return this;
  }

  /** The API's root, such as {@code http://127.0.0.1:PORT/}. */
  String baseUrl() {
    return "http://127.0.0.1:" + server.getPort() + "/";
  }

  void cpu(String resource, double value) {
    if (!cpu.containsKey(resource)) throw new IllegalArgumentException("unknown " + resource);
    cpu.put(resource, value);
  }

  /** Every Authorization header received so far, in order ({@code "<none>"} when absent). */
  List<String> authorizations() {
    return List.copyOf(authorizations);
  }

  int metricsRequests() {
    return metricsRequests.get();
  }

  int unauthorizedRequests() {
    return unauthorized.get();
  }

  private MockResponse answer(RecordedRequest request) {
    String auth = request.getHeaders().get("Authorization");
    authorizations.add(auth == null ? "<none>" : auth);
    if (!("Bearer " + token).equals(auth)) {
      unauthorized.incrementAndGet();
      return json(401, "{\"error\":\"invalid bearer token\"}");
    }
    String path = request.getUrl().encodedPath();
    if (path.equals("/v1/resources/page-1.json")) {
      StringBuilder body = new StringBuilder("{\"items\":[");
      for (int i = 0; i < resources.size(); i++) {
        if (i > 0) body.append(',');
        body.append("{\"id\":\"").append(resources.get(i)).append("\",\"region\":\"eu-west-1\"}");
      }
      return json(200, body.append("],\"next\":null}").toString());
    }
    String prefix = "/v1/resources/";
    String suffix = "/metrics";
    if (path.startsWith(prefix) && path.endsWith(suffix)) {
      String id = path.substring(prefix.length(), path.length() - suffix.length());
      Double value = cpu.get(id);
      if (value == null) return json(404, "{\"error\":\"unknown resource\"}");
      metricsRequests.incrementAndGet();
      return json(
          200,
          String.format(
              Locale.ROOT,
              "{\"resource_id\":\"%s\",\"metrics\":{\"cpu_usage\":%.1f,\"memory_usage\":40.0}}",
              id,
              value));
    }
    return json(404, "{\"error\":\"unknown path\"}");
  }

  private static MockResponse json(int code, String body) {
    return new MockResponse(code, Headers.of("Content-Type", "application/json"), body);
  }

  @Override
  public void close() {
    server.close();
  }
}
