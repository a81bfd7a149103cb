package dev.vigil.tests.rules;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vigil.AlertNotification;
import dev.vigil.AlertRule;
import dev.vigil.Matcher;
import dev.vigil.MuteWindow;
import dev.vigil.NotificationType;
import dev.vigil.Silence;
import dev.vigil.SuppressionKind;
import dev.vigil.testing.RuleTester;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalTime;
import java.time.ZoneOffset;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Silences, mute windows, inhibition and the startup grace period, through a real monitor. */
class SuppressionRulesTest {
  private static final AlertRule HIGH_CPU =
      AlertRule.builder("HighCpu").metric("cpu_usage").above(80).build();

  @Test
  void silenceSuppressesAndCountsAndExpiringItEarlyLetsNotificationsThrough() {
    try (RuleTester tester =
        RuleTester.builder()
            .rule(HIGH_CPU)
            .series("cpu_usage", "vm-1", "90 50 90 50")
            .series("cpu_usage", "vm-2", "90 90 90 90")
            .build()) {
      Silence silence =
          tester
              .monitor()
              .silence(
                  List.of(Matcher.equal("resource", "vm-1")),
                  Duration.ofHours(1),
                  "maintenance of vm-1");
      tester.step();
      tester.step();
      assertThat(tester.notifications())
          .extracting(n -> n.resource() + ":" + n.type())
          .containsExactly("vm-2:FIRING");
      // The suppressed firing's resolution is suppressed too: nothing dangles.
      assertThat(tester.monitor().stats().suppressed()).containsEntry(SuppressionKind.SILENCE, 2L);
      silence.expire();
      tester.run();
      assertThat(tester.notifications())
          .extracting(n -> n.resource() + ":" + n.type())
          .containsExactly("vm-2:FIRING", "vm-1:FIRING", "vm-1:RESOLVED");
      assertThat(tester.monitor().silences()).isEmpty();
    }
  }

  /**
   * Alertmanager {@code silence/silence.go}, {@code getState}: a silence is expired only once
   * {@code ts.After(EndsAt)}, so it still mutes at exactly its {@code endsAt}. A silence of 2
   * minutes mutes the FIRING of the poll at 2m; the alert, still firing, is announced at 3m.
   */
  @Test
  void silenceStillMutesAtExactlyItsEndsAt() {
    try (RuleTester tester =
        RuleTester.builder().rule(HIGH_CPU).series("cpu_usage", "vm-1", "50 50 90 90").build()) {
      Silence silence =
          tester
              .monitor()
              .silence(List.of(Matcher.equal("resource", "vm-1")), Duration.ofMinutes(2), "deploy");
      tester.run();
      assertThat(silence.endsAt()).isEqualTo(tester.time().clock().instant().minusSeconds(120));
      assertThat(Timeline.events(tester)).isEqualTo("3:FIRING");
      assertThat(tester.monitor().stats().suppressed()).containsEntry(SuppressionKind.SILENCE, 1L);
    }
  }

  @Test
  void muteWindowSuppressesDuringItsHoursOnly() {
    MuteWindow nightly =
        MuteWindow.builder("nightly")
            .between(LocalTime.of(0, 0), LocalTime.of(0, 2))
            .zone(ZoneOffset.UTC)
            .build();
    try (RuleTester tester =
        RuleTester.builder()
            .rule(HIGH_CPU)
            .start(Instant.parse("2026-11-24T00:00:00Z"))
            .series("cpu_usage", "vm-1", "90 50 90 50")
            .monitor(b -> b.muteWindow(nightly))
            .build()) {
      tester.run();
      assertThat(Timeline.events(tester)).isEqualTo("2:FIRING 3:RESOLVED");
      assertThat(tester.monitor().stats().suppressed())
          .containsEntry(SuppressionKind.MUTE_WINDOW, 2L);
    }
  }

  @Test
  void firingCriticalInhibitsWarningsOfTheSameResourceUntilItResolves() {
    AlertRule critical =
        AlertRule.builder("HostDown")
            .metric("up")
            .below(1)
            .severity(dev.vigil.Severity.CRITICAL)
            .build();
    try (RuleTester tester =
        RuleTester.builder()
            .rule(HIGH_CPU)
            .rule(critical)
            .series("up", "vm-1", "0 0 1")
            .series("cpu_usage", "vm-1", "50 90 90")
            .series("cpu_usage", "vm-2", "50 90 90")
            .build()) {
      tester.run();
      assertThat(tester.notifications())
          .extracting(n -> n.rule() + ":" + n.resource() + ":" + n.type())
          .containsExactly(
              "HostDown:vm-1:FIRING",
              "HighCpu:vm-2:FIRING",
              "HostDown:vm-1:RESOLVED",
              // Still firing once nothing inhibits it: announced then, not lost.
              "HighCpu:vm-1:FIRING");
      assertThat(tester.monitor().stats().suppressed())
          .containsEntry(SuppressionKind.INHIBITION, 1L);
    }
  }

  @Test
  void alertFiringThroughTheStartupGracePeriodIsAnnouncedWhenItEnds() {
    AlertRule rule =
        AlertRule.builder("HighCpu")
            .metric("cpu_usage")
            .above(80)
            .repeatInterval(Duration.ofMinutes(2))
            .build();
    try (RuleTester tester =
        RuleTester.builder()
            .rule(rule)
            .series("cpu_usage", "vm-1", "90 90 90 90 90")
            .monitor(b -> b.startupGracePeriod(Duration.ofMinutes(2)))
            .build()) {
      tester.run();
      // Fired at 0 inside the grace period: announced once the period ends, then reminded.
      assertThat(Timeline.events(tester)).isEqualTo("2:FIRING 4:REMINDER");
      assertThat(tester.monitor().stats().suppressed()).containsEntry(SuppressionKind.GRACE, 1L);
    }
  }

  @Test
  void resolutionReachesASinkThatWasToldFiringEvenIfAReminderWasSilencedInBetween() {
    AlertRule rule =
        AlertRule.builder("HighCpu")
            .metric("cpu_usage")
            .above(80)
            .repeatInterval(Duration.ofMinutes(1))
            .build();
    try (RuleTester tester =
        RuleTester.builder().rule(rule).series("cpu_usage", "vm-1", "90 90 50").build()) {
      tester.step(); // FIRING delivered
      tester
          .monitor()
          .silence(List.of(Matcher.equal("resource", "vm-1")), Duration.ofHours(1), "maintenance");
      tester.run(); // REMINDER silenced, then RESOLVED
      // docs: "an incident a sink was told about is always closed (even if a silence started in
      // between)"
      assertThat(tester.notifications())
          .extracting(AlertNotification::type)
          .containsExactly(NotificationType.FIRING, NotificationType.RESOLVED);
    }
  }
}
