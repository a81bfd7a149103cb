package dev.vigil.tests.rules;

import static dev.vigil.tests.rules.Timeline.expected;
import static org.assertj.core.api.Assertions.assertThat;

import dev.vigil.Aggregation;
import dev.vigil.AlertNotification;
import dev.vigil.AlertRule;
import dev.vigil.Condition;
import dev.vigil.NotificationType;
import dev.vigil.Severity;
import dev.vigil.Window;
import dev.vigil.testing.RuleTester;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Conditions: thresholds, levels, window aggregates, rates, predictions, composites. */
class ConditionRulesTest {

  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = '|',
      textBlock =
          """
      aboveFiresOnFirstBreachAndResolvesWhenBack | above   | 70 85 90 60   | 1:FIRING 3:RESOLVED
      aboveIsStrict                              | above   | 80 80 80      | -
      belowFiresUnderTheThreshold                | below   | 30 15 25      | 1:FIRING 2:RESOLVED
      outsideFiresOnEitherSide                   | outside | 50 90 50 5 50 | 1:FIRING 2:RESOLVED 3:FIRING 4:RESOLVED
      """)
  void thresholds(String scenario, String kind, String values, String events) {
    AlertRule.Builder b = AlertRule.builder("R").metric("cpu_usage");
    switch (kind) {
      case "above" -> b.above(80);
      case "below" -> b.below(20);
      default -> b.outside(10, 80);
    }
    assertThat(Timeline.run(b.build(), values)).as(scenario).isEqualTo(expected(events));
  }

  @Test
  void warningEscalatesToCriticalAndDeescalatesAsOneAlert() {
    AlertRule rule =
        AlertRule.builder("HighCpu").metric("cpu_usage").above(80).criticalAbove(95).build();
    try (RuleTester tester =
        RuleTester.builder().rule(rule).series("cpu_usage", "vm-1", "85 97 99 85 50").build()) {
      tester.run();
      assertThat(Timeline.events(tester))
          .isEqualTo("0:FIRING 1:SEVERITY_CHANGED/CRITICAL 3:SEVERITY_CHANGED/WARNING 4:RESOLVED");
      List<AlertNotification> all = tester.notifications();
      assertThat(all)
          .extracting(AlertNotification::fingerprint)
          .containsOnly(all.get(0).fingerprint());
      assertThat(all.get(1).threshold()).isEqualTo(95);
      assertThat(all.get(1).labels()).containsEntry("severity", "critical");
    }
  }

  @Test
  void firstBreachStraightIntoCriticalFiresAsCritical() {
    AlertRule rule =
        AlertRule.builder("HighCpu").metric("cpu_usage").above(80).criticalAbove(95).build();
    try (RuleTester tester =
        RuleTester.builder().rule(rule).series("cpu_usage", "vm-1", "99").build()) {
      tester.run();
      assertThat(tester.notifications())
          .singleElement()
          .satisfies(
              n -> {
                assertThat(n.type()).isEqualTo(NotificationType.FIRING);
                assertThat(n.severity()).isEqualTo(Severity.CRITICAL);
              });
    }
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = '|',
      textBlock =
          """
      avgOverLastThreeIgnoresASingleSpike   | avg  | 50 100 50 50    | -
      avgOverLastThreeFiresOnASustainedRise | avg  | 50 90 90 90 50 50 | 3:FIRING 4:RESOLVED
      maxOverLastThreeHoldsForThreeSamples  | max  | 50 90 50 50 50  | 2:FIRING 4:RESOLVED
      countWindowHasNoValueUntilFull        | max  | 99 99           | -
      minOverLastThreeNeedsThreeBreaches    | min  | 90 90 50 90 90 90 | 5:FIRING
      p50OverLastThreeIsTheMedian           | p50  | 50 90 90 50 50  | 2:FIRING 4:RESOLVED
      """)
  void aggregatesOverTheLastThreeSamples(
      String scenario, String aggregate, String values, String events) {
    Window w = Window.last(3);
    Aggregation a =
        switch (aggregate) {
          case "avg" -> Aggregation.avg(w);
          case "max" -> Aggregation.max(w);
          case "min" -> Aggregation.min(w);
          default -> Aggregation.percentile(50, w);
        };
    AlertRule rule = AlertRule.builder("R").metric("cpu_usage").aggregate(a).above(80).build();
    assertThat(Timeline.run(rule, values)).as(scenario).isEqualTo(expected(events));
  }

  @Test
  void durationWindowForgetsSamplesOlderThanItsDuration() {
    AlertRule rule =
        AlertRule.builder("R")
            .metric("cpu_usage")
            .aggregate(Aggregation.max(Window.of(Duration.ofMinutes(2))))
            .above(80)
            .build();
    // One breach at minute 1 keeps max(2m) above 80 at minutes 1 and 2, not at minute 3.
    assertThat(Timeline.run(rule, "50 90 50 50 50")).isEqualTo("1:FIRING 3:RESOLVED");
  }

  @Test
  void rateOfChangePerSecondFiresOnAFastClimb() {
    AlertRule rule =
        AlertRule.builder("FastGrowth")
            .metric("cpu_usage")
            .aggregate(Aggregation.ratePerSecond(Window.last(2)))
            .above(0.5)
            .build();
    // +60 in a minute is 1/s; +6 is 0.1/s.
    assertThat(Timeline.run(rule, "10 16 76 82 82")).isEqualTo("2:FIRING 3:RESOLVED");
  }

  @Test
  void predictLinearFiresWhenTheDiskWillBeFullWithinFourHours() {
    AlertRule rule =
        AlertRule.builder("DiskFullSoon")
            .metric("cpu_usage")
            .aggregate(
                Aggregation.predictLinear(Window.of(Duration.ofHours(1)), Duration.ofHours(4)))
            .above(100)
            .summary("{resource} predicted at {value}% in 4h")
            .build();
    // 10 minutes per step. Growing 1% per 10 minutes from 50: +24% in 4h, too slow (prediction
    // 74-79).
    // Then 5% per 10 minutes: +120% in 4h, so the disk is full within 4h.
    String events = Timeline.run(rule, Duration.ofMinutes(10), "50 51 52 53 54 55 60 65 70");
    assertThat(events).startsWith("7:FIRING"); // two fast steps are needed before the fit turns
  }

  @Test
  void allOfNeedsEveryMetricOfTheResource() {
    AlertRule rule =
        AlertRule.builder("Overloaded")
            .condition(
                Condition.allOf(
                    Condition.metric("cpu_usage").above(80),
                    Condition.metric("memory_usage").above(90)))
            .build();
    try (RuleTester tester =
        RuleTester.builder()
            .rule(rule)
            .series("cpu_usage", "vm-1", "85 85 85 50")
            .series("memory_usage", "vm-1", "50 95 95 95")
            .build()) {
      tester.run();
      assertThat(Timeline.events(tester)).isEqualTo("1:FIRING 3:RESOLVED");
      assertThat(tester.notifications().get(0).value()).isEqualTo(85); // the first part's value
    }
  }

  @Test
  void anyOfFiresOnEitherMetric() {
    AlertRule rule =
        AlertRule.builder("Hot")
            .condition(
                Condition.anyOf(
                    Condition.metric("cpu_usage").above(80),
                    Condition.metric("memory_usage").above(90)))
            .build();
    try (RuleTester tester =
        RuleTester.builder()
            .rule(rule)
            .series("cpu_usage", "vm-1", "50 50 85 50")
            .series("memory_usage", "vm-1", "50 95 50 50")
            .build()) {
      tester.run();
      assertThat(Timeline.events(tester)).isEqualTo("1:FIRING 3:RESOLVED");
    }
  }

  @Test
  void eachResourceIsEvaluatedOnItsOwn() {
    AlertRule rule = AlertRule.builder("HighCpu").metric("cpu_usage").above(80).build();
    try (RuleTester tester =
        RuleTester.builder()
            .rule(rule)
            .series("cpu_usage", "vm-1", "90 90 50")
            .series("cpu_usage", "vm-2", "50 90 90")
            .build()) {
      tester.run();
      assertThat(tester.notifications())
          .extracting(n -> n.resource() + ":" + n.type())
          .containsExactly("vm-1:FIRING", "vm-2:FIRING", "vm-1:RESOLVED");
    }
  }

  @Test
  void summaryAndDescriptionAreRenderedForPeople() {
    AlertRule rule =
        AlertRule.builder("HighCpu")
            .metric("cpu_usage")
            .above(80)
            .summary("CPU usage on {resource} is {value}%")
            .description("{rule}: {metric} {value} > {threshold} ({severity})")
            .build();
    try (RuleTester tester =
        RuleTester.builder().rule(rule).series("cpu_usage", "vm-1", "92.39999999").build()) {
      tester.run();
      AlertNotification n = tester.notifications().get(0);
      assertThat(n.summary()).isEqualTo("CPU usage on vm-1 is 92.4%");
      assertThat(n.description()).isEqualTo("HighCpu: cpu_usage 92.4 > 80 (WARNING)");
    }
  }

  @Test
  void anyOfFiresWhenOnlyTheSecondMetricHasData() {
    AlertRule rule =
        AlertRule.builder("Hot")
            .condition(
                Condition.anyOf(
                    Condition.metric("cpu_usage").above(80),
                    Condition.metric("memory_usage").above(90)))
            .build();
    try (RuleTester tester =
        RuleTester.builder()
            .rule(rule)
            .series("cpu_usage", "vm-1", "_ _ _")
            .series("memory_usage", "vm-1", "95 95 95")
            .build()) {
      tester.run();
      // docs: anyOf holds when "a part with data holds"
      assertThat(Timeline.events(tester)).isEqualTo("0:FIRING");
    }
  }
}
