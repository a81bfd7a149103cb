package dev.vigil;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/** The bounds of the check that the black-box tests (SilentMistakesTest) cannot reach cheaply. */
class UnreportedMetricCheckTest {
  private static final Instant T0 = Instant.parse("2026-11-24T10:00:00Z");

  private final List<Set<String>> seen = new ArrayList<>();
  private final MonitorListener listener =
      new MonitorListener() {
        @Override
        public void onUnreportedMetric(String rule, String metric, Set<String> names) {
          seen.add(names);
        }
      };

  private static List<Sample> samples(int distinctMetrics) {
    List<Sample> out = new ArrayList<>();
    for (int i = 0; i < distinctMetrics; i++) out.add(Sample.of("m" + i, "vm-1", 1, T0));
    return out;
  }

  @Test
  void namesSeenAreCollectedUpToTheCapAndTheRestCountedAsMore() {
    UnreportedMetricCheck check =
        new UnreportedMetricCheck(
            List.of(AlertRule.builder("Typo").metric("cpu").above(1).build()),
            Set.of("a"),
            listener);

    check.polled("a", samples(UnreportedMetricCheck.MAX_SEEN + 5), true);

    assertThat(seen).singleElement().satisfies(s -> assertThat(s).hasSize(10_000));
    assertThat(check.rulesWithoutData()).isEqualTo(1);
    TreeSet<String> names = new TreeSet<>(seen.get(0));
    assertThat(UnreportedMetricCheck.describe(names, true))
        .endsWith(" and at least 9980 more")
        .startsWith(names.first() + ", ");
    assertThat(UnreportedMetricCheck.describe(new TreeSet<>(), false))
        .isEqualTo("no metric at all");
    assertThat(UnreportedMetricCheck.describe(new TreeSet<>(Set.of("b", "a")), false))
        .isEqualTo("a, b");
  }

  /** Once every rule's metric was seen, nothing is collected or checked any more. */
  @Test
  void everyMetricSeenBeforeTheCheckEndsIt() {
    UnreportedMetricCheck check =
        new UnreportedMetricCheck(
            List.of(AlertRule.builder("Ok").metric("m1").above(1).build()),
            Set.of("a", "b"),
            listener);

    check.polled("a", samples(2), true); // b has not been polled yet, but m1 was seen
    check.polled("b", List.of(), true);

    assertThat(seen).isEmpty();
    assertThat(check.rulesWithoutData()).isZero();
  }

  /** A rule set without a checked rule (only absent rules) never collects a name. */
  @Test
  void absentRulesAreNotChecked() {
    UnreportedMetricCheck check =
        new UnreportedMetricCheck(
            List.of(
                AlertRule.builder("NoGpu").metric("gpu").absent(java.time.Duration.ZERO).build()),
            Set.of("a"),
            listener);

    check.polled("a", samples(3), true);

    assertThat(seen).isEmpty();
    assertThat(check.rulesWithoutData()).isZero();
  }
}
