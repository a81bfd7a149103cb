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
 * A webhook receiver on 127.0.0.1 for Alertmanager's {@code webhook_config}: records every body it
 * is posted and answers 200. Closed with the test.
 */
final class HookReceiver implements AutoCloseable {
  private final HttpServer server;
  private final List<String> bodies = new CopyOnWriteArrayList<>();

  HookReceiver() throws IOException {
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.createContext(
        "/hook",
        exchange -> {
          try (InputStream in = exchange.getRequestBody()) {
            bodies.add(new String(in.readAllBytes(), StandardCharsets.UTF_8));
          }
          exchange.sendResponseHeaders(200, -1);
          exchange.close();
        });
    server.start();
  }

  String url() {
    return "http://127.0.0.1:" + server.getAddress().getPort() + "/hook";
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
