package dev.vigil.state.postgresql;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vigil.state.StateStore;
import dev.vigil.testing.StateStoreContract;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The {@link StateStoreContract} against a real PostgreSQL 15 ({@link PostgresServer}), one server
 * for the class and a fresh schema per test; {@link #reopen()} builds a second store (a new pool)
 * over the same schema, as a restarted process would.
 */
@Timeout(120)
@Tag("integration")
class PostgresStateStoreTest extends StateStoreContract {
  private static final AtomicInteger SCHEMAS = new AtomicInteger();
  private static PostgresServer server;

  private String schema = "unset";

  @BeforeAll
  static void startServer() throws Exception {
    server = PostgresServer.start();
  }

  @AfterAll
  static void stopServer() throws Exception {
    if (server != null) server.close();
  }

  @Override
  protected StateStore open() throws Exception {
    schema = "contract_" + SCHEMAS.incrementAndGet();
    return server.builder().schema(schema).build();
  }

  @Override
  protected StateStore reopen() throws Exception {
    return server.builder().schema(schema).build();
  }

  /**
   * PostgreSQL text holds no U+0000 and no lone surrogate; the store escapes what it cannot hold.
   */
  @Test
  void textThatPostgresCannotHoldIsKeptAndCompared() throws Exception {
    try (StateStore store = open()) {
      String nul = "a\u0000b";
      String lone = "x\uD800y\uDC00z";
      String marked = PgText.MARKER + "looks escaped \\0";
      store.put("s\u0000pace", "k\u0000", nul);
      store.put("s", "lone", lone);
      store.put("s", "marked", marked);
      assertThat(store.get("s\u0000pace", "k\u0000")).isEqualTo(nul);
      assertThat(store.load("s")).isEqualTo(Map.of("lone", lone, "marked", marked));
      assertThat(store.replace("s", "lone", "x\uD800y", "no")).isFalse();
      assertThat(store.replace("s", "lone", lone, nul)).isTrue();
      assertThat(store.putIfAbsent("s\u0000pace", "k\u0000", "again")).isFalse();
      assertThat(store.remove("s\u0000pace", "k\u0000")).isTrue();
    }
  }

  @Test
  void aClosedStoreRefusesCallsAndClosesOnce() throws Exception {
    StateStore store = open();
    store.close();
    store.close();
    org.assertj.core.api.Assertions.assertThatIllegalStateException()
        .isThrownBy(() -> store.get("s", "k"))
        .withMessageContaining("closed");
  }
}
