package dev.vigil;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The engine's alert states as records: written on change only, read back, bad ones dropped. */
class AlertStatesTest {
  private static final Instant T0 = Instant.parse("2026-11-24T00:00:00Z");
  private final AlertRule rule =
      AlertRule.builder("HighCpu")
          .metric("cpu")
          .above(80)
          .forDuration(Duration.ofMinutes(10))
          .build();

  private static Map<String, String> apply(Map<String, String> store, Evaluation ev) {
    for (AlertStates.Saved s : ev.states()) {
      if (s.record() == null) store.remove(s.fingerprint());
      else store.put(s.fingerprint(), s.record());
    }
    return store;
  }

  @Test
  void recordsAreWrittenWhenAnAlertChangesAndNotForUnchangedPolls() {
    Evaluator ev = new Evaluator(List.of(rule));
    ev.restore(Map.of(), T0, 0, null);
    Map<String, String> store = new HashMap<>();
    Evaluation first = ev.ingest("s", List.of(Sample.of("cpu", "vm-1", 95, T0)), Set.of(), T0);
    assertThat(first.states()).hasSize(1); // PENDING
    apply(store, first);
    for (int m = 1; m < 5; m++) {
      Instant now = T0.plus(Duration.ofMinutes(m));
      Evaluation again = ev.ingest("s", List.of(Sample.of("cpu", "vm-1", 95, now)), Set.of(), now);
      assertThat(again.states()).as("still pending, minute " + m).isEmpty();
    }
    Instant t5 = T0.plus(Duration.ofMinutes(5));
    Evaluation reset = ev.ingest("s", List.of(Sample.of("cpu", "vm-1", 10, t5)), Set.of(), t5);
    assertThat(reset.states())
        .singleElement()
        .satisfies(s -> assertThat(s.record()).as("inactive again: removed").isNull());
  }

  @Test
  void aRestoredPendingAlertKeepsItsElapsedTimeAndStart() {
    Evaluator before = new Evaluator(List.of(rule));
    before.restore(Map.of(), T0, 0, null);
    Map<String, String> store = new HashMap<>();
    apply(store, before.ingest("s", List.of(Sample.of("cpu", "vm-1", 95, T0)), Set.of(), T0));

    Instant t6 = T0.plus(Duration.ofMinutes(6));
    Evaluator after = new Evaluator(List.of(rule));
    assertThat(after.restore(store, t6, 42, null))
        .isEqualTo(1); // another ticker origin after a restart
    assertThat(after.activeAlerts())
        .singleElement()
        .satisfies(
            a -> {
              assertThat(a.state()).isEqualTo(AlertState.PENDING);
              assertThat(a.startsAt()).isEqualTo(T0);
            });
    Instant t9 = T0.plus(Duration.ofMinutes(9));
    long nanos9 = 42 + Duration.ofMinutes(3).toNanos();
    assertThat(
            after
                .ingest("s", List.of(Sample.of("cpu", "vm-1", 95, t9)), Set.of(), t9, nanos9)
                .notifications())
        .isEmpty();
    Instant t10 = T0.plus(Duration.ofMinutes(10));
    long nanos10 = 42 + Duration.ofMinutes(4).toNanos();
    assertThat(
            after
                .ingest("s", List.of(Sample.of("cpu", "vm-1", 95, t10)), Set.of(), t10, nanos10)
                .notifications())
        .extracting(AlertNotification::type)
        .containsExactly(NotificationType.FIRING);
  }

  @Test
  void unreadableRecordsAndRemovedRulesAreDroppedFromTheStore() {
    Evaluator before = new Evaluator(List.of(rule));
    before.restore(Map.of(), T0, 0, null);
    Map<String, String> store = new HashMap<>();
    apply(store, before.ingest("s", List.of(Sample.of("cpu", "vm-1", 95, T0)), Set.of(), T0));
    store.put("0000000000000001", "garbage");
    store.put("0000000000000002", "a0\tfrom another version");

    Evaluator renamed =
        new Evaluator(List.of(AlertRule.builder("CpuHigh").metric("cpu").above(80).build()));
    assertThat(renamed.restore(store, T0, 0, null)).isZero();
    assertThat(renamed.activeAlerts()).isEmpty();
    Evaluation first = renamed.ingest("s", List.of(Sample.of("cpu", "vm-1", 10, T0)), Set.of(), T0);
    assertThat(apply(store, first)).as("every record dropped").isEmpty();
  }
}
