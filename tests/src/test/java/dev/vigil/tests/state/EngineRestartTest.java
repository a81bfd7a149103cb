package dev.vigil.tests.state;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vigil.AlertNotification;
import dev.vigil.AlertRule;
import dev.vigil.AlertSink;
import dev.vigil.NotificationType;
import dev.vigil.ResourceMonitor;
import dev.vigil.Sample;
import dev.vigil.Schedule;
import dev.vigil.state.FileStateStore;
import dev.vigil.state.StateStore;
import dev.vigil.testing.RecordingSink;
import dev.vigil.testing.VirtualTime;
import dev.vigil.tests.logging.RecordingLogs;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The engine's alert states across restarts, black-box, in virtual time, with a {@link
 * FileStateStore}: a pending {@code for} timer continues instead of starting over, {@code
 * keepFiringFor} continues, a flapping alert is still flapping, and the state of a rule that was
 * removed is dropped with one log line. Prometheus keeps the same across restarts with its {@code
 * ALERTS_FOR_STATE} series ("Alerting rules", {@code rules/manager.go} {@code RestoreForState}).
 */
class EngineRestartTest {
  private static final Duration MINUTE = Duration.ofMinutes(1);
  private static final Instant T0 = Instant.parse("2026-11-24T10:00:00Z");

  @TempDir Path dir;

  private final VirtualTime time = VirtualTime.startingAt(T0);
  private final AtomicReference<Double> cpu = new AtomicReference<>(95.0);

  private ResourceMonitor monitor(StateStore store, AlertSink sink, AlertRule... rules) {
    ResourceMonitor.Builder b =
        time.configure(ResourceMonitor.builder())
            .deliveryBackoff(Duration.ZERO, Duration.ZERO)
            .source(
                "cloud",
                Schedule.every(MINUTE),
                context -> List.of(Sample.of("cpu", "vm-1", cpu.get(), context.now())))
            .sink("email", sink)
            .stateStore(store);
    for (AlertRule r : rules) b.rule(r);
    return b.build();
  }

  private void step(ResourceMonitor m) throws InterruptedException {
    m.pollNow();
    assertThat(m.flush(Duration.ofSeconds(5))).isTrue();
    time.advance(MINUTE);
  }

  private static List<String> heard(RecordingSink sink) {
    return sink.notifications().stream().map(n -> n.type() + " " + n.rule()).toList();
  }

  private static Instant minute(int m) {
    return T0.plus(Duration.ofMinutes(m));
  }

  @Test
  void aPendingForTimerContinuesAfterARestartInsteadOfStartingOver() throws Exception {
    AlertRule rule =
        AlertRule.builder("HighCpu")
            .metric("cpu")
            .above(80)
            .forDuration(Duration.ofMinutes(10))
            .build();
    RecordingSink before = RecordingSink.create();
    RecordingSink after = RecordingSink.create();
    try (FileStateStore store = FileStateStore.open(dir);
        ResourceMonitor m = monitor(store, before, rule)) {
      for (int i = 0; i < 6; i++) step(m); // pending from minute 0, minutes 0..5 polled
      assertThat(m.activeAlerts())
          .singleElement()
          .satisfies(a -> assertThat(a.startsAt()).isEqualTo(T0));
    }
    assertThat(heard(before)).isEmpty();
    try (FileStateStore store = FileStateStore.open(dir);
        ResourceMonitor m = monitor(store, after, rule)) {
      for (int i = 0; i < 4; i++) step(m); // minutes 6..9: held 6 to 9 minutes
      assertThat(heard(after)).as("pending, not yet 10 minutes").isEmpty();
      step(m); // minute 10
    }
    assertThat(after.notifications())
        .singleElement()
        .satisfies(
            n -> {
              assertThat(n.type()).isEqualTo(NotificationType.FIRING);
              assertThat(n.at()).as("4 minutes after the restart, not 10").isEqualTo(minute(10));
            });
  }

  @Test
  void keepFiringForContinuesAcrossARestart() throws Exception {
    AlertRule rule =
        AlertRule.builder("HighCpu")
            .metric("cpu")
            .above(80)
            .keepFiringFor(Duration.ofMinutes(5))
            .build();
    RecordingSink before = RecordingSink.create();
    RecordingSink after = RecordingSink.create();
    try (FileStateStore store = FileStateStore.open(dir);
        ResourceMonitor m = monitor(store, before, rule)) {
      step(m); // FIRING at minute 0
      step(m);
      cpu.set(10.0);
      step(m); // minute 2: no longer breaching, keeps firing until minute 7
      step(m);
    }
    assertThat(heard(before)).containsExactly("FIRING HighCpu");
    try (FileStateStore store = FileStateStore.open(dir);
        ResourceMonitor m = monitor(store, after, rule)) {
      for (int i = 0; i < 3; i++) step(m); // minutes 4..6: still firing
      assertThat(heard(after)).as("keeps firing through minute 6").isEmpty();
      step(m); // minute 7
      step(m);
    }
    assertThat(after.notifications())
        .singleElement()
        .satisfies(
            n -> {
              assertThat(n.type()).isEqualTo(NotificationType.RESOLVED);
              assertThat(n.at()).as("5 minutes after minute 2").isEqualTo(minute(7));
              assertThat(n.startsAt()).isEqualTo(T0);
            });
  }

  @Test
  void aFlappingAlertIsStillFlappingAfterARestart() throws Exception {
    AlertRule rule =
        AlertRule.builder("HighCpu").metric("cpu").above(80).flapDetection(20, 30).build();
    RecordingSink before = RecordingSink.create();
    RecordingSink after = RecordingSink.create();
    try (FileStateStore store = FileStateStore.open(dir);
        ResourceMonitor m = monitor(store, before, rule)) {
      for (int i = 0; i < 12; i++) {
        cpu.set(i % 2 == 0 ? 95.0 : 10.0);
        step(m);
      }
    }
    assertThat(before.ofType(NotificationType.FLAPPING_STARTED)).hasSize(1);
    try (FileStateStore store = FileStateStore.open(dir);
        ResourceMonitor m = monitor(store, after, rule)) {
      for (int i = 12; i < 18; i++) {
        cpu.set(i % 2 == 0 ? 95.0 : 10.0);
        step(m);
      }
    }
    assertThat(heard(after))
        .as("still flapping: no second FLAPPING_STARTED, no FIRING or RESOLVED held back")
        .isEmpty();
  }

  @Test
  void theStateOfARemovedRuleIsDroppedWithOneLogLine() throws Exception {
    AlertRule kept = AlertRule.builder("HighCpu").metric("cpu").above(80).build();
    AlertRule removed = AlertRule.builder("VeryHighCpu").metric("cpu").above(90).build();
    RecordingSink before = RecordingSink.create();
    RecordingSink after = RecordingSink.create();
    try (FileStateStore store = FileStateStore.open(dir);
        ResourceMonitor m = monitor(store, before, kept, removed)) {
      step(m);
    }
    assertThat(heard(before)).containsExactlyInAnyOrder("FIRING HighCpu", "FIRING VeryHighCpu");
    RecordingLogs.clear();
    try (FileStateStore store = FileStateStore.open(dir);
        ResourceMonitor m = monitor(store, after, kept)) {
      step(m);
      step(m);
    }
    List<RecordingLogs.Event> dropped =
        RecordingLogs.events(e -> e.message().contains("cannot be restored"));
    assertThat(dropped)
        .singleElement()
        .satisfies(e -> assertThat(e.message()).contains("rule VeryHighCpu no longer exists"));
    assertThat(heard(after))
        .as("HighCpu is not announced again; VeryHighCpu is resolved by delivery, as unknown")
        .doesNotContain("FIRING HighCpu");
    try (FileStateStore store = FileStateStore.open(dir);
        ResourceMonitor m = monitor(store, RecordingSink.create(), kept)) {
      RecordingLogs.clear();
      step(m);
    }
    assertThat(RecordingLogs.events(e -> e.message().contains("cannot be restored")))
        .as("dropped from the store: not logged again")
        .isEmpty();
  }

  @Test
  void theStateOfAnAlertWhoseSourceWasRenamedIsDroppedNotKeptOpenForever() throws Exception {
    AlertRule rule = AlertRule.builder("HighCpu").metric("cpu").above(80).build();
    try (FileStateStore store = FileStateStore.open(dir);
        ResourceMonitor m = monitor(store, RecordingSink.create(), rule)) {
      step(m);
      assertThat(m.activeAlerts()).hasSize(1);
    }
    RecordingLogs.clear();
    try (FileStateStore store = FileStateStore.open(dir);
        ResourceMonitor m =
            time.configure(ResourceMonitor.builder())
                .source(
                    "cloud-v2",
                    Schedule.every(MINUTE),
                    context -> List.of(Sample.of("cpu", "vm-2", 10, context.now())))
                .rule(rule)
                .sink("email", RecordingSink.create())
                .stateStore(store)
                .build()) {
      assertThat(m.activeAlerts()).as("no sweep of source cloud would ever resolve it").isEmpty();
      step(m);
      assertThat(m.activeAlerts()).isEmpty();
    }
    assertThat(RecordingLogs.events(e -> e.message().contains("cannot be restored")))
        .singleElement()
        .satisfies(e -> assertThat(e.message()).contains("source cloud no longer exists"));
  }

  @Test
  void aFiringAlertKeepsItsStartAndValuesAcrossARestart() throws Exception {
    AlertRule rule = AlertRule.builder("HighCpu").metric("cpu").above(80).build();
    RecordingSink after = RecordingSink.create();
    try (FileStateStore store = FileStateStore.open(dir);
        ResourceMonitor m = monitor(store, RecordingSink.create(), rule)) {
      step(m);
      step(m);
    }
    try (FileStateStore store = FileStateStore.open(dir);
        ResourceMonitor m = monitor(store, after, rule)) {
      assertThat(m.activeAlerts())
          .as("known before the first poll")
          .singleElement()
          .satisfies(a -> assertThat(a.startsAt()).isEqualTo(T0));
      step(m);
      cpu.set(10.0);
      step(m);
    }
    AlertNotification resolved = after.notifications().get(0);
    assertThat(heard(after)).containsExactly("RESOLVED HighCpu");
    assertThat(resolved.startsAt()).isEqualTo(T0);
    assertThat(resolved.recentValues()).extracting(AlertNotification.Point::value).contains(95.0);
  }
}
