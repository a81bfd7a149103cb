package dev.vigil.state.postgresql;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Building a store against a real PostgreSQL 15 that wants a password (scram-sha-256): the password
 * is in no message, no log line and no toString(); an application's own data source is used and
 * left open.
 */
@Timeout(120)
@Tag("integration")
class PostgresStateStoreBuildTest {
  private static PostgresServer server;

  @BeforeAll
  static void startServer() throws Exception {
    server = PostgresServer.start();
  }

  @AfterAll
  static void stopServer() throws Exception {
    if (server != null) server.close();
  }

  @Test
  void toStringNamesTheDatabaseAndNotThePassword() throws Exception {
    try (PostgresStateStore store = server.builder().schema("named").build()) {
      assertThat(store.toString())
          .contains("127.0.0.1:" + server.port(), "user=vigil", "schema=named")
          .doesNotContain(PostgresServer.PASSWORD);
    }
  }

  @Test
  void aWrongPasswordFailsTheBuildWithoutSayingIt() {
    String wrong = "wrong-" + PostgresServer.PASSWORD;
    IOException e =
        assertThatExceptionOfType(IOException.class)
            .isThrownBy(
                () ->
                    PostgresStateStore.builder()
                        .jdbcUrl(server.jdbcUrl())
                        .username(PostgresServer.USER)
                        .password(wrong)
                        .connectTimeout(Duration.ofSeconds(2))
                        .build())
            .actual();
    assertThat(e)
        .hasMessageContaining("migrate")
        .hasMessageContaining("password authentication failed");
    PostgresOutageTest.assertNoPassword(e);
  }

  @Test
  void theLogsNeverCarryThePassword() throws Exception {
    PrintStream err = System.err;
    ByteArrayOutputStream captured = new ByteArrayOutputStream();
    System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));
    try {
      try (PostgresStateStore store = server.builder().schema("logged").build()) {
        store.put("s", "k", "v");
      }
      try {
        server
            .builder()
            .password("wrong-" + PostgresServer.PASSWORD)
            .connectTimeout(Duration.ofSeconds(1))
            .build()
            .close();
      } catch (IOException expected) {
        // logged by HikariCP, and checked below
      }
    } finally {
      System.setErr(err);
    }
    String log = captured.toString(StandardCharsets.UTF_8);
    assertThat(log).as("HikariCP's configuration was logged").contains("<masked>");
    assertThat(log).doesNotContain(PostgresServer.PASSWORD);
  }

  @Test
  void anApplicationsDataSourceIsUsedAndLeftOpen() throws Exception {
    HikariConfig config = new HikariConfig();
    config.setJdbcUrl(server.jdbcUrl() + "?socketTimeout=10&options=-c%20statement_timeout=5000");
    config.setUsername(PostgresServer.USER);
    config.setPassword(PostgresServer.PASSWORD);
    config.setPoolName("application-pool");
    try (HikariDataSource app = new HikariDataSource(config)) {
      try (PostgresStateStore store =
          PostgresStateStore.builder().dataSource(app).schema("app_owned").build()) {
        assertThat(store.putIfAbsent("s", "k", "v")).isTrue();
        assertThat(store.toString())
            .contains("dataSource=" + HikariDataSource.class.getName())
            .doesNotContain(PostgresServer.PASSWORD);
      }
      assertThat(app.isClosed()).isFalse();
      try (PostgresStateStore again =
          PostgresStateStore.builder().dataSource(app).schema("app_owned").build()) {
        assertThat(again.get("s", "k")).isEqualTo("v");
      }
    }
  }
}
