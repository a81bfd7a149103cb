package dev.vigil.tests.services;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.net.HttpURLConnection;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * A real server process from a Debian package (Prometheus, Alertmanager, PostgreSQL), started by a
 * test on a free port of 127.0.0.1 in its own temporary directory, and stopped with it. {@code
 * .ci/install-services} installs the packages in CI; on a machine without them the test is skipped,
 * unless {@code CI} is set, where a missing server fails the build.
 */
public final class LocalServer implements AutoCloseable {
  private final Process process;
  private final Path log;
  private final int port;

  private LocalServer(Process process, Path log, int port) {
    this.process = process;
    this.log = log;
    this.port = port;
  }

  /**
   * Returns the first of {@code candidates} that is an executable file; skips the test (or, with
   * {@code CI} set, fails it) when there is none.
   */
  public static Path binary(String... candidates) {
    for (String c : candidates) {
      Path p = Path.of(c);
      if (Files.isExecutable(p)) return p;
    }
    String message = "none of " + List.of(candidates) + " is installed (run .ci/install-services)";
    if (System.getenv("CI") != null) throw new IllegalStateException(message);
    assumeTrue(false, message);
    throw new AssertionError("unreachable");
  }

  /** A port of 127.0.0.1 that was free a moment ago. */
  public static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }

  /**
   * Starts {@code command} in {@code workDir}, its output to {@code workDir/server.log}, and waits
   * up to {@code timeout} until {@code readyUrl} answers 200.
   *
   * @throws IllegalStateException if the server exits or is not ready in time (with its log)
   */
  public static LocalServer start(
      List<String> command, Path workDir, int port, String readyUrl, Duration timeout)
      throws IOException, InterruptedException {
    Path log = workDir.resolve("server.log");
    Process p =
        new ProcessBuilder(new ArrayList<>(command))
            .directory(workDir.toFile())
            .redirectErrorStream(true)
            .redirectOutput(log.toFile())
            .start();
    LocalServer server = new LocalServer(p, log, port);
    long deadline = System.nanoTime() + timeout.toNanos();
    while (!server.answers(readyUrl)) {
      if (!p.isAlive()) {
        throw new IllegalStateException(
            command.get(0) + " exited with " + p.exitValue() + ":\n" + server.log());
      }
      if (System.nanoTime() - deadline > 0) {
        server.close();
        throw new IllegalStateException(
            command.get(0) + " not ready within " + timeout + ":\n" + server.log());
      }
      LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(50));
    }
    return server;
  }

  private boolean answers(String url) {
    try {
      HttpURLConnection c = (HttpURLConnection) URI.create(url).toURL().openConnection();
      c.setConnectTimeout(500);
      c.setReadTimeout(500);
      try {
        return c.getResponseCode() == 200;
      } finally {
        c.disconnect();
      }
    } catch (IOException e) {
      return false;
    }
  }

  public int port() {
    return port;
  }

  public String baseUrl() {
    return "http://127.0.0.1:" + port;
  }

  /** What the server wrote so far. */
  public String log() {
    try {
      return Files.readString(log);
    } catch (IOException e) {
      return "(no log: " + e + ")";
    }
  }

  /** Stops the server: SIGTERM, then SIGKILL after 5 s. */
  @Override
  public void close() {
    process.destroy();
    try {
      if (!process.waitFor(5, TimeUnit.SECONDS)) {
        process.destroyForcibly();
        process.waitFor(5, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      process.destroyForcibly();
      Thread.currentThread().interrupt();
    }
  }
}
