package dev.vigil;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.vigil.internal.SampleWindow;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The compact series store: ring buffers, interned labels, windows sized to the rules. */
class SeriesStoreTest {
  private static final Instant T0 = Instant.parse("2026-11-24T00:00:00Z");

  @Test
  void valuesOnlyRingWrapsAndKeepsTheLastNInOrder() {
    SampleWindow w = SampleWindow.ofValues(3);
    for (int i = 1; i <= 7; i++) w.add(i, i * 10);
    assertThat(w.size()).isEqualTo(3);
    assertThat(List.of(w.valueAt(0), w.valueAt(1), w.valueAt(2))).containsExactly(50.0, 60.0, 70.0);
    assertThat(w.avg()).isEqualTo(60.0);
    assertThat(w.sum()).isEqualTo(180.0);
    assertThat(w.keepsTimes()).isFalse();
    assertThatThrownBy(() -> w.timeAt(0)).isInstanceOf(IllegalStateException.class);
    assertThatThrownBy(w::min).isInstanceOf(IllegalStateException.class);
  }

  @Test
  void equalLabelSetsShareOneInternedMap() {
    Evaluator ev = new Evaluator(List.of(rule("HighCpu", Condition.metric("cpu").above(80))));
    List<Sample> poll = new ArrayList<>();
    for (int i = 0; i < 100; i++) {
      // a new map instance per sample, equal contents
      poll.add(new Sample("cpu", "vm-" + i, new HashMap<>(Map.of("region", "eu")), 1, T0));
    }
    poll.add(new Sample("cpu", "vm-0", Map.of("region", "us"), 1, T0));
    ev.ingest("s", poll, Set.of(), T0);

    SeriesStore store = ev.store();
    Series first = store.find("cpu", "vm-0", Map.of("region", "eu"));
    Series last = store.find("cpu", "vm-99", Map.of("region", "eu"));
    assertThat(first).isNotNull();
    assertThat(last).isNotNull();
    assertThat(last.labels).isSameAs(first.labels).isEqualTo(Map.of("region", "eu"));
    assertThat(store.internedLabelSets()).isEqualTo(2);
    assertThat(store.size()).isEqualTo(101);
  }

  @Test
  void windowsAreSizedToWhatTheRulesRead() {
    Evaluator ev =
        new Evaluator(
            List.of(
                rule("Avg", Condition.metric("cpu").aggregate(avg(10)).above(80)),
                rule(
                    "Min",
                    Condition.metric("mem").aggregate(Aggregation.min(Window.last(5))).above(1)),
                rule(
                    "Rate",
                    Condition.metric("disk")
                        .aggregate(Aggregation.ratePerSecond(Window.of(Duration.ofMinutes(5))))
                        .above(1)),
                rule("Latest", Condition.metric("net").above(1))));
    ev.ingest(
        "s",
        List.of(
            Sample.of("cpu", "vm", 1, T0),
            Sample.of("mem", "vm", 1, T0),
            Sample.of("disk", "vm", 1, T0),
            Sample.of("net", "vm", 1, T0)),
        Set.of(),
        T0);
    SeriesStore store = ev.store();
    SampleWindow avg = window(store, "cpu");
    assertThat(avg.keepsTimes()).isFalse(); // an average of the last 10 needs values only
    assertThatThrownBy(avg::min).isInstanceOf(IllegalStateException.class);
    SampleWindow min = window(store, "mem");
    assertThat(min.min()).isEqualTo(1.0); // extremes kept for min
    assertThat(min.keepsTimes()).isFalse();
    assertThat(window(store, "disk").keepsTimes()).isTrue(); // a rate over time needs times
    Series net = store.find("net", "vm", Map.of());
    assertThat(net).isNotNull();
    assertThat(net.window(0)).isNull(); // the latest value needs no window
    assertThat(net.last).isEqualTo(1.0);
  }

  @Test
  void quietAlertsAreNoObjectsUntilTheyBreach() {
    Evaluator ev =
        new Evaluator(
            List.of(
                rule("HighCpu", Condition.metric("cpu").above(80)),
                rule("HighCpuAvg", Condition.metric("cpu").aggregate(avg(3)).above(80)),
                AlertRule.builder("HighCpuFor")
                    .metric("cpu")
                    .above(90)
                    .forDuration(Duration.ofMinutes(5))
                    .build()));
    Instant now = T0;
    for (int poll = 0; poll < 5; poll++, now = now.plus(Duration.ofMinutes(1))) {
      List<Sample> samples = new ArrayList<>();
      for (int i = 0; i < 1000; i++) samples.add(Sample.of("cpu", "vm-" + i, 50, now));
      assertThat(ev.ingest("s", samples, Set.of(), now).notifications()).isEmpty();
    }
    assertThat(ev.alertObjects()).isZero();

    List<Sample> samples = new ArrayList<>();
    for (int i = 0; i < 1000; i++) samples.add(Sample.of("cpu", "vm-" + i, i == 7 ? 85 : 50, now));
    List<AlertNotification> fired = ev.ingest("s", samples, Set.of(), now).notifications();
    assertThat(fired).extracting(AlertNotification::rule).containsExactly("HighCpu");
    assertThat(fired.get(0).resource()).isEqualTo("vm-7");
    assertThat(ev.alertObjects()).isEqualTo(1);
  }

  @Test
  void removedSeriesLeaveTheTableFindableAfterRegrowth() {
    Evaluator ev = new Evaluator(List.of(rule("HighCpu", Condition.metric("cpu").above(80))));
    SeriesStore store = ev.store();
    List<Sample> samples = new ArrayList<>();
    for (int i = 0; i < 5000; i++) samples.add(Sample.of("cpu", "vm-" + i, 1, T0));
    ev.ingest("s", samples, Set.of(), T0);
    for (int i = 0; i < 5000; i += 2) {
      Series s = store.find("cpu", "vm-" + i, Map.of());
      assertThat(s).isNotNull();
      store.remove(s);
    }
    assertThat(store.size()).isEqualTo(2500);
    for (int i = 0; i < 5000; i++) {
      assertThat(store.find("cpu", "vm-" + i, Map.of()) != null)
          .as("vm-" + i)
          .isEqualTo(i % 2 == 1);
    }
    ev.ingest("s", samples, Set.of(), T0.plusSeconds(60)); // re-adds the removed ones
    assertThat(store.size()).isEqualTo(5000);
    for (int i = 0; i < 5000; i++) assertThat(store.find("cpu", "vm-" + i, Map.of())).isNotNull();
  }

  @Test
  void lastSeenKeepsOneReadingPerResourceAndForgetsOldOnes() {
    LastSeen seen = new LastSeen();
    for (int i = 0; i < 1000; i++) seen.put("vm-" + i, i);
    seen.put("vm-5", 5000);
    assertThat(seen.size()).isEqualTo(1000);
    assertThat(seen.get("vm-5")).isEqualTo(5000);
    assertThat(seen.get("vm-999")).isEqualTo(999);
    assertThat(seen.get("nope")).isEqualTo(LastSeen.NONE);
    seen.removeOlderThan(1000, 500); // drops the readings <= 500
    assertThat(seen.size()).isEqualTo(500);
    assertThat(seen.get("vm-500")).isEqualTo(LastSeen.NONE);
    assertThat(seen.get("vm-501")).isEqualTo(501);
    assertThat(seen.get("vm-5")).isEqualTo(5000);
  }

  @Test
  void aSourceThatReordersItsSamplesStillFeedsEachSeriesItsOwnValues() {
    Evaluator ev = new Evaluator(List.of(rule("HighCpu", Condition.metric("cpu").above(80))));
    Instant t1 = T0.plusSeconds(60);
    assertThat(
            ev.ingest(
                    "s",
                    List.of(Sample.of("cpu", "vm-a", 10, T0), Sample.of("cpu", "vm-b", 10, T0)),
                    Set.of(),
                    T0)
                .notifications())
        .isEmpty();
    // the same series in the other order, and one more: positions no longer match
    List<AlertNotification> fired =
        ev.ingest(
                "s",
                List.of(
                    Sample.of("cpu", "vm-c", 10, t1),
                    Sample.of("cpu", "vm-b", 95, t1),
                    Sample.of("cpu", "vm-a", 10, t1)),
                Set.of(),
                t1)
            .notifications();
    assertThat(fired).extracting(AlertNotification::resource).containsExactly("vm-b");
    assertThat(ev.store().find("cpu", "vm-a", Map.of()).last).isEqualTo(10.0);
    assertThat(ev.store().find("cpu", "vm-b", Map.of()).last).isEqualTo(95.0);
    assertThat(ev.store().size()).isEqualTo(3);
  }

  @Test
  void lastSeenSlotsMoveWhenOldResourcesAreRemoved() {
    LastSeen seen = new LastSeen();
    int a = seen.put("vm-a", 1);
    int b = seen.put("vm-b", 100);
    assertThat(seen.putAt(b, "vm-b", 200)).isTrue();
    assertThat(seen.putAt(a, "vm-b", 300)).as("slot of another resource").isFalse();
    seen.removeOlderThan(150, 100); // vm-a (1) goes, vm-b (200) stays
    assertThat(seen.putAt(b, "vm-b", 400)).as("vm-b moved to slot 0").isFalse();
    assertThat(seen.put("vm-b", 400)).isZero();
    assertThat(seen.get("vm-b")).isEqualTo(400);
    assertThat(seen.get("vm-a")).isEqualTo(LastSeen.NONE);
  }

  private static SampleWindow window(SeriesStore store, String metric) {
    Series s = store.find(metric, "vm", Map.of());
    assertThat(s).as(metric).isNotNull();
    SampleWindow w = s.window(0);
    assertThat(w).as(metric).isNotNull();
    return w;
  }

  private static Aggregation avg(int n) {
    return Aggregation.avg(Window.last(n));
  }

  private static AlertRule rule(String name, Condition condition) {
    return AlertRule.builder(name).condition(condition).build();
  }
}
