package dev.vigil.examples;

import static dev.vigil.AlertStatus.FIRING;
import static org.assertj.core.api.Assertions.assertThat;

import dev.vigil.AlertNotification;
import dev.vigil.NotificationType;
import dev.vigil.Severity;
import dev.vigil.testing.RuleTester;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** How a user tests their own rules: scripted values, virtual time, exact notifications. */
class FleetRulesTest {

  @Test
  void highCpuWaitsFiveMinutesThenEscalatesAndClearsOnlyBelowSeventy() {
    try (RuleTester tester =
        RuleTester.builder()
            .rule(FleetRules.highCpu())
            //                     minute:   0  1  2  3  4  5  6  7  8  9  10 11 12 13 14 15
            .series("cpu_usage", "vm-1", "90 90 90 90 90 90 90 90 99 99 99 75 75 60 60 60")
            .build()) {
      tester.run();

      assertThat(tester.recorded())
          .extracting(
              r ->
                  r.offset().toMinutes()
                      + "m "
                      + r.notification().type()
                      + " "
                      + r.notification().severity())
          .containsExactly(
              "7m FIRING WARNING", // average above 80 from minute 2, held 5 minutes
              "9m SEVERITY_CHANGED CRITICAL", // average of 90, 99, 99 is 96
              "11m SEVERITY_CHANGED WARNING", // average of 99, 99, 75 is 91
              "14m RESOLVED WARNING"); // 83 and 70 are not below 70; 65 is
      AlertNotification firing = tester.notifications().get(0);
      assertThat(firing.summary()).isEqualTo("CPU usage on vm-1 is 90% (WARNING)");
      assertThat(firing.labels()).containsEntry("team", "infra");
    }
  }

  @Test
  void shortSpikeNeverPagesAnyone() {
    try (RuleTester tester =
        RuleTester.builder()
            .rule(FleetRules.highCpu())
            .series("cpu_usage", "vm-1", "50 50 100 100 100 50 50 50 50")
            .build()) {
      tester.run();
      assertThat(tester.notifications()).isEmpty();
    }
  }

  @Test
  void diskFillingFastIsCriticalBeforeItIsFull() {
    try (RuleTester tester =
        RuleTester.builder()
            .rule(FleetRules.diskFullSoon())
            .interval(Duration.ofMinutes(10))
            .series("disk_usage", "db-1", "60 61 62 63 _ 64 70 76 82")
            .build()) {
      tester.run();
      assertThat(tester.notifications())
          .singleElement()
          .satisfies(
              n -> {
                assertThat(n.status()).isEqualTo(FIRING);
                assertThat(n.type()).isEqualTo(NotificationType.FIRING);
                assertThat(n.severity()).isEqualTo(Severity.CRITICAL);
                assertThat(n.value()).isGreaterThan(100);
              });
    }
  }
}
