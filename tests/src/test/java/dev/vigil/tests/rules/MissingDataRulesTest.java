package dev.vigil.tests.rules;

import static dev.vigil.tests.rules.Timeline.expected;
import static org.assertj.core.api.Assertions.assertThat;

import dev.vigil.AlertNotification;
import dev.vigil.AlertRule;
import dev.vigil.AlertState;
import dev.vigil.MissingData;
import dev.vigil.SourceException;
import dev.vigil.testing.RuleTester;
import java.io.IOException;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Missing data policies, NO_DATA, resources gone, failing sources, heartbeats. */
class MissingDataRulesTest {

  /**
   * Both tables of CloudWatch's "How alarm state is evaluated when data is missing" (section of
   * "Configuring how CloudWatch alarms treat missing data", Amazon CloudWatch User Guide), every
   * cell: datapoints oldest first, {@code 0} not breaching, {@code X} breaching, {@code -} missing;
   * the evaluation range is the 5 most recent periods. With at least N real datapoints in the range
   * the most recent N decide and the policy is not applied; with fewer, the policy fills the
   * missing ones as few times as possible.
   *
   * <p>Each cell runs twice, after three periods that left the alarm OK ({@code 0 0 0}) and after
   * three that left it in ALARM ({@code X X X}), so that "Retain current state" is tested both
   * ways. Vigil has no INSUFFICIENT_DATA state: where CloudWatch goes there, the alert keeps its
   * state until {@code staleAfter} moves it to NO_DATA (here an hour, never reached).
   */
  @ParameterizedTest(name = "{0} of 3, {1} with {2}: {3}")
  @CsvSource(
      delimiter = '|',
      textBlock =
          """
      3 | 0 - X - X | MISSING       | OK
      3 | 0 - X - X | IGNORE        | OK
      3 | 0 - X - X | BREACHING     | OK
      3 | 0 - X - X | NOT_BREACHING | OK
      3 | 0 - - - - | MISSING       | OK
      3 | 0 - - - - | IGNORE        | OK
      3 | 0 - - - - | BREACHING     | OK
      3 | 0 - - - - | NOT_BREACHING | OK
      3 | - - - - - | MISSING       | INSUFFICIENT_DATA
      3 | - - - - - | IGNORE        | RETAIN
      3 | - - - - - | BREACHING     | ALARM
      3 | - - - - - | NOT_BREACHING | OK
      3 | 0 X X - X | MISSING       | ALARM
      3 | 0 X X - X | IGNORE        | ALARM
      3 | 0 X X - X | BREACHING     | ALARM
      3 | 0 X X - X | NOT_BREACHING | ALARM
      3 | - - - - X | MISSING       | INSUFFICIENT_DATA
      3 | - - - - X | IGNORE        | RETAIN
      3 | - - - - X | BREACHING     | ALARM
      3 | - - - - X | NOT_BREACHING | OK
      3 | X - - - - | MISSING       | ALARM
      3 | X - - - - | IGNORE        | RETAIN
      3 | X - - - - | BREACHING     | ALARM
      3 | X - - - - | NOT_BREACHING | OK
      2 | 0 - X - X | MISSING       | ALARM
      2 | 0 - X - X | IGNORE        | ALARM
      2 | 0 - X - X | BREACHING     | ALARM
      2 | 0 - X - X | NOT_BREACHING | ALARM
      2 | 0 0 X 0 X | MISSING       | ALARM
      2 | 0 0 X 0 X | IGNORE        | ALARM
      2 | 0 0 X 0 X | BREACHING     | ALARM
      2 | 0 0 X 0 X | NOT_BREACHING | ALARM
      2 | 0 - X - - | MISSING       | OK
      2 | 0 - X - - | IGNORE        | OK
      2 | 0 - X - - | BREACHING     | ALARM
      2 | 0 - X - - | NOT_BREACHING | OK
      2 | - - - - 0 | MISSING       | OK
      2 | - - - - 0 | IGNORE        | OK
      2 | - - - - 0 | BREACHING     | ALARM
      2 | - - - - 0 | NOT_BREACHING | OK
      2 | - - - - X | MISSING       | INSUFFICIENT_DATA
      2 | - - - - X | IGNORE        | RETAIN
      2 | - - - - X | BREACHING     | ALARM
      2 | - - - - X | NOT_BREACHING | OK
      """)
  void cloudWatchMissingDataTableCell(int m, String datapoints, MissingData policy, String state) {
    for (boolean alarmBefore : new boolean[] {false, true}) {
      String before = alarmBefore ? "X X X " : "0 0 0 ";
      String values = (before + datapoints).replace("-", "_").replace("X", "90").replace("0", "50");
      AlertRule rule =
          AlertRule.builder("HighCpu")
              .metric("cpu_usage")
              .above(80)
              .datapoints(m, 3)
              .missingData(policy)
              .staleAfter(Duration.ofHours(1))
              .build();
      // A second metric keeps vm-1 listed by its source, so vm-1 is missing data, not gone.
      try (RuleTester tester =
          RuleTester.builder()
              .rule(rule)
              .series("cpu_usage", "vm-1", values)
              .series("memory_usage", "vm-1", "1 ".repeat(8))
              .build()) {
        for (int step = 0; step < 3; step++) tester.step();
        assertThat(firing(tester)).as("after " + before).isEqualTo(alarmBefore);
        tester.run();
        boolean expected =
            switch (state) {
              case "ALARM" -> true;
              case "OK" -> false;
              case "RETAIN", "INSUFFICIENT_DATA" -> alarmBefore;
              default -> throw new IllegalArgumentException(state);
            };
        assertThat(firing(tester))
            .as(m + " of 3, " + before + datapoints + " with " + policy + ": " + state)
            .isEqualTo(expected);
      }
    }
  }

  private static boolean firing(RuleTester tester) {
    return tester.monitor().activeAlerts().stream()
        .anyMatch(a -> a.resource().equals("vm-1") && a.state() == AlertState.FIRING);
  }

  /**
   * CloudWatch "avoiding premature transitions to alarm state" (Amazon CloudWatch User Guide,
   * "Configuring how CloudWatch alarms treat missing data"): with {@code missing}, an alarm whose
   * only datapoints in the evaluation range breach goes to ALARM once the oldest of them is at
   * least M periods old, fewer than M datapoints though there are.
   */
  @Test
  void prematureAlarmFiresOnceTheBreachIsMPeriodsOldWithOnlyMissingDataSince() {
    AlertRule rule =
        AlertRule.builder("HighCpu")
            .metric("cpu_usage")
            .above(80)
            .datapoints(3, 3)
            .staleAfter(Duration.ofHours(1))
            .build();
    // Not at 2 (one datapoint of three), but at 4: the breach is then three periods old.
    assertThat(Timeline.run(rule, "_ _ 90 _ _")).isEqualTo("4:FIRING");
    // A real datapoint before it in the evaluation range means there is data: no premature alarm.
    assertThat(Timeline.run(rule, "_ 50 90 _ _")).isEmpty();
  }

  /**
   * The policies with the default 1 of 1: a missing datapoint is filled by the policy only once the
   * evaluation range (3 periods for N = 1) holds no real datapoint, as in CloudWatch's "How alarm
   * state is evaluated when data is missing"; until then the last real datapoint decides.
   */
  @ParameterizedTest(name = "{0}: {1}")
  @CsvSource(
      delimiter = '|',
      textBlock =
          """
      MISSING       | 90 _ _ _ _ _ _ 90 | 0:FIRING 5:NO_DATA 7:FIRING
      IGNORE        | 90 _ _ _ _ _ _ 90 | 0:FIRING
      BREACHING     | 50 _ _ 50         | -
      BREACHING     | 50 _ _ _ 50       | 3:FIRING 4:RESOLVED
      NOT_BREACHING | 90 _ 90           | 0:FIRING
      NOT_BREACHING | 90 _ _ _ 90       | 0:FIRING 3:RESOLVED 4:FIRING
      KEEP_LAST     | 90 _ _ 50         | 0:FIRING 3:RESOLVED
      """)
  void missingDataPolicies(MissingData policy, String values, String events) {
    AlertRule rule =
        AlertRule.builder("HighCpu")
            .metric("cpu_usage")
            .above(80)
            .missingData(policy)
            .staleAfter(Duration.ofMinutes(5))
            .build();
    try (RuleTester tester =
        RuleTester.builder()
            .rule(rule)
            .series("cpu_usage", "vm-1", values)
            .series("memory_usage", "vm-1", "1 ".repeat(values.split(" ").length))
            .build()) {
      tester.run();
      assertThat(Timeline.events(tester)).as(policy.name()).isEqualTo(expected(events));
    }
  }

  @Test
  void resourceThatDisappearsResolvesAsGoneAfterStaleness() {
    AlertRule rule =
        AlertRule.builder("HighCpu")
            .metric("cpu_usage")
            .above(80)
            .staleAfter(Duration.ofMinutes(3))
            .build();
    try (RuleTester tester =
        RuleTester.builder()
            .rule(rule)
            .series("cpu_usage", "vm-1", "90 90 _ _ _ _")
            .series("cpu_usage", "vm-2", "10 10 10 10 10 10")
            .build()) {
      tester.run();
      assertThat(Timeline.events(tester)).isEqualTo("0:FIRING 4:RESOLVED");
      assertThat(tester.notifications().get(1).summary()).endsWith("(resource gone)");
      String fp = tester.notifications().get(0).fingerprint();
      assertThat(tester.monitor().alertHistory(fp)).isEmpty(); // forgotten with the resource
      assertThat(tester.monitor().activeAlerts()).isEmpty();
    }
  }

  @Test
  void sourceOutageOfAnHourNeitherResolvesNorRefiresAFiringAlert() {
    StringBuilder values = new StringBuilder("90 ");
    RuleTester.Builder b =
        RuleTester.builder()
            .rule(AlertRule.builder("HighCpu").metric("cpu_usage").above(80).build());
    for (int step = 1; step <= 60; step++) {
      values.append("_ ");
      b.failAt(
          step,
          new SourceException(
              SourceException.Kind.TIMEOUT, "GET /v1/resources: timeout", null, -1, null, null));
    }
    values.append("90 90");
    try (RuleTester tester = b.series("cpu_usage", "vm-1", values.toString()).build()) {
      tester.run();
      assertThat(Timeline.events(tester)).isEqualTo("0:FIRING");
      assertThat(tester.notifications())
          .filteredOn(n -> n.rule().equals("SourceHealth"))
          .extracting(n -> n.type() + " " + n.labels().get("cause"))
          .containsExactly("FIRING timeout", "RESOLVED timeout");
      assertThat(tester.monitor().activeAlerts())
          .extracting(a -> a.rule() + " " + a.state())
          .containsExactly("HighCpu FIRING");
    }
  }

  @Test
  void sourceHealthAlertNamesTheCause() {
    try (RuleTester tester =
        RuleTester.builder()
            .rule(AlertRule.builder("HighCpu").metric("cpu_usage").above(80).build())
            .series("cpu_usage", "vm-1", "_ 50")
            .failAt(
                0,
                new SourceException(
                    SourceException.Kind.AUTH,
                    "GET http://127.0.0.1/v1/resources/page-1.json: HTTP 401, credentials refused",
                    null,
                    401,
                    null,
                    null))
            .build()) {
      tester.run();
      AlertNotification firing = tester.notifications().get(0);
      assertThat(firing.rule()).isEqualTo("SourceHealth");
      assertThat(firing.resource()).isEqualTo("script");
      assertThat(firing.labels()).containsEntry("cause", "auth");
      assertThat(firing.summary()).contains("credentials refused").contains("(auth)");
      assertThat(tester.notifications().get(1).summary()).isEqualTo("Source script recovered");
    }
  }

  @Test
  void sourceHealthAlertWaitsForTheConfiguredFailuresInARow() {
    SourceException timeout =
        new SourceException(
            SourceException.Kind.TIMEOUT, "GET /v1/resources: timeout", null, -1, null, null);
    try (RuleTester tester =
        RuleTester.builder()
            .rule(AlertRule.builder("HighCpu").metric("cpu_usage").above(80).build())
            .series("cpu_usage", "vm-1", "_ 50 _ _ 50")
            .failAt(0, timeout)
            .failAt(2, timeout)
            .failAt(3, timeout)
            .monitor(m -> m.sourceFailuresToAlert(2))
            .build()) {
      tester.run();
      // One failure (step 0) is ridden out; two in a row (steps 2 and 3) fire; a success resolves.
      assertThat(tester.recorded())
          .extracting(r -> r.step() + ":" + r.notification().rule() + " " + r.notification().type())
          .containsExactly("3:SourceHealth FIRING", "4:SourceHealth RESOLVED");
      assertThat(tester.notifications().get(0).summary()).endsWith("(2 polls in a row)");
    }
  }

  @Test
  void plainExceptionFromSourceIsCauseError() {
    try (RuleTester tester =
        RuleTester.builder()
            .rule(AlertRule.builder("HighCpu").metric("cpu_usage").above(80).build())
            .series("cpu_usage", "vm-1", "_ 50")
            .failAt(0, new IllegalStateException("bug in the source"))
            .build()) {
      tester.run();
      assertThat(tester.notifications().get(0).labels()).containsEntry("cause", "error");
    }
  }

  /**
   * Prometheus 3 range selectors are left-open, {@code (t - 2m, t]} (Prometheus 3.0 migration
   * guide, PromQL: range selectors and the lookback delta are left-open): at 3m the sample of 1m is
   * outside {@code [2m]}, so {@code absent_over_time(cpu_usage[2m])} holds from 3m, as {@code
   * Window.of(2m)} would be empty there.
   */
  @Test
  void heartbeatFiresWhenAMetricStopsArrivingAndResolvesWhenItIsBack() {
    AlertRule rule =
        AlertRule.builder("JobsStopped")
            .metric("cpu_usage")
            .heartbeat(Duration.ofMinutes(2))
            .build();
    try (RuleTester tester =
        RuleTester.builder().rule(rule).series("cpu_usage", "vm-1", "1 1 _ _ _ 1").build()) {
      tester.run();
      assertThat(Timeline.events(tester)).isEqualTo("3:FIRING 5:RESOLVED");
    }
  }

  @Test
  void heartbeatFiresAlsoWhenTheSourceFails() {
    AlertRule rule =
        AlertRule.builder("JobsStopped")
            .metric("cpu_usage")
            .heartbeat(Duration.ofMinutes(2))
            .build();
    try (RuleTester tester =
        RuleTester.builder()
            .rule(rule)
            .series("cpu_usage", "vm-1", "1 _ _ _")
            .failAt(1, new IOException("down"))
            .failAt(2, new IOException("down"))
            .failAt(3, new IOException("down"))
            .build()) {
      tester.run();
      assertThat(Timeline.events(tester)).isEqualTo("2:FIRING");
    }
  }

  @Test
  void heartbeatLongerThanStaleAfterStillFiresWhenTheResourceGoesSilent() {
    // docs/rules.md: heartbeat(10m) "fires ... whether its source returns nothing or fails".
    AlertRule rule =
        AlertRule.builder("JobsStopped")
            .metric("cpu_usage")
            .heartbeat(Duration.ofMinutes(10))
            .build();
    assertThat(Timeline.run(rule, "1 " + "_ ".repeat(15))).isEqualTo("10:FIRING");
  }
}
