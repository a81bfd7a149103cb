package dev.vigil.state.postgresql;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

import dev.vigil.testing.Await;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A database that hangs or is gone never hangs a call: each fails with an {@link IOException}
 * within its deadline (connectTimeout to get a connection, statementTimeout plus one second for the
 * statement), its message names the operation and the space, never the password, and the store
 * works again once the database is back. One real PostgreSQL 15 for the class; each test leaves it
 * running.
 *
 * <p>pgjdbc documents {@code connectTimeout}, {@code loginTimeout} and {@code socketTimeout}
 * ("Connection Parameters", seconds) and implements {@code Connection.setNetworkTimeout} as the
 * socket read timeout; HikariCP's {@code connectionTimeout} bounds {@code getConnection()}.
 */
@Timeout(120)
@Tag("integration")
class PostgresOutageTest {
  private static final Duration CONNECT = Duration.ofSeconds(1);
  private static final Duration STATEMENT = Duration.ofSeconds(1);

  /**
   * The documented bound is connect + statement + 1 s; the margin is for a busy 2-core machine
   * (HikariCP may spend a validation timeout on a dead idle connection before it gives up).
   */
  private static final Duration DEADLINE = CONNECT.plus(STATEMENT).plusSeconds(1).plusSeconds(2);

  private static PostgresServer server;

  @BeforeAll
  static void startServer() throws Exception {
    server = PostgresServer.start();
    // The JVM's first connection loads pgjdbc and HikariCP and computes a SCRAM key: on a busy
    // 2-core machine that alone took more than the 1 s connectTimeout these tests use.
    try (PostgresStateStore warmUp = server.builder().schema("warm_up").build()) {
      warmUp.get("s", "k");
    }
  }

  @AfterAll
  static void stopServer() throws Exception {
    if (server != null) server.close();
  }

  private static PostgresStateStore store(String schema) throws IOException {
    return server
        .builder()
        .schema(schema)
        .connectTimeout(CONNECT)
        .statementTimeout(STATEMENT)
        .build();
  }

  @Test
  void aFrozenDatabaseFailsACallWithinItsDeadline() throws Exception {
    try (PostgresStateStore store = store("frozen")) {
      store.put("outbox/email", "n1", "owed");
      server.freeze();
      try {
        long start = System.nanoTime();
        IOException e = failure(() -> store.putIfAbsent("outbox/email", "n2", "owed"));
        Duration took = Duration.ofNanos(System.nanoTime() - start);
        assertThat(took).isLessThan(DEADLINE);
        assertThat(e).hasMessageContaining("putIfAbsent").hasMessageContaining("'outbox/email'");
        assertNoPassword(e);
        long start2 = System.nanoTime();
        IOException load = failure(() -> store.load("silences"));
        assertThat(Duration.ofNanos(System.nanoTime() - start2)).isLessThan(DEADLINE);
        assertThat(load).hasMessageContaining("load in space 'silences'");
      } finally {
        server.thaw();
      }
      Await.until("the store to answer after the database thawed", () -> answers(store));
      assertThat(store.get("outbox/email", "n1")).isEqualTo("owed");
    }
  }

  @Test
  void aStoppedDatabaseFailsACallWithinItsDeadline() throws Exception {
    try (PostgresStateStore store = store("stopped")) {
      store.put("silences", "s1", "x");
      server.stop();
      try {
        long start = System.nanoTime();
        IOException e = failure(() -> store.get("silences", "s1"));
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(DEADLINE);
        assertThat(e).hasMessageContaining("get in space 'silences'");
        assertNoPassword(e);

        long buildStart = System.nanoTime();
        IOException build = failure(() -> store("stopped"));
        assertThat(Duration.ofNanos(System.nanoTime() - buildStart)).isLessThan(DEADLINE);
        assertThat(build).hasMessageContaining("migrate");
        assertNoPassword(build);
      } finally {
        server.restart();
      }
      Await.until("the store to answer after the database restarted", () -> answers(store));
      assertThat(store.get("silences", "s1")).isEqualTo("x");
    }
  }

  private interface Call {
    void run() throws Exception;
  }

  private static IOException failure(Call call) {
    IOException[] caught = new IOException[1];
    assertThatExceptionOfType(IOException.class)
        .isThrownBy(
            () -> {
              try {
                call.run();
              } catch (IOException e) {
                caught[0] = e;
                throw e;
              }
            });
    return caught[0];
  }

  private static boolean answers(PostgresStateStore store) {
    try {
      store.get("probe", "k");
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  static void assertNoPassword(Throwable e) {
    StringWriter trace = new StringWriter();
    e.printStackTrace(new PrintWriter(trace));
    assertThat(trace.toString()).doesNotContain(PostgresServer.PASSWORD);
  }
}
