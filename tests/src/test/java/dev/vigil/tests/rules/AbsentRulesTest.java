package dev.vigil.tests.rules;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vigil.AlertNotification;
import dev.vigil.AlertRule;
import dev.vigil.Matcher;
import dev.vigil.testing.RuleTester;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Absent rules, like Prometheus' {@code absent()} (Prometheus documentation, "Query functions",
 * {@code absent()}: "returns a 1-element vector with the value 1 if the vector passed to it has no
 * elements", its labels taken from the selector's equality matchers): they cover series that were
 * never reported, which a heartbeat cannot, after a start-up grace counted from the first poll.
 */
class AbsentRulesTest {

  private static final Map<String, String> EU = Map.of("region", "eu-west-1");
  private static final Map<String, String> US = Map.of("region", "us-east-1");

  /**
   * A metric no source ever reports fires once the grace of 2 minutes after the first poll is over.
   */
  @Test
  void metricNeverReportedFiresAfterTheGrace() {
    AlertRule rule =
        AlertRule.builder("NoCpu").metric("cpu_usage").absent(Duration.ofMinutes(2)).build();
    try (RuleTester tester =
        RuleTester.builder().rule(rule).series("cpu_utilization", "vm-1", "1 1 1 1").build()) {
      tester.run();
      assertThat(Timeline.events(tester)).isEqualTo("2:FIRING");
      AlertNotification firing = tester.notifications().get(0);
      assertThat(firing.resource()).isEqualTo("cpu_usage");
      assertThat(firing.summary()).isNotBlank();
    }
  }

  /**
   * Matchers choose the series: a us-east-1 series does not satisfy {@code region="eu-west-1"}; the
   * alert carries the equality matcher's label, and the first eu-west-1 series resolves it.
   */
  @Test
  void seriesMatchingTheMatchersResolvesItAndOthersDoNot() {
    AlertRule rule =
        AlertRule.builder("NoCpuFromEu")
            .metric("cpu_usage")
            .absent(Duration.ofMinutes(1), Matcher.equal("region", "eu-west-1"))
            .build();
    try (RuleTester tester =
        RuleTester.builder()
            .rule(rule)
            .series("cpu_usage", "vm-1", US, "50 50 50 50 50")
            .series("cpu_usage", "vm-2", EU, "_ _ _ 50 50")
            .build()) {
      tester.run();
      assertThat(Timeline.events(tester)).isEqualTo("1:FIRING 3:RESOLVED");
      assertThat(tester.notifications().get(0).labels()).containsEntry("region", "eu-west-1");
      assertThat(tester.monitor().activeAlerts()).isEmpty();
    }
  }

  /** A series that arrives within the grace never makes the rule fire, nor later when it stops. */
  @Test
  void seriesReportedWithinTheGraceNeverFires() {
    AlertRule rule =
        AlertRule.builder("NoCpu").metric("cpu_usage").absent(Duration.ofMinutes(2)).build();
    assertThat(Timeline.run(rule, "_ 50 _ _ _ _")).isEmpty();
  }
}
