package dev.vigil.tests.rules;

import static dev.vigil.tests.rules.Timeline.expected;
import static org.assertj.core.api.Assertions.assertThat;

import dev.vigil.AlertNotification;
import dev.vigil.AlertRule;
import dev.vigil.AlertState;
import dev.vigil.AlertTransition;
import dev.vigil.MissingData;
import dev.vigil.NotificationType;
import dev.vigil.testing.RuleTester;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Timing and noise control: for, M-of-N, hysteresis, keepFiringFor, flapping. */
class TimingRulesTest {

  private static AlertRule.Builder cpuAbove80() {
    return AlertRule.builder("HighCpu").metric("cpu_usage").above(80);
  }

  @Test
  void forFiveMinutesTrueForFourMinutesFiftyNineSecondsNeverFires() {
    AlertRule rule = cpuAbove80().forDuration(Duration.ofMinutes(5)).build();
    // Samples 4m59s apart: breaching at 0 and at 4m59s, then back.
    assertThat(Timeline.run(rule, Duration.ofSeconds(299), "90 90 50")).isEmpty();
  }

  @Test
  void forFiveMinutesTrueForFiveMinutesFires() {
    AlertRule rule = cpuAbove80().forDuration(Duration.ofMinutes(5)).build();
    assertThat(Timeline.run(rule, Duration.ofSeconds(300), "90 90 50"))
        .isEqualTo("1:FIRING 2:RESOLVED");
  }

  @Test
  void forDurationPendsAndABreakRestartsTheClock() {
    AlertRule rule = cpuAbove80().forDuration(Duration.ofMinutes(2)).build();
    try (RuleTester tester =
        RuleTester.builder().rule(rule).series("cpu_usage", "vm-1", "90 90 50 90 90 90").build()) {
      tester.step();
      assertThat(tester.monitor().activeAlerts())
          .singleElement()
          .extracting(a -> a.state())
          .isEqualTo(AlertState.PENDING);
      tester.run();
      assertThat(Timeline.events(tester)).isEqualTo("5:FIRING");
    }
  }

  /**
   * Prometheus {@code rules/alerting.go} ({@code AlertingRule.Eval}, "Check if any pending alerts
   * should be removed or fire now"): a pending alert whose series is absent from the result is
   * deleted, so under the default {@code MISSING} a missing datapoint during {@code for} resets the
   * pending alert, and {@code for} starts again when the series is back: fires at 6, not 3.
   */
  @Test
  void missingDatapointDuringForResetsPendingAsInPrometheus() {
    AlertRule rule = cpuAbove80().forDuration(Duration.ofMinutes(3)).build();
    try (RuleTester tester =
        RuleTester.builder()
            .rule(rule)
            .series("cpu_usage", "vm-1", "90 90 _ 90 90 90 90")
            .series("memory_usage", "vm-1", "1 1 1 1 1 1 1") // keeps vm-1 listed
            .build()) {
      tester.run();
      assertThat(Timeline.events(tester)).isEqualTo("6:FIRING");
      String fingerprint = tester.notifications().get(0).fingerprint();
      assertThat(tester.monitor().alertHistory(fingerprint))
          .extracting(AlertTransition::to)
          .containsExactly(
              AlertState.PENDING, AlertState.INACTIVE, AlertState.PENDING, AlertState.FIRING);
    }
  }

  /**
   * With {@code BREACHING} the missing datapoint is no gap in the condition: within the evaluation
   * range the last real datapoint still breaches (CloudWatch, "How alarm state is evaluated when
   * data is missing"), so {@code for} keeps counting and fires at 3.
   */
  @Test
  void missingDatapointDuringForKeepsPendingWhenMissingCountsAsBreaching() {
    AlertRule rule =
        cpuAbove80().forDuration(Duration.ofMinutes(3)).missingData(MissingData.BREACHING).build();
    try (RuleTester tester =
        RuleTester.builder()
            .rule(rule)
            .series("cpu_usage", "vm-1", "90 90 _ 90 90")
            .series("memory_usage", "vm-1", "1 1 1 1 1")
            .build()) {
      tester.run();
      assertThat(Timeline.events(tester)).isEqualTo("3:FIRING");
    }
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = '|',
      textBlock =
          """
      mOfNFiresOnThirdBreachOfFive            | 90 50 90 50 90 50 50 50 | 4:FIRING 5:RESOLVED
      mOfNIgnoresTwoBreachesInFive            | 90 50 90 50 50 50 90    | -
      mOfNResolvesWhenFewerThanMOfNBreach     | 90 90 90 50 50 50       | 2:FIRING 5:RESOLVED
      """)
  void threeOfFive(String scenario, String values, String events) {
    AlertRule rule = cpuAbove80().datapoints(3, 5).build();
    assertThat(Timeline.run(rule, values)).as(scenario).isEqualTo(expected(events));
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = '|',
      textBlock =
          """
      hysteresisFiresAbove90AndClearsOnlyBelow80   | 95 85 82 85 79 85 | 0:FIRING 4:RESOLVED
      withoutHysteresisTheSameSeriesFlips          | 95 85 82 85 79 85 | 0:FIRING 1:RESOLVED
      """)
  void hysteresis(String scenario, String values, String events) {
    AlertRule.Builder b = AlertRule.builder("HighCpu").metric("cpu_usage").above(90);
    if (scenario.startsWith("hysteresis")) b.clearBelow(80);
    assertThat(Timeline.run(b.build(), values)).as(scenario).isEqualTo(expected(events));
  }

  @Test
  void keepFiringForBridgesShortDips() {
    AlertRule rule = cpuAbove80().keepFiringFor(Duration.ofMinutes(2)).build();
    // Counted from the first evaluation below: dips of one and two minutes keep it firing,
    // the third minute below resolves it.
    assertThat(Timeline.run(rule, "90 50 90 50 50 90 50 50 50 50"))
        .isEqualTo("0:FIRING 8:RESOLVED");
  }

  @Test
  void flappingHoldsNotificationsAndSendsOneStartAndOneStop() {
    AlertRule rule = cpuAbove80().flapDetection(20, 30).build();
    String flapping = "90 50 ".repeat(10);
    String steady = "50 ".repeat(25);
    try (RuleTester tester =
        RuleTester.builder().rule(rule).series("cpu_usage", "vm-1", flapping + steady).build()) {
      tester.run();
      String events = Timeline.events(tester);
      assertThat(events).containsOnlyOnce("FLAPPING_STARTED").containsOnlyOnce("FLAPPING_STOPPED");
      // Before flapping was detected a few firings and resolutions went out; after it, none.
      String between =
          events.substring(events.indexOf("FLAPPING_STARTED"), events.indexOf("FLAPPING_STOPPED"));
      assertThat(between).doesNotContain("FIRING ").doesNotContain("RESOLVED");
      assertThat(tester.notifications())
          .filteredOn(n -> n.type().name().startsWith("FIRING"))
          .hasSizeLessThan(5);
      assertThat(tester.notifications().get(tester.notifications().size() - 1).status())
          .isEqualTo(dev.vigil.AlertStatus.RESOLVED); // stopped while resolved
    }
  }

  @Test
  void steadySeriesNeverFlaps() {
    AlertRule rule = cpuAbove80().flapDetection(20, 30).build();
    assertThat(Timeline.run(rule, "50 ".repeat(10) + "90 ".repeat(20) + "50 ".repeat(10)))
        .isEqualTo("10:FIRING 30:RESOLVED");
  }

  @Test
  void historyRecordsEachTransitionWithItsReason() {
    AlertRule rule = cpuAbove80().forDuration(Duration.ofMinutes(1)).build();
    try (RuleTester tester =
        RuleTester.builder().rule(rule).series("cpu_usage", "vm-1", "90 90 50").build()) {
      tester.run();
      String fingerprint = tester.notifications().get(0).fingerprint();
      assertThat(tester.monitor().alertHistory(fingerprint))
          .extracting(AlertTransition::from, AlertTransition::to)
          .containsExactly(
              org.assertj.core.groups.Tuple.tuple(AlertState.INACTIVE, AlertState.PENDING),
              org.assertj.core.groups.Tuple.tuple(AlertState.PENDING, AlertState.FIRING),
              org.assertj.core.groups.Tuple.tuple(AlertState.FIRING, AlertState.RESOLVED));
      assertThat(tester.monitor().alertHistory(fingerprint).get(1).reason())
          .isEqualTo("condition held for PT1M");
    }
  }

  @Test
  void forDurationIsNotBypassedWhenDataComesBackAfterNoData() {
    AlertRule rule =
        AlertRule.builder("HighCpu")
            .metric("cpu_usage")
            .above(80)
            .forDuration(Duration.ofMinutes(10))
            .missingData(MissingData.MISSING)
            .staleAfter(Duration.ofMinutes(5))
            .build();
    try (RuleTester tester =
        RuleTester.builder()
            .rule(rule)
            .series("cpu_usage", "vm-1", "50 _ _ _ _ _ 90 50")
            .series("memory_usage", "vm-1", "1 1 1 1 1 1 1 1") // keeps vm-1 listed
            .build()) {
      tester.run();
      // One breaching sample after a gap must not skip "for 10m".
      assertThat(tester.notifications())
          .extracting(AlertNotification::type)
          .doesNotContain(NotificationType.FIRING);
    }
  }
}
