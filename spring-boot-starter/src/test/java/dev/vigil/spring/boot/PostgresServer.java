package dev.vigil.spring.boot;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.vigil.testing.Await;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A copy of state-postgresql's test server, which publishes no test-jar, without its fault
 * injection. A real PostgreSQL 15 from Debian's {@code postgresql-15} package, started by a test
 * class on a free port of 127.0.0.1 in a temporary directory, and removed with it. PostgreSQL
 * refuses to run as root, so as root it runs as the {@code postgres} user ({@code runuser}). TCP
 * connections need {@link #PASSWORD} (scram-sha-256), so a test can check that the password never
 * leaks. Without the binaries the test is skipped, unless {@code CI} is set, where it fails (like
 * {@code tests/.../services/LocalServer}).
 *
 * <p>Server side of the timeouts and locks the store relies on: PostgreSQL 15 manual, "20.11.
 * Client Connection Defaults" ({@code statement_timeout}), "9.27.10. Advisory Lock Functions"
 * ({@code pg_advisory_xact_lock}) and "19.5. Shutting Down the Server" (SIGINT, fast shutdown).
 */
final class PostgresServer implements AutoCloseable {
  static final String USER = "vigil";

  /** Distinctive, so that a test can look for it in messages, logs and toString(). */
  static final String PASSWORD = "pw-Vigil-7f3a9c-do-not-print";

  /** Debian bookworm's PostgreSQL 15; on another release, the newest one installed. */
  private static final Path BIN = binaries();

  private static final Duration READY = Duration.ofSeconds(30);

  private final Path dir;
  private final Path data;
  private final int port;
  private final Process process;

  private PostgresServer(Path dir, int port, Process process) {
    this.dir = dir;
    this.data = dir.resolve("data");
    this.port = port;
    this.process = process;
  }

  /** Initialises a cluster in a new temporary directory and starts it. */
  static PostgresServer start() throws IOException, InterruptedException {
    requireBinaries();
    Path dir = Files.createTempDirectory("vigil-pg");
    if (asRoot()) run(List.of("chown", "postgres", dir.toString()));
    Path pw = dir.resolve("pwfile");
    Files.writeString(pw, PASSWORD + "\n", StandardCharsets.UTF_8);
    if (asRoot()) run(List.of("chown", "postgres", pw.toString()));
    run(
        asPostgres(
            BIN.resolve("initdb").toString(),
            "-D",
            dir.resolve("data").toString(),
            "-U",
            USER,
            "--auth-local=trust",
            "--auth-host=scram-sha-256",
            "--pwfile=" + pw,
            "-E",
            "UTF8",
            "--locale=C",
            "--no-sync",
            "--no-instructions"));
    int port = freePort();
    PostgresServer server = new PostgresServer(dir, port, launch(dir, port));
    server.awaitReady();
    return server;
  }

  /** {@code jdbc:postgresql://127.0.0.1:<port>/postgres}. */
  String jdbcUrl() {
    return "jdbc:postgresql://127.0.0.1:" + port + "/postgres";
  }

  /** Fast shutdown: every session is ended. */
  private void stop() throws IOException, InterruptedException {
    run(asPostgres(BIN.resolve("pg_ctl").toString(), "stop", "-D", data.toString(), "-m", "fast"));
    if (!process.waitFor(10, TimeUnit.SECONDS)) process.destroyForcibly();
  }

  /** What the server logged. */
  String log() {
    try {
      return Files.readString(dir.resolve("server.log"));
    } catch (IOException e) {
      return "(no log: " + e + ")";
    }
  }

  @Override
  public void close() throws IOException {
    try {
      if (process.isAlive()) stop();
    } catch (InterruptedException e) {
      process.destroyForcibly();
      Thread.currentThread().interrupt();
    } finally {
      try (Stream<Path> files = Files.walk(dir)) {
        files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      }
    }
  }

  private static Process launch(Path dir, int port) throws IOException {
    List<String> command =
        asPostgres(
            BIN.resolve("postgres").toString(),
            "-D",
            dir.resolve("data").toString(),
            "-k",
            dir.toString(),
            "-p",
            String.valueOf(port),
            "-c",
            "listen_addresses=127.0.0.1",
            "-c",
            "fsync=off",
            "-c",
            "max_connections=100");
    return new ProcessBuilder(command)
        .directory(dir.toFile())
        .redirectErrorStream(true)
        .redirectOutput(ProcessBuilder.Redirect.appendTo(dir.resolve("server.log").toFile()))
        .start();
  }

  /** PostgreSQL writes "ready" as the 8th line of postmaster.pid once it accepts connections. */
  private void awaitReady() {
    Path pid = data.resolve("postmaster.pid");
    Await.until(
        "PostgreSQL on port " + port + " to be ready",
        READY,
        () -> {
          if (!process.isAlive()) {
            throw new IllegalStateException("postgres exited: " + log());
          }
          List<String> lines = readLines(pid);
          return lines.size() >= 8 && lines.get(7).trim().equals("ready");
        });
  }

  private static List<String> readLines(Path p) {
    try {
      return Files.readAllLines(p);
    } catch (IOException e) {
      return List.of();
    }
  }

  private static Path binaries() {
    Path root = Path.of("/usr/lib/postgresql");
    Path preferred = root.resolve("15/bin");
    if (Files.isDirectory(preferred) || !Files.isDirectory(root)) return preferred;
    try (Stream<Path> versions = Files.list(root)) {
      return versions
          .filter(v -> v.getFileName().toString().matches("\\d+"))
          .max(Comparator.comparingInt(v -> Integer.parseInt(v.getFileName().toString())))
          .map(v -> v.resolve("bin"))
          .orElse(preferred);
    } catch (IOException e) {
      return preferred;
    }
  }

  private static void requireBinaries() {
    boolean present =
        Files.isExecutable(BIN.resolve("postgres")) && Files.isExecutable(BIN.resolve("initdb"));
    String message = "PostgreSQL is not installed in " + BIN + " (run .ci/install-services)";
    if (!present && System.getenv("CI") != null) throw new IllegalStateException(message);
    assumeTrue(present, message);
  }

  private static boolean asRoot() {
    return "root".equals(System.getProperty("user.name"));
  }

  private static List<String> asPostgres(String... command) {
    List<String> full = new ArrayList<>();
    if (asRoot()) full.addAll(List.of("runuser", "-u", "postgres", "--"));
    full.addAll(List.of(command));
    return full;
  }

  private static void run(List<String> command) throws IOException, InterruptedException {
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    byte[] out = p.getInputStream().readAllBytes();
    if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
      p.destroyForcibly();
      throw new IllegalStateException(
          String.join(" ", command) + " failed:\n" + new String(out, StandardCharsets.UTF_8));
    }
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }
}
