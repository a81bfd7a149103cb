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
   * CloudWatch's M-of-N table with missing data (3 of 3, X breaching, 0 not, _ missing), each
   * policy by its documented definition: MISSING and IGNORE leave missing datapoints out (the rule
   * looks back to the last three real ones), BREACHING counts them as X, NOT_BREACHING as 0. Row
   * {@code _ _ X _ _} is CloudWatch's "avoiding premature transitions to alarm state": with MISSING
   * the one breaching datapoint, three periods old and followed by missing ones only, fires; IGNORE
   * keeps the state. The last column is whether the alert fires on the last step.
   */
  @ParameterizedTest(name = "{0} with {1}")
  @CsvSource(
      delimiter = '|',
      textBlock =
          """
      0 _ X _ X | MISSING       | false
      0 _ X _ X | IGNORE        | false
      0 _ X _ X | BREACHING     | true
      0 _ X _ X | NOT_BREACHING | false
      0 _ _ _ _ | MISSING       | false
      0 _ _ _ _ | IGNORE        | false
      0 _ _ _ _ | BREACHING     | true
      0 _ _ _ _ | NOT_BREACHING | false
      0 X X _ X | MISSING       | true
      0 X X _ X | IGNORE        | true
      0 X X _ X | BREACHING     | true
      0 X X _ X | NOT_BREACHING | false
      _ _ _ _ 0 | MISSING       | false
      _ _ _ _ 0 | IGNORE        | false
      _ _ _ _ 0 | BREACHING     | false
      _ _ _ _ 0 | NOT_BREACHING | false
      _ _ X _ _ | MISSING       | true
      _ _ X _ _ | IGNORE        | false
      _ _ X _ _ | BREACHING     | true
      _ _ X _ _ | NOT_BREACHING | false
      """)
  void cloudWatchMOfNWithTreatMissingData(String datapoints, MissingData policy, boolean alarm) {
    String values = datapoints.replace("X", "90").replace("0", "50");
    AlertRule rule =
        AlertRule.builder("HighCpu")
            .metric("cpu_usage")
            .above(80)
            .datapoints(3, 3)
            .missingData(policy)
            .staleAfter(Duration.ofHours(1))
            .build();
    // A second resource keeps vm-1's source listing vm-2, so vm-1 is missing data, not gone.
    try (RuleTester tester =
        RuleTester.builder()
            .rule(rule)
            .series("cpu_usage", "vm-1", values)
            .series("memory_usage", "vm-1", "1 1 1 1 1")
            .build()) {
      tester.run();
      boolean firing =
          tester.monitor().activeAlerts().stream()
              .anyMatch(a -> a.resource().equals("vm-1") && a.state() == AlertState.FIRING);
      assertThat(firing).as(datapoints + " " + policy).isEqualTo(alarm);
    }
  }

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

  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = '|',
      textBlock =
          """
      MISSING       | 90 _ _ _ _ _ _ 90 | 0:FIRING 5:NO_DATA 7:FIRING
      IGNORE        | 90 _ _ _ _ _ _ 90 | 0:FIRING
      BREACHING     | 50 _ _ 50         | 1:FIRING 3:RESOLVED
      NOT_BREACHING | 90 _ 90           | 0:FIRING 1:RESOLVED 2:FIRING
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
      assertThat(Timeline.events(tester)).isEqualTo("4:FIRING 5:RESOLVED");
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
      assertThat(Timeline.events(tester)).isEqualTo("3:FIRING");
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
    assertThat(Timeline.run(rule, "1 " + "_ ".repeat(15))).isEqualTo("11:FIRING");
  }
}
