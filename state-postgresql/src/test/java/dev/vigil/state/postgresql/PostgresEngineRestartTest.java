package dev.vigil.state.postgresql;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vigil.AlertRule;
import dev.vigil.NotificationType;
import dev.vigil.ResourceMonitor;
import dev.vigil.Sample;
import dev.vigil.Schedule;
import dev.vigil.state.StateStore;
import dev.vigil.testing.RecordingSink;
import dev.vigil.testing.VirtualTime;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The engine's alert states across a restart on one real PostgreSQL 15 (docs/state.md, alert
 * states): a 10-minute {@code for} rule pending for 6 minutes fires 4 minutes after the restart,
 * not 10, as with the file store ({@code EngineRestartTest} in vigil-tests).
 */
@Timeout(120)
@Tag("integration")
class PostgresEngineRestartTest {
  private static final Duration MINUTE = Duration.ofMinutes(1);
  private static final Instant T0 = Instant.parse("2026-11-24T10:00:00Z");
  private static PostgresServer server;

  private final VirtualTime time = VirtualTime.startingAt(T0);

  @BeforeAll
  static void startServer() throws Exception {
    server = PostgresServer.start();
  }

  @AfterAll
  static void stopServer() throws Exception {
    if (server != null) server.close();
  }

  private ResourceMonitor monitor(StateStore store, RecordingSink sink) {
    return time.configure(ResourceMonitor.builder())
        .deliveryBackoff(Duration.ZERO, Duration.ZERO)
        .source(
            "cloud",
            Schedule.every(MINUTE),
            context -> List.of(Sample.of("cpu", "vm-1", 95, context.now())))
        .rule(
            AlertRule.builder("HighCpu")
                .metric("cpu")
                .above(80)
                .forDuration(Duration.ofMinutes(10))
                .build())
        .sink("email", sink)
        .stateStore(store)
        .build();
  }

  private void step(ResourceMonitor m) throws InterruptedException {
    m.pollNow();
    assertThat(m.flush(Duration.ofSeconds(10))).isTrue();
    time.advance(MINUTE);
  }

  @Test
  void aPendingForTimerContinuesAfterARestart() throws Exception {
    RecordingSink before = RecordingSink.create();
    RecordingSink after = RecordingSink.create();
    try (StateStore store = server.builder().schema("engine_restart").build();
        ResourceMonitor m = monitor(store, before)) {
      for (int i = 0; i < 6; i++) step(m); // pending from minute 0
    }
    try (StateStore store = server.builder().schema("engine_restart").build();
        ResourceMonitor m = monitor(store, after)) {
      for (int i = 0; i < 5; i++) step(m); // minutes 6..10
    }
    assertThat(before.notifications()).isEmpty();
    assertThat(after.notifications())
        .singleElement()
        .satisfies(
            n -> {
              assertThat(n.type()).isEqualTo(NotificationType.FIRING);
              assertThat(n.at()).isEqualTo(T0.plus(Duration.ofMinutes(10)));
            });
  }
}
