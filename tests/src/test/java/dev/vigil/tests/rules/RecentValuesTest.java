package dev.vigil.tests.rules;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vigil.AlertNotification;
import dev.vigil.AlertRule;
import dev.vigil.NotificationType;
import dev.vigil.testing.RuleTester;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The values a notification carries for a chart ({@link AlertNotification#recentValues()}): what
 * the engine evaluated from the first breach on, so an email can show the spike with its threshold
 * line without a dashboard; a quiet series holds none.
 */
class RecentValuesTest {

  private static AlertRule highCpu(Duration forDuration) {
    return AlertRule.builder("HighCpu")
        .metric("cpu_usage")
        .above(80)
        .forDuration(forDuration)
        .build();
  }

  private static List<Double> values(AlertNotification n) {
    return n.recentValues().stream().map(AlertNotification.Point::value).toList();
  }

  @Test
  void firingCarriesTheValuesSinceThePendingBreachAndResolvedTheRecovery() {
    try (RuleTester tester =
        RuleTester.builder()
            .rule(highCpu(Duration.ofMinutes(2)))
            .series("cpu_usage", "vm-1", "10 20 85 90 95 97 40 30")
            .build()) {
      tester.run();
      List<AlertNotification> sent = tester.notifications();
      assertThat(sent)
          .extracting(AlertNotification::type)
          .containsExactly(NotificationType.FIRING, NotificationType.RESOLVED);
      assertThat(values(sent.get(0))).containsExactly(85.0, 90.0, 95.0);
      assertThat(values(sent.get(1))).containsExactly(85.0, 90.0, 95.0, 97.0, 40.0);
      List<Instant> times =
          sent.get(1).recentValues().stream().map(AlertNotification.Point::at).toList();
      assertThat(times).isSorted().doesNotHaveDuplicates();
      assertThat(times.get(times.size() - 1)).isEqualTo(sent.get(1).endsAt());
    }
  }

  @Test
  void aNewEpisodeStartsAFreshChart() {
    try (RuleTester tester =
        RuleTester.builder()
            .rule(highCpu(Duration.ZERO))
            .series("cpu_usage", "vm-1", "90 10 10 99")
            .build()) {
      tester.run();
      List<AlertNotification> sent = tester.notifications();
      assertThat(sent)
          .extracting(AlertNotification::type)
          .containsExactly(
              NotificationType.FIRING, NotificationType.RESOLVED, NotificationType.FIRING);
      assertThat(values(sent.get(0))).containsExactly(90.0);
      assertThat(values(sent.get(1))).containsExactly(90.0, 10.0);
      assertThat(values(sent.get(2))).containsExactly(99.0);
    }
  }

  @Test
  void aLongEpisodeKeepsTheLatestSixtyValues() {
    StringBuilder values = new StringBuilder();
    for (int i = 0; i < 100; i++) values.append(100 + i).append(' ');
    try (RuleTester tester =
        RuleTester.builder()
            .rule(highCpu(Duration.ZERO))
            .series("cpu_usage", "vm-1", values + "10")
            .build()) {
      tester.run();
      AlertNotification resolved = tester.notifications().get(1);
      assertThat(resolved.recentValues()).hasSize(AlertNotification.MAX_RECENT_VALUES);
      assertThat(values(resolved).get(0)).isEqualTo(141.0);
      assertThat(values(resolved).get(59)).isEqualTo(10.0);
    }
  }
}
