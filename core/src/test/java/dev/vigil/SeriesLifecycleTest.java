package dev.vigil;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vigil.state.FileStateStore;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What becomes of alerts when their series change hands, change labels or arrive out of order:
 * every alert open on a series that ends is resolved, and what is kept about ended series stays
 * bounded.
 */
class SeriesLifecycleTest {
  private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");

  @TempDir Path dir;

  /**
   * A label change replaces a series (Prometheus: the old series goes stale, its alerts resolve);
   * the alerts of every rule on the old series resolve, not only the first rule's.
   */
  @Test
  void aLabelChangeResolvesTheAlertsOfEveryRuleOnTheOldSeries() {
    Evaluator ev =
        new Evaluator(
            List.of(
                AlertRule.builder("High").metric("cpu").above(90).build(),
                AlertRule.builder("Warm").metric("cpu").above(50).build()));
    Instant now = T0;
    ev.ingest("A", List.of(new Sample("cpu", "vm1", Map.of("v", "1"), 99, now)), Set.of(), now);
    assertThat(ev.activeAlerts()).extracting(Alert::rule).containsExactlyInAnyOrder("High", "Warm");
    for (int i = 0; i < 60; i++) {
      now = now.plusSeconds(30);
      ev.ingest("A", List.of(new Sample("cpu", "vm1", Map.of("v", "2"), 1, now)), Set.of(), now);
    }
    assertThat(ev.activeAlerts()).as("after 30 minutes under the new label").isEmpty();
  }

  /** An alert on a series another source started is swept with that series, and resolves. */
  @Test
  void anAlertOnASeriesAnotherSourceStartedResolvesWhenItsResourceIsGone() {
    Evaluator ev =
        new Evaluator(List.of(AlertRule.builder("High").metric("cpu").above(90).build()));
    Instant now = T0;
    ev.ingest("A", List.of(Sample.of("cpu", "vm1", 1, now)), Set.of(), now);
    now = now.plusSeconds(10);
    ev.ingest("B", List.of(Sample.of("cpu", "vm1", 99, now)), Set.of(), now);
    assertThat(ev.activeAlerts()).hasSize(1);
    for (int i = 0; i < 120; i++) {
      now = now.plusSeconds(30);
      ev.ingest("A", List.of(Sample.of("cpu", "vm2", 1, now)), Set.of(), now);
      ev.ingest("B", List.of(Sample.of("cpu", "vm2", 1, now)), Set.of(), now);
    }
    assertThat(ev.activeAlerts()).as("vm1 listed by neither source for an hour").isEmpty();
  }

  /** A label whose value changes every poll (a pod name) does not grow the interned label sets. */
  @Test
  void aLabelThatChangesEveryPollKeepsTheInternedLabelSetsBounded() {
    Evaluator ev =
        new Evaluator(List.of(AlertRule.builder("High").metric("cpu").above(90).build()));
    Instant now = T0;
    for (int i = 0; i < 5_000; i++) {
      now = now.plusSeconds(60);
      ev.ingest(
          "A", List.of(new Sample("cpu", "vm1", Map.of("pod", "p" + i), 1, now)), Set.of(), now);
    }
    assertThat(ev.store().internedLabelSets())
        .as("live series: %s", ev.store().size())
        .isLessThanOrEqualTo(2 * ev.store().size() + 1_024);
  }

  /**
   * Poll threads hand their evaluations off in any order: an older evaluation's record of an alert
   * never overwrites a newer one, so a restart does not bring back a state already left.
   */
  @Test
  void anOlderEvaluationsRecordDoesNotOverwriteANewerOne() throws Exception {
    try (FileStateStore store = FileStateStore.open(dir)) {
      AlertStates states = new AlertStates(store, "default", new StateErrors());
      states.write(6, List.of(new AlertStates.Saved("fp", null))); // resolved: removed
      states.write(5, List.of(new AlertStates.Saved("fp", "a1\tfiring"))); // late, older
      assertThat(states.load()).doesNotContainKey("fp");
      states.write(7, List.of(new AlertStates.Saved("fp", "a1\tpending")));
      assertThat(states.load()).containsEntry("fp", "a1\tpending");
    }
  }
}
