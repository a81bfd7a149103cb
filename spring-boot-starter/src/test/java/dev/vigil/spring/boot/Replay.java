package dev.vigil.spring.boot;

import java.io.IOException;
import java.net.InetAddress;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Function;
import mockwebserver3.Dispatcher;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;
import org.jspecify.annotations.Nullable;

/**
 * A MockWebServer on 127.0.0.1 replaying an API: answers by a key of the request (its path, by
 * default), 404 for anything else, 401 when a bearer token is required and missing. Records every
 * request.
 */
final class Replay extends Dispatcher implements AutoCloseable {
  final MockWebServer server = new MockWebServer();
  final Map<String, MockResponse> answers = new ConcurrentHashMap<>();
  final List<RecordedRequest> requests = new CopyOnWriteArrayList<>();

  /** Paths answered without the bearer token, such as a token endpoint. */
  final Set<String> open = ConcurrentHashMap.newKeySet();

  private final Function<RecordedRequest, String> key;
  private final @Nullable String token;

  private Replay(Function<RecordedRequest, String> key, @Nullable String token) {
    this.key = key;
    this.token = token;
  }

  /** Answers by path, to anyone. */
  static Replay start() throws IOException {
    return start(r -> r.getUrl().encodedPath(), null);
  }

  /** Answers by {@code key}; only to requests with {@code Authorization: Bearer token} if set. */
  static Replay start(Function<RecordedRequest, String> key, @Nullable String token)
      throws IOException {
    Replay replay = new Replay(key, token);
    replay.server.setDispatcher(replay);
    replay.server.start(InetAddress.getByName("127.0.0.1"), 0);
    return replay;
  }

  static MockResponse json(String body) {
    return new MockResponse.Builder()
        .code(200)
        .setHeader("Content-Type", "application/json")
        .body(body)
        .build();
  }

  static MockResponse status(int code) {
    return new MockResponse.Builder().code(code).build();
  }

  String url(String path) {
    return server.url(path).toString();
  }

  /** The requests whose path starts with {@code prefix}. */
  List<RecordedRequest> requestsTo(String prefix) {
    return requests.stream().filter(r -> r.getUrl().encodedPath().startsWith(prefix)).toList();
  }

  @Override
  public MockResponse dispatch(RecordedRequest request) {
    requests.add(request);
    String k = key.apply(request);
    boolean open = token == null || this.open.contains(request.getUrl().encodedPath());
    if (!open && !("Bearer " + token).equals(request.getHeaders().get("Authorization"))) {
      return status(401);
    }
    MockResponse answer = answers.get(k);
    return answer != null ? answer : status(404);
  }

  @Override
  public void close() {
    server.close();
  }
}
