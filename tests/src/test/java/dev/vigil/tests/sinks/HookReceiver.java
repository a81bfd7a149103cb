package dev.vigil.tests.sinks;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A webhook receiver on 127.0.0.1 (for Alertmanager's {@code webhook_config} and Vigil's {@code
 * WebhookAlertSink}): records every body and {@code Idempotency-Key} it is posted and answers 200,
 * or the statuses a test queued. Closed with the test.
 */
final class HookReceiver implements AutoCloseable {
  private final HttpServer server;
  private final List<String> bodies = new CopyOnWriteArrayList<>();
  private final List<String> idempotencyKeys = new CopyOnWriteArrayList<>();
  private final java.util.Queue<Integer> answers =
      new java.util.concurrent.ConcurrentLinkedQueue<>();

  HookReceiver() throws IOException {
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.createContext(
        "/hook",
        exchange -> {
          try (InputStream in = exchange.getRequestBody()) {
            bodies.add(new String(in.readAllBytes(), StandardCharsets.UTF_8));
          }
          String key = exchange.getRequestHeaders().getFirst("Idempotency-Key");
          idempotencyKeys.add(key == null ? "" : key);
          Integer status = answers.poll();
          exchange.sendResponseHeaders(status == null ? 200 : status, -1);
          exchange.close();
        });
    server.start();
  }

  String url() {
    return "http://127.0.0.1:" + server.getAddress().getPort() + "/hook";
  }

  /** Answers the next request with {@code status} (later ones with 200, unless queued too). */
  void answer(int status) {
    answers.add(status);
  }

  /** The {@code Idempotency-Key} of every request, in order. */
  List<String> idempotencyKeys() {
    return List.copyOf(idempotencyKeys);
  }

  /** The bodies received so far, in order. */
  List<String> bodies() {
    return List.copyOf(bodies);
  }

  /** How many received bodies have {@code "status":"<status>"} at the top level. */
  long count(String status) {
    return bodies.stream().filter(b -> b.startsWith("{") && topStatus(b).equals(status)).count();
  }

  /** Alertmanager writes {@code "status"} of the group after {@code "receiver"}. */
  private static String topStatus(String body) {
    int at = body.indexOf("\"receiver\":");
    int s = body.indexOf("\"status\":\"", at < 0 ? 0 : at);
    if (s < 0) return "";
    int from = s + "\"status\":\"".length();
    return body.substring(from, body.indexOf('"', from));
  }

  @Override
  public void close() {
    server.stop(0);
  }
}
