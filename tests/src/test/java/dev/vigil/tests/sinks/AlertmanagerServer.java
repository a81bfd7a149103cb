package dev.vigil.tests.sinks;

import dev.vigil.tests.services.LocalServer;
import java.io.IOException;
import java.net.HttpURLConnection;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Starts Debian's {@code prometheus-alertmanager} (0.25) on 127.0.0.1 with a route that sends every
 * group to a {@link HookReceiver} soon ({@code group_wait} 1 s, {@code group_interval} 6 s),
 * resolved notifications included. Alone ({@code --cluster.listen-address=} empty disables gossip)
 * or in a cluster of peers on 127.0.0.1.
 */
final class AlertmanagerServer {
  private AlertmanagerServer() {}

  static final String BINARY = "/usr/bin/prometheus-alertmanager";

  static String config(String hookUrl) {
    return String.join(
        "\n",
        "route:",
        "  receiver: hook",
        "  group_by: ['alertname']",
        "  group_wait: 1s",
        // Longer than the peer timeout, as in production (5m against 15s): a member that waited
        // out its peer timeout must not flush a stale group after the other one already did.
        "  group_interval: 6s",
        "  repeat_interval: 1h",
        "receivers:",
        "  - name: hook",
        "    webhook_configs:",
        "      - url: " + hookUrl,
        "        send_resolved: true",
        "");
  }

  /**
   * Starts one instance in {@code dir}.
   *
   * @param clusterPort the gossip port, or 0 for no cluster
   * @param peerPorts the gossip ports of the other members
   */
  static LocalServer start(Path dir, String hookUrl, int clusterPort, List<Integer> peerPorts)
      throws IOException, InterruptedException {
    Path binary = LocalServer.binary(BINARY);
    Files.createDirectories(dir);
    Path config = dir.resolve("alertmanager.yml");
    Files.writeString(config, config(hookUrl), StandardCharsets.UTF_8);
    int port = LocalServer.freePort();
    List<String> command = new ArrayList<>();
    command.add(binary.toString());
    command.add("--config.file=" + config);
    command.add("--storage.path=" + dir.resolve("data"));
    command.add("--web.listen-address=127.0.0.1:" + port);
    if (clusterPort == 0) {
      command.add("--cluster.listen-address=");
    } else {
      command.add("--cluster.listen-address=127.0.0.1:" + clusterPort);
      command.add("--cluster.advertise-address=127.0.0.1:" + clusterPort);
      for (int peer : peerPorts) command.add("--cluster.peer=127.0.0.1:" + peer);
      // The second member waits one peer timeout before it notifies, long enough for the
      // first one's notification log entry to reach it.
      command.add("--cluster.peer-timeout=2s");
      command.add("--cluster.gossip-interval=100ms");
      command.add("--cluster.pushpull-interval=1s");
      command.add("--cluster.settle-timeout=5s");
    }
    return LocalServer.start(
        command, dir, port, "http://127.0.0.1:" + port + "/-/ready", Duration.ofSeconds(30));
  }

  /** The body of {@code GET /api/v2/alerts} (active alerts only). */
  static String alerts(LocalServer am) throws IOException {
    HttpURLConnection c =
        (HttpURLConnection) URI.create(am.baseUrl() + "/api/v2/alerts").toURL().openConnection();
    c.setConnectTimeout(1000);
    c.setReadTimeout(2000);
    try {
      return new String(c.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    } finally {
      c.disconnect();
    }
  }

  /** The body of {@code GET /api/v2/status}: cluster status and peers. */
  static String status(LocalServer am) throws IOException {
    HttpURLConnection c =
        (HttpURLConnection) URI.create(am.baseUrl() + "/api/v2/status").toURL().openConnection();
    c.setConnectTimeout(1000);
    c.setReadTimeout(2000);
    try {
      return new String(c.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    } finally {
      c.disconnect();
    }
  }
}
