package dev.vigil.state.postgresql;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vigil.AlertNotification;
import dev.vigil.AlertRule;
import dev.vigil.AlertSink;
import dev.vigil.Matcher;
import dev.vigil.ResourceMonitor;
import dev.vigil.Sample;
import dev.vigil.Schedule;
import dev.vigil.SuppressionKind;
import dev.vigil.state.StateStore;
import dev.vigil.testing.Await;
import dev.vigil.testing.RecordingSink;
import dev.vigil.testing.VirtualTime;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Two replicas of one application, each with its own {@link ResourceMonitor} and its own pool, on
 * one real PostgreSQL 15 (docs/state.md, Replicas): each notification reaches the sink once across
 * them; a replica that stops mid-delivery has what it queued delivered by the other; a silence made
 * on one mutes the other.
 */
@Timeout(120)
@Tag("integration")
class PostgresMonitorReplicasTest {
  private static final Duration MINUTE = Duration.ofMinutes(1);
  private static final AtomicInteger SCHEMAS = new AtomicInteger();
  private static PostgresServer server;

  private final VirtualTime time = VirtualTime.startingAt(Instant.parse("2026-11-24T10:00:00Z"));
  private final AtomicReference<Double> cpu = new AtomicReference<>(95.0);

  @BeforeAll
  static void startServer() throws Exception {
    server = PostgresServer.start();
  }

  @AfterAll
  static void stopServer() throws Exception {
    if (server != null) server.close();
  }

  private static StateStore store(String schema) throws IOException {
    return server.builder().schema(schema).build();
  }

  private ResourceMonitor.Builder replica(StateStore store, String id, AlertSink sink) {
    return time.configure(ResourceMonitor.builder())
        .deliveryBackoff(Duration.ZERO, Duration.ZERO)
        .source(
            "cloud",
            Schedule.every(MINUTE),
            context -> List.of(Sample.of("cpu", "vm-1", cpu.get(), context.now())))
        .rule(
            AlertRule.builder("HighCpu")
                .metric("cpu")
                .above(80)
                .repeatInterval(Duration.ofMinutes(10))
                .build())
        .sink("email", sink)
        .stateStore(store)
        .instanceId(id);
  }

  private static void both(ResourceMonitor a, ResourceMonitor b) throws InterruptedException {
    a.pollNow();
    b.pollNow();
    assertThat(a.flush(Duration.ofSeconds(10))).isTrue();
    assertThat(b.flush(Duration.ofSeconds(10))).isTrue();
  }

  private static List<String> heard(RecordingSink... sinks) {
    List<String> all = new ArrayList<>();
    for (RecordingSink s : sinks) {
      for (AlertNotification n : s.notifications()) all.add(n.type() + " " + n.resource());
    }
    return all;
  }

  @Test
  void twoReplicasTellTheSinkEachNotificationOnce() throws Exception {
    String schema = "monitors_" + SCHEMAS.incrementAndGet();
    RecordingSink a = RecordingSink.create();
    RecordingSink b = RecordingSink.create();
    try (StateStore storeA = store(schema);
        StateStore storeB = store(schema);
        ResourceMonitor first = replica(storeA, "replica-a", a).build();
        ResourceMonitor second = replica(storeB, "replica-b", b).build()) {
      for (int minute = 0; minute <= 20; minute++) {
        both(first, second);
        time.advance(MINUTE);
      }
      cpu.set(10.0);
      both(first, second);
    }
    assertThat(heard(a, b))
        .containsExactlyInAnyOrder(
            "FIRING vm-1", "REMINDER vm-1", "REMINDER vm-1", "RESOLVED vm-1");
  }

  @Test
  void aSilenceMadeOnOneReplicaMutesTheOther() throws Exception {
    String schema = "monitors_" + SCHEMAS.incrementAndGet();
    RecordingSink a = RecordingSink.create();
    RecordingSink b = RecordingSink.create();
    cpu.set(10.0);
    try (StateStore storeA = store(schema);
        StateStore storeB = store(schema);
        ResourceMonitor first = replica(storeA, "replica-a", a).build();
        ResourceMonitor second = replica(storeB, "replica-b", b).build()) {
      first.silence(List.of(Matcher.equal("resource", "vm-1")), Duration.ofHours(1), "deploy");
      cpu.set(95.0);
      second.pollNow(); // only the replica that did not make the silence evaluates
      assertThat(second.flush(Duration.ofSeconds(10))).isTrue();
      assertThat(b.notifications()).isEmpty();
      assertThat(second.stats().suppressed()).containsEntry(SuppressionKind.SILENCE, 1L);
      assertThat(second.silences()).extracting(s -> s.comment()).containsExactly("deploy");
    }
  }

  @Test
  void whatAStoppedReplicaQueuedIsDeliveredOnceByTheOther() throws Exception {
    String schema = "monitors_" + SCHEMAS.incrementAndGet();
    List<AlertNotification> attempts = new CopyOnWriteArrayList<>();
    AlertSink down =
        n -> {
          attempts.add(n);
          throw new IOException("SMTP server down");
        };
    RecordingSink survivor = RecordingSink.create();
    try (StateStore storeA = store(schema);
        StateStore storeB = store(schema)) {
      ResourceMonitor dying =
          replica(storeA, "replica-a", down)
              .deliveryAttempts(100)
              .deliveryBackoff(Duration.ofSeconds(5), Duration.ofSeconds(5))
              .shutdownTimeout(Duration.ZERO)
              .build();
      dying.pollNow();
      Await.until("a first attempt", () -> !attempts.isEmpty());
      dying.close(); // stops mid-delivery: its FIRING stays in its outbox

      try (ResourceMonitor other = replica(storeB, "replica-b", survivor).build()) {
        other.pollNow();
        assertThat(other.flush(Duration.ofSeconds(10))).isTrue();
        assertThat(survivor.notifications()).as("replica-a told it already").isEmpty();
        time.advance(Duration.ofMinutes(3)); // replica-a's heartbeat is older than two minutes
        other.pollNow();
        assertThat(other.flush(Duration.ofSeconds(10))).isTrue();
        time.advance(MINUTE);
        other.pollNow();
        assertThat(other.flush(Duration.ofSeconds(10))).isTrue();
      }
    }
    assertThat(survivor.notifications())
        .singleElement()
        .satisfies(n -> assertThat(n.idempotencyKey()).isEqualTo(attempts.get(0).idempotencyKey()));
  }
}
