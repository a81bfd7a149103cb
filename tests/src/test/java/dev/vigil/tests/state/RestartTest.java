package dev.vigil.tests.state;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vigil.AlertNotification;
import dev.vigil.AlertRule;
import dev.vigil.AlertSink;
import dev.vigil.Matcher;
import dev.vigil.NotificationType;
import dev.vigil.ResourceMonitor;
import dev.vigil.Schedule;
import dev.vigil.state.FileStateStore;
import dev.vigil.state.StateStore;
import dev.vigil.testing.RecordingSink;
import dev.vigil.testing.VirtualTime;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A monitor with a {@link StateStore} across restarts, black-box, in virtual time: a firing alert
 * is not announced again; one that resolved while the monitor was down is resolved after the first
 * poll; what was queued and not delivered is delivered, with its idempotency key; silences stay.
 * And two monitors sharing one store (replicas) tell each sink once.
 */
class RestartTest {
  private static final Duration MINUTE = Duration.ofMinutes(1);

  @TempDir Path dir;

  private final VirtualTime time = VirtualTime.startingAt(Instant.parse("2026-11-24T10:00:00Z"));
  private final AtomicReference<Double> cpu = new AtomicReference<>(95.0);

  private ResourceMonitor.Builder monitor(StateStore store, String sinkName, AlertSink sink) {
    return time.configure(ResourceMonitor.builder())
        .deliveryBackoff(Duration.ZERO, Duration.ZERO)
        .source(
            "cloud",
            Schedule.every(MINUTE),
            context -> List.of(dev.vigil.Sample.of("cpu", "vm-1", cpu.get(), context.now())))
        .rule(
            AlertRule.builder("HighCpu")
                .metric("cpu")
                .above(80)
                .repeatInterval(Duration.ofMinutes(10))
                .build())
        .sink(sinkName, sink)
        .stateStore(store);
  }

  private void step(ResourceMonitor m) throws InterruptedException {
    m.pollNow();
    assertThat(m.flush(Duration.ofSeconds(5))).isTrue();
    time.advance(MINUTE);
  }

  private static List<String> heard(RecordingSink sink) {
    return sink.notifications().stream().map(n -> n.type() + " " + n.resource()).toList();
  }

  @Test
  void aFiringAlertIsNotAnnouncedAgainAfterARestart() throws Exception {
    RecordingSink before = RecordingSink.create();
    RecordingSink after = RecordingSink.create();
    try (FileStateStore store = FileStateStore.open(dir)) {
      try (ResourceMonitor m = monitor(store, "email", before).build()) {
        step(m);
      }
    }
    try (FileStateStore store = FileStateStore.open(dir)) {
      try (ResourceMonitor m = monitor(store, "email", after).build()) {
        for (int i = 0; i < 5; i++) step(m);
        cpu.set(10.0);
        step(m);
      }
    }
    assertThat(heard(before)).containsExactly("FIRING vm-1");
    assertThat(heard(after))
        .as("no second FIRING; its resolution when it ends")
        .containsExactly("RESOLVED vm-1");
  }

  @Test
  void remindersKeepTheirRhythmAcrossARestart() throws Exception {
    RecordingSink before = RecordingSink.create();
    RecordingSink after = RecordingSink.create();
    try (FileStateStore store = FileStateStore.open(dir)) {
      try (ResourceMonitor m = monitor(store, "email", before).build()) {
        for (int i = 0; i < 4; i++) step(m); // FIRING at minute 0
      }
    }
    try (FileStateStore store = FileStateStore.open(dir)) {
      try (ResourceMonitor m = monitor(store, "email", after).build()) {
        for (int i = 0; i < 12; i++) step(m); // minutes 4..15
      }
    }
    assertThat(heard(before)).containsExactly("FIRING vm-1");
    assertThat(after.ofType(NotificationType.REMINDER))
        .as("10 minutes after the FIRING heard before the restart, not after the restart")
        .singleElement()
        .satisfies(r -> assertThat(r.at()).isEqualTo(Instant.parse("2026-11-24T10:10:00Z")));
  }

  @Test
  void anAlertThatResolvedWhileTheMonitorWasDownIsResolvedAfterTheFirstPoll() throws Exception {
    RecordingSink before = RecordingSink.create();
    RecordingSink after = RecordingSink.create();
    try (FileStateStore store = FileStateStore.open(dir)) {
      try (ResourceMonitor m = monitor(store, "email", before).build()) {
        step(m);
      }
    }
    cpu.set(10.0); // while the monitor is down
    time.advance(Duration.ofMinutes(30));
    try (FileStateStore store = FileStateStore.open(dir)) {
      try (ResourceMonitor m = monitor(store, "email", after).build()) {
        m.pollNow();
        assertThat(m.flush(Duration.ofSeconds(5))).isTrue();
        assertThat(heard(after)).containsExactly("RESOLVED vm-1");
        AlertNotification resolved = after.notifications().get(0);
        assertThat(resolved.fingerprint()).isEqualTo(before.notifications().get(0).fingerprint());
        assertThat(resolved.startsAt()).isEqualTo(before.notifications().get(0).startsAt());
        assertThat(resolved.endsAt()).isAfterOrEqualTo(resolved.startsAt());
        step(m);
        step(m);
      }
    }
    assertThat(heard(after)).as("once").containsExactly("RESOLVED vm-1");
  }

  @Test
  void whatWasQueuedAndNotDeliveredIsDeliveredAfterARestart() throws Exception {
    List<AlertNotification> failedOnce = new CopyOnWriteArrayList<>();
    AlertSink down =
        n -> {
          failedOnce.add(n);
          throw new java.io.IOException("SMTP server down");
        };
    RecordingSink after = RecordingSink.create();
    try (FileStateStore store = FileStateStore.open(dir)) {
      ResourceMonitor m =
          monitor(store, "email", down)
              .deliveryAttempts(100)
              .deliveryBackoff(Duration.ofSeconds(5), Duration.ofSeconds(5))
              .shutdownTimeout(Duration.ZERO)
              .build();
      m.pollNow();
      dev.vigil.testing.Await.until("a first attempt", () -> !failedOnce.isEmpty());
      m.close(); // gives up waiting at once: the FIRING is not delivered
    }
    try (FileStateStore store = FileStateStore.open(dir)) {
      try (ResourceMonitor m = monitor(store, "email", after).build()) {
        assertThat(m.flush(Duration.ofSeconds(5))).isTrue();
        assertThat(after.notifications())
            .singleElement()
            .satisfies(
                n -> {
                  assertThat(n.type()).isEqualTo(NotificationType.FIRING);
                  assertThat(n.idempotencyKey()).isEqualTo(failedOnce.get(0).idempotencyKey());
                });
        step(m);
      }
    }
    assertThat(after.notifications()).as("and not again").hasSize(1);
  }

  @Test
  void silencesSurviveARestart() throws Exception {
    RecordingSink after = RecordingSink.create();
    try (FileStateStore store = FileStateStore.open(dir)) {
      try (ResourceMonitor m = monitor(store, "email", RecordingSink.create()).build()) {
        m.silence(List.of(Matcher.equal("resource", "vm-2")), Duration.ofHours(2), "maintenance");
      }
    }
    try (FileStateStore store = FileStateStore.open(dir)) {
      try (ResourceMonitor m = monitor(store, "email", after).build()) {
        assertThat(m.silences())
            .singleElement()
            .satisfies(s -> assertThat(s.comment()).isEqualTo("maintenance"));
      }
    }
  }

  @Test
  void replicasSharingAStoreTellEachSinkOnceAndShareSilences() throws Exception {
    RecordingSink a = RecordingSink.create();
    RecordingSink b = RecordingSink.create();
    try (FileStateStore store = FileStateStore.open(dir);
        ResourceMonitor first = monitor(store, "email", a).instanceId("replica-a").build();
        ResourceMonitor second = monitor(store, "email", b).instanceId("replica-b").build()) {
      for (int i = 0; i <= 20; i++) {
        first.pollNow();
        second.pollNow();
        assertThat(first.flush(Duration.ofSeconds(5))).isTrue();
        assertThat(second.flush(Duration.ofSeconds(5))).isTrue();
        time.advance(MINUTE);
      }
      cpu.set(10.0);
      first.pollNow();
      second.pollNow();
      assertThat(first.flush(Duration.ofSeconds(5))).isTrue();
      assertThat(second.flush(Duration.ofSeconds(5))).isTrue();

      List<String> all = new java.util.ArrayList<>(heard(a));
      all.addAll(heard(b));
      assertThat(all)
          .as("one FIRING, one reminder per 10 minutes, one RESOLVED, across both replicas")
          .containsExactlyInAnyOrder(
              "FIRING vm-1", "REMINDER vm-1", "REMINDER vm-1", "RESOLVED vm-1");

      first.silence(List.of(Matcher.equal("resource", "vm-1")), Duration.ofHours(1), "deploy");
      second.pollNow(); // its next evaluation reads the store
      assertThat(second.silences()).extracting(s -> s.comment()).containsExactly("deploy");
    }
  }

  @Test
  void aReplicaDeliversWhatAStoppedReplicaHadQueued() throws Exception {
    List<AlertNotification> failed = new CopyOnWriteArrayList<>();
    AlertSink down =
        n -> {
          failed.add(n);
          throw new java.io.IOException("SMTP server down");
        };
    RecordingSink survivor = RecordingSink.create();
    try (FileStateStore store = FileStateStore.open(dir)) {
      ResourceMonitor dying =
          monitor(store, "email", down)
              .instanceId("replica-a")
              .deliveryAttempts(100)
              .deliveryBackoff(Duration.ofSeconds(5), Duration.ofSeconds(5))
              .shutdownTimeout(Duration.ZERO)
              .build();
      dying.pollNow();
      dev.vigil.testing.Await.until("a first attempt", () -> !failed.isEmpty());
      dying.close(); // as if it died: its FIRING stays in its outbox

      try (ResourceMonitor other =
          monitor(store, "email", survivor).instanceId("replica-b").build()) {
        step(other); // its claim finds the alert told by replica-a: nothing to send itself
        assertThat(survivor.notifications()).isEmpty();
        time.advance(Duration.ofMinutes(2)); // replica-a's heartbeat is now two minutes old
        step(other);
        assertThat(survivor.notifications())
            .singleElement()
            .satisfies(
                n -> assertThat(n.idempotencyKey()).isEqualTo(failed.get(0).idempotencyKey()));
        step(other);
      }
    }
    assertThat(survivor.notifications()).as("once").hasSize(1);
  }

  /**
   * A crash while notifications wait in a group ({@code groupWait}) or behind a sink's budget loses
   * none of them: the next start sends what waited as one digest, in decided order, with the keys
   * the sinks would have seen. The crashed monitor is simply left unclosed (its close would flush).
   */
  @Test
  void whatWaitedInAGroupIsSentAfterACrash() throws Exception {
    RecordingSink beforeCrash = RecordingSink.create();
    RecordingSink afterRestart = RecordingSink.create();
    ResourceMonitor crashed = null;
    try (FileStateStore store = FileStateStore.open(dir)) {
      crashed =
          monitor(store, "email", beforeCrash)
              .route(
                  dev.vigil.Route.builder()
                      .groupBy("alertname")
                      .groupWait(Duration.ofMinutes(5))
                      .sinks("email")
                      .build())
              .build();
      crashed.pollNow(); // FIRING: waits 5 minutes in its group
      assertThat(crashed.flush(Duration.ofSeconds(5))).isTrue();
      assertThat(beforeCrash.notifications()).isEmpty();
      assertThat(crashed.stats().sinks().get("email").waiting()).isEqualTo(1);

      try (ResourceMonitor restarted = monitor(store, "email", afterRestart).build()) {
        assertThat(restarted.flush(Duration.ofSeconds(5))).isTrue();
        assertThat(afterRestart.notifications())
            .extracting(n -> n.type() + " " + n.resource())
            .containsExactly("FIRING vm-1");
        step(restarted);
        step(restarted);
        assertThat(afterRestart.notifications()).as("once").hasSize(1);
      }
    } finally {
      if (crashed != null) crashed.close();
    }
  }

  @Test
  void notificationsHeldBackByABudgetAreSentAfterACrash() throws Exception {
    RecordingSink beforeCrash = RecordingSink.create();
    RecordingSink afterRestart = RecordingSink.create();
    ResourceMonitor crashed = null;
    try (FileStateStore store = FileStateStore.open(dir)) {
      crashed =
          monitor(store, "email", beforeCrash).sinkBudget("email", 1, Duration.ofHours(1)).build();
      step(crashed); // FIRING: takes the budget
      cpu.set(10.0);
      step(crashed); // RESOLVED: held back for an hour
      cpu.set(95.0);
      step(crashed); // FIRING again: held back too
      assertThat(beforeCrash.notifications())
          .extracting(n -> n.type().toString())
          .containsExactly("FIRING");

      try (ResourceMonitor restarted = monitor(store, "email", afterRestart).build()) {
        assertThat(restarted.flush(Duration.ofSeconds(5))).isTrue();
        assertThat(afterRestart.notifications())
            .extracting(n -> n.type().toString())
            .containsExactly("RESOLVED", "FIRING");
      }
    } finally {
      if (crashed != null) crashed.close();
    }
  }

  /**
   * Replicas that see the same changes of an open alert (a severity change, a flap starting and
   * stopping) tell each sink of each change once: the change is claimed against what the store says
   * the sink was told, like Alertmanager's notification log shared by a cluster ({@code
   * nflog/nflog.go}: an entry per receiver and group, gossiped so that peers skip what one sent).
   */
  @Test
  void replicasTellEachSeverityChangeAndFlapNoticeOnce() throws Exception {
    RecordingSink a = RecordingSink.create();
    RecordingSink b = RecordingSink.create();
    java.util.function.Function<RecordingSink, ResourceMonitor.Builder> replica =
        sink ->
            time.configure(ResourceMonitor.builder())
                .deliveryBackoff(Duration.ZERO, Duration.ZERO)
                .source(
                    "cloud",
                    Schedule.every(MINUTE),
                    context ->
                        List.of(dev.vigil.Sample.of("cpu", "vm-1", cpu.get(), context.now())))
                .rule(
                    AlertRule.builder("HighCpu")
                        .metric("cpu")
                        .above(80)
                        .criticalAbove(95)
                        .flapDetection(20, 30)
                        .build())
                .sink("email", sink);
    double[] values = {
      90, 99, 90, 10, 90, 10, 90, 10, 90, 10, 90, 10, 90, 90, 90, 90, 90, 90, 90, 90, 90, 90, 90,
      90, 90, 90, 90, 90, 90, 90, 90
    };
    try (FileStateStore store = FileStateStore.open(dir);
        ResourceMonitor first = replica.apply(a).stateStore(store).instanceId("replica-a").build();
        ResourceMonitor second =
            replica.apply(b).stateStore(store).instanceId("replica-b").build()) {
      for (double v : values) {
        cpu.set(v);
        first.pollNow();
        second.pollNow();
        assertThat(first.flush(Duration.ofSeconds(5))).isTrue();
        assertThat(second.flush(Duration.ofSeconds(5))).isTrue();
        time.advance(MINUTE);
      }
    }
    List<String> all = new java.util.ArrayList<>(heard(a));
    all.addAll(heard(b));
    assertThat(all)
        .as("each change once across both replicas")
        .filteredOn(s -> s.startsWith("SEVERITY_CHANGED") || s.startsWith("FLAPPING"))
        .containsExactlyInAnyOrder(
            "SEVERITY_CHANGED vm-1",
            "SEVERITY_CHANGED vm-1",
            "FLAPPING_STARTED vm-1",
            "FLAPPING_STOPPED vm-1");
    assertThat(all)
        .as("a: %s b: %s", heard(a), heard(b))
        .filteredOn(s -> s.startsWith("FIRING"))
        .hasSize(1);
  }
}
