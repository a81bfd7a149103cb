package dev.vigil;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class ScheduleTest {
  private static final long SECOND = Duration.ofSeconds(1).toNanos();

  @Test
  void everyKeepsAGridThatNeverDriftsWhateverPollsTake() {
    Schedule s = Schedule.every(Duration.ofSeconds(60));
    long due = s.firstRun(5 * SECOND);
    assertThat(due).isEqualTo(5 * SECOND);
    for (int i = 1; i <= 1_000; i++) {
      long finished = due + (i % 7) * SECOND; // polls of varying length
      due = s.nextRun(due, finished);
    }
    assertThat(due).isEqualTo(5 * SECOND + 1_000 * 60 * SECOND);
  }

  @Test
  void fixedDelayCountsFromTheEndOfThePoll() {
    Schedule s = Schedule.fixedDelay(Duration.ofSeconds(10));
    assertThat(s.nextRun(0, 25 * SECOND)).isEqualTo(35 * SECOND);
  }

  @Test
  void initialDelayMovesOnlyTheFirstRun() {
    Schedule s = Schedule.every(Duration.ofSeconds(60)).withInitialDelay(Duration.ofSeconds(15));
    long first = s.firstRun(0);
    assertThat(first).isEqualTo(15 * SECOND);
    assertThat(s.nextRun(first, first)).isEqualTo(75 * SECOND);
    assertThat(
            Schedule.fixedDelay(Duration.ofSeconds(5))
                .withInitialDelay(Duration.ofSeconds(2))
                .firstRun(0))
        .isEqualTo(2 * SECOND);
  }

  @Test
  void jitterIsReportedButNeverMovesTheNominalGrid() {
    Schedule s = Schedule.every(Duration.ofSeconds(60)).withJitter(Duration.ofSeconds(5));
    assertThat(s.maxJitterNanos()).isEqualTo(5 * SECOND);
    assertThat(s.nextRun(60 * SECOND, 61 * SECOND)).isEqualTo(120 * SECOND);
    assertThat(s).hasToString("Schedule.every(PT1M).withJitter(PT5S)");
  }

  @Test
  void jitteredTicksStayWithinTheirWindow() throws Exception {
    SourceRunner runner =
        new SourceRunner(
            "s",
            c -> java.util.List.of(),
            Schedule.every(Duration.ofSeconds(60)).withJitter(Duration.ofSeconds(5)));
    for (int i = 0; i < 200; i++) {
      runner.start(0);
      assertThat(runner.fireAt()).isBetween(0L, 5 * SECOND - 1);
    }
  }

  @Test
  void invalidSchedulesAreRejectedWithTheSettingName() {
    assertThatThrownBy(() -> Schedule.every(Duration.ZERO))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("period");
    assertThatThrownBy(() -> Schedule.fixedDelay(Duration.ofSeconds(-1)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("delay");
    assertThatThrownBy(() -> Schedule.every(null))
        .isInstanceOf(NullPointerException.class)
        .hasMessage("period == null");
    assertThatThrownBy(
            () -> Schedule.every(Duration.ofSeconds(10)).withJitter(Duration.ofSeconds(10)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("jitter must be shorter than the period");
    assertThatThrownBy(
            () -> Schedule.every(Duration.ofSeconds(10)).withInitialDelay(Duration.ofSeconds(-1)))
        .hasMessageContaining("initialDelay");
  }
}
