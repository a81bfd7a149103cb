package dev.vigil.tests.rules;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vigil.AlertRule;
import dev.vigil.testing.RuleTester;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** Notifications over an alert's life: reminders, resolved switch, fingerprints, active alerts. */
class LifecycleRulesTest {

  @Test
  void remindersEveryRepeatIntervalWhileFiring() {
    AlertRule rule =
        AlertRule.builder("HighCpu")
            .metric("cpu_usage")
            .above(80)
            .repeatInterval(Duration.ofMinutes(3))
            .build();
    assertThat(Timeline.run(rule, "90 90 90 90 90 90 90 50 50 50"))
        .isEqualTo("0:FIRING 3:REMINDER 6:REMINDER 7:RESOLVED");
  }

  @Test
  void notifyResolvedFalseSendsNoResolution() {
    AlertRule rule =
        AlertRule.builder("HighCpu").metric("cpu_usage").above(80).notifyResolved(false).build();
    assertThat(Timeline.run(rule, "90 50 90")).isEqualTo("0:FIRING 2:FIRING");
  }

  @Test
  void noRepeatedNotificationWhileFiring() {
    AlertRule rule = AlertRule.builder("HighCpu").metric("cpu_usage").above(80).build();
    assertThat(Timeline.run(rule, "90 91 92 93 94 95")).isEqualTo("0:FIRING");
  }

  @Test
  void fingerprintIsStableAcrossFiringsAndNotifications() {
    AlertRule rule = AlertRule.builder("HighCpu").metric("cpu_usage").above(80).build();
    try (RuleTester tester =
        RuleTester.builder().rule(rule).series("cpu_usage", "vm-1", "90 50 90 50").build()) {
      tester.run();
      assertThat(tester.notifications())
          .hasSize(4)
          .extracting(n -> n.fingerprint())
          .containsOnly(tester.notifications().get(0).fingerprint());
    }
  }
}
