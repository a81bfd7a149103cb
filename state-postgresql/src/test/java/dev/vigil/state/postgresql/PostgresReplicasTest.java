package dev.vigil.state.postgresql;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Replicas: several stores, each with its own pool, on one database and schema, as the replicas of
 * one application are. One real PostgreSQL 15 for the class, a fresh schema per test.
 *
 * <p>Why one statement decides a claim: PostgreSQL 15 manual, "INSERT ... ON CONFLICT" ("ON
 * CONFLICT DO NOTHING simply avoids inserting a row as its alternative action"; the outcome is
 * atomic) and "13.2.1. Read Committed Isolation Level" (an UPDATE or DELETE that waited for a
 * concurrent one re-checks its WHERE on the updated row). Migrations: "9.27.10. Advisory Lock
 * Functions" ({@code pg_advisory_xact_lock} waits, and is released at the end of the transaction).
 */
@Timeout(120)
@Tag("integration")
class PostgresReplicasTest {
  private static final AtomicInteger SCHEMAS = new AtomicInteger();
  private static PostgresServer server;

  @BeforeAll
  static void startServer() throws Exception {
    server = PostgresServer.start();
  }

  @AfterAll
  static void stopServer() throws Exception {
    if (server != null) server.close();
  }

  private static String freshSchema() {
    return "replicas_" + SCHEMAS.incrementAndGet();
  }

  @Test
  void exactlyOneOfConcurrentClaimsWinsAcrossTwoReplicas() throws Exception {
    String schema = freshSchema();
    try (PostgresStateStore a = server.builder().schema(schema).build();
        PostgresStateStore b = server.builder().schema(schema).build()) {
      PostgresStateStore[] replicas = {a, b};
      int claimants = 8;
      ExecutorService pool = Executors.newFixedThreadPool(claimants);
      try {
        for (int round = 0; round < 50; round++) {
          String key = "notification-" + round;
          CountDownLatch go = new CountDownLatch(1);
          List<Future<Boolean>> results = new ArrayList<>();
          List<String> names = new ArrayList<>();
          for (int i = 0; i < claimants; i++) {
            PostgresStateStore replica = replicas[i % 2];
            String me = "replica-" + (i % 2) + "/thread-" + i;
            names.add(me);
            Callable<Boolean> claim =
                () -> {
                  go.await();
                  return replica.putIfAbsent("outbox/email", key, me);
                };
            results.add(pool.submit(claim));
          }
          go.countDown();
          List<String> winners = new ArrayList<>();
          for (int i = 0; i < claimants; i++) {
            if (results.get(i).get(10, TimeUnit.SECONDS)) winners.add(names.get(i));
          }
          assertThat(winners).as("winners of " + key).hasSize(1);
          assertThat(a.get("outbox/email", key)).isEqualTo(winners.get(0));
          assertThat(b.get("outbox/email", key)).isEqualTo(winners.get(0));
        }
      } finally {
        pool.shutdownNow();
      }
    }
  }

  @Test
  void exactlyOneOfConcurrentReplacesWinsAcrossTwoReplicas() throws Exception {
    String schema = freshSchema();
    try (PostgresStateStore a = server.builder().schema(schema).build();
        PostgresStateStore b = server.builder().schema(schema).build()) {
      ExecutorService pool = Executors.newFixedThreadPool(8);
      try {
        for (int round = 0; round < 20; round++) {
          String key = "lease-" + round;
          a.put("leases", key, "free");
          CountDownLatch go = new CountDownLatch(1);
          List<Future<Boolean>> results = new ArrayList<>();
          for (int i = 0; i < 8; i++) {
            PostgresStateStore replica = i % 2 == 0 ? a : b;
            String me = "replica-" + i;
            Callable<Boolean> take =
                () -> {
                  go.await();
                  return replica.replace("leases", key, "free", me);
                };
            results.add(pool.submit(take));
          }
          go.countDown();
          int won = 0;
          for (Future<Boolean> f : results) if (f.get(10, TimeUnit.SECONDS)) won++;
          assertThat(won).as("winners of " + key).isEqualTo(1);
        }
      } finally {
        pool.shutdownNow();
      }
    }
  }

  @Test
  void whatOneReplicaWritesTheOtherReadsAtOnce() throws Exception {
    String schema = freshSchema();
    try (PostgresStateStore a = server.builder().schema(schema).build();
        PostgresStateStore b = server.builder().schema(schema).build()) {
      a.put("silences", "s1", "{\"matchers\":[\"team=db\"]}");
      assertThat(b.load("silences")).containsEntry("s1", "{\"matchers\":[\"team=db\"]}");
      assertThat(b.remove("silences", "s1")).isTrue();
      assertThat(a.get("silences", "s1")).isNull();
    }
  }

  @Test
  void replicasStartingAtOnceMigrateTheSchemaOnce() throws Exception {
    String schema = freshSchema();
    int replicas = 6;
    ExecutorService pool = Executors.newFixedThreadPool(replicas);
    List<PostgresStateStore> built = new ArrayList<>();
    try {
      CountDownLatch go = new CountDownLatch(1);
      List<Future<PostgresStateStore>> results = new ArrayList<>();
      for (int i = 0; i < replicas; i++) {
        results.add(
            pool.submit(
                () -> {
                  go.await();
                  return server.builder().schema(schema).build();
                }));
      }
      go.countDown();
      for (Future<PostgresStateStore> f : results) built.add(f.get(30, TimeUnit.SECONDS));
      assertThat(versionRows(schema)).containsExactly("1");
      built.get(0).put("s", "k", "v");
      assertThat(built.get(replicas - 1).get("s", "k")).isEqualTo("v");
    } finally {
      pool.shutdownNow();
      for (PostgresStateStore s : built) s.close();
    }
  }

  @Test
  void buildingAgainKeepsTheSchemaAndTheData() throws Exception {
    String schema = freshSchema();
    try (PostgresStateStore first = server.builder().schema(schema).build()) {
      first.put("s", "k", "v");
    }
    for (int i = 0; i < 3; i++) {
      try (PostgresStateStore again = server.builder().schema(schema).build()) {
        assertThat(again.get("s", "k")).isEqualTo("v");
      }
    }
    assertThat(versionRows(schema)).containsExactly("1");
  }

  @Test
  void aSchemaThatANewerVigilMigratedIsUsedAsItIs() throws Exception {
    String schema = freshSchema();
    try (PostgresStateStore first = server.builder().schema(schema).build()) {
      first.put("s", "k", "v");
    }
    sql("INSERT INTO " + schema + ".vigil_schema_version (version, description) VALUES (99, 'x')");
    try (PostgresStateStore older = server.builder().schema(schema).build()) {
      assertThat(older.get("s", "k")).isEqualTo("v");
    }
    assertThat(versionRows(schema)).containsExactly("1", "99");
  }

  @Test
  void aSchemaCreatedByTheDatabaseAdministratorIsUsed() throws Exception {
    String schema = freshSchema();
    sql("CREATE SCHEMA " + schema);
    try (PostgresStateStore store = server.builder().schema(schema).build()) {
      store.put("s", "k", "v");
      assertThat(store.get("s", "k")).isEqualTo("v");
    }
  }

  private static List<String> versionRows(String schema) throws Exception {
    try (Connection c = connect();
        Statement s = c.createStatement();
        ResultSet r =
            s.executeQuery(
                "SELECT version FROM " + schema + ".vigil_schema_version ORDER BY version")) {
      List<String> rows = new ArrayList<>();
      while (r.next()) rows.add(r.getString(1));
      return rows;
    }
  }

  private static void sql(String sql) throws Exception {
    try (Connection c = connect();
        Statement s = c.createStatement()) {
      s.execute(sql);
    }
  }

  private static Connection connect() throws Exception {
    return DriverManager.getConnection(
        server.jdbcUrl() + "?connectTimeout=5&socketTimeout=10",
        PostgresServer.USER,
        PostgresServer.PASSWORD);
  }
}
