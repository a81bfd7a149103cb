package dev.vigil.tests.rules;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vigil.AlertNotification;
import dev.vigil.AlertRule;
import dev.vigil.AlertStatus;
import dev.vigil.NotificationType;
import dev.vigil.testing.RuleTester;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Nagios-exact flap detection, {@code flapDetection(20, 30)}: Nagios Core {@code base/flapping.c}
 * ({@code check_for_service_flapping}, {@code set_service_flap}, {@code clear_service_flap}) and
 * {@code base/checks.c}, and the Nagios Core 4 documentation, "Detection and Handling of State
 * Flapping".
 */
class FlappingRulesTest {

  private static AlertRule.Builder cpu() {
    return AlertRule.builder("HighCpu").metric("cpu_usage").above(80).flapDetection(20, 30);
  }

  private static String run(AlertRule rule, String values) {
    return Timeline.run(rule, values);
  }

  /**
   * {@code base/checks.c} checks for flapping ({@code check_for_service_flapping}) before it
   * notifies, so the recovery that makes the sixth state change (35.5% against 30%) is not sent:
   * FLAPPING_STARTED is, alone. A new alert's state history starts from OK, as a new service's
   * zeroed {@code state_history} ({@code STATE_OK}) does: the first FIRING is the first change. The
   * flap started on a recovery, so when it stops (at 15.8%) only the stop notice is sent.
   */
  @Test
  void recoveryThatStartsAFlapIsNotSent() {
    assertThat(run(cpu().build(), "90 50 90 50 90 50 " + "50 ".repeat(20)))
        .isEqualTo(
            "0:FIRING 1:RESOLVED 2:FIRING 3:RESOLVED 4:FIRING 5:FLAPPING_STARTED"
                + " 21:FLAPPING_STOPPED");
  }

  /**
   * Nagios records the service state, OK, WARNING or CRITICAL ({@code svc->current_state} in {@code
   * state_history}), so WARNING and CRITICAL alternating is flapping although the alert fires all
   * along. The flap started on a notified problem ({@code check_flapping_recovery_notification}),
   * so when it stops in OK the stop notice is followed by the recovery owed ({@code
   * clear_service_flap}).
   */
  @Test
  void warningCriticalChangesAreStateChangesAndTheOwedRecoveryFollowsTheStop() {
    AlertRule rule = cpu().criticalAbove(95).build();
    String events = run(rule, "90 99 90 99 90 99 " + "50 ".repeat(20));
    assertThat(events)
        .isEqualTo(
            "0:FIRING 1:SEVERITY_CHANGED/CRITICAL 2:SEVERITY_CHANGED/WARNING"
                + " 3:SEVERITY_CHANGED/CRITICAL 4:SEVERITY_CHANGED/WARNING 5:FLAPPING_STARTED"
                + " 22:FLAPPING_STOPPED 22:RESOLVED");
  }

  /** The stop notice carries the current status; the RESOLVED owed after it ends the alert. */
  @Test
  void owedRecoveryAfterTheStopEndsTheAlert() {
    try (RuleTester tester =
        RuleTester.builder()
            .rule(cpu().criticalAbove(95).build())
            .series("cpu_usage", "vm-1", "90 99 90 99 90 99 " + "50 ".repeat(20))
            .build()) {
      tester.run();
      List<AlertNotification> sent = tester.notifications();
      AlertNotification stop = sent.get(sent.size() - 2);
      AlertNotification resolved = sent.get(sent.size() - 1);
      assertThat(stop.type()).isEqualTo(NotificationType.FLAPPING_STOPPED);
      assertThat(stop.status()).isEqualTo(AlertStatus.RESOLVED);
      assertThat(resolved.type()).isEqualTo(NotificationType.RESOLVED);
      assertThat(resolved.endsAt()).isNotNull();
      assertThat(tester.monitor().activeAlerts()).isEmpty();
    }
  }

  /**
   * Without severity levels the same series is one firing alert that never changes state, so it
   * never flaps: only the changes of state count.
   */
  @Test
  void firingAllAlongWithoutSeverityLevelsNeverFlaps() {
    assertThat(run(cpu().build(), "90 99 90 99 90 99 " + "50 ".repeat(20)))
        .isEqualTo("0:FIRING 6:RESOLVED");
  }
}
