package dev.vigil.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.vigil.internal.FlapDetector.Transition;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class FlapDetectorTest {

  /** Records one state per character ('0', '1', '2', ...) and returns the transitions. */
  private static List<Transition> record(FlapDetector detector, String states) {
    List<Transition> transitions = new ArrayList<>();
    for (char c : states.toCharArray()) transitions.add(detector.record(c - '0'));
    return transitions;
  }

  @ParameterizedTest(name = "{0}: {2}%")
  @CsvSource({
    // 21 states, oldest first. Weights rise from 0.75 (oldest transition) to 1.25 (newest).
    "steady,                        000000000000000000000, 0",
    "one change at the newest,      000000000000000000001, 6.25",
    "one change at the oldest,      100000000000000000000, 3.75",
    "oldest and newest change,      100000000000000000001, 10",
    "every state changes,           010101010101010101010, 100",
    "warning and critical alternate, 121212121212121212121, 100",
    "ok to warning to critical,     000000000000000000012, 12.368421052631579",
  })
  void percentStateChangeWeightsRecentTransitionsMore(
      String description, String states, double expectedPercent) {
    FlapDetector detector = new FlapDetector();
    record(detector, states);
    assertThat(detector.percentStateChange()).isCloseTo(expectedPercent, within(1e-9));
  }

  /**
   * Nagios Core {@code base/flapping.c}: a new service's {@code state_history} is zeroed, that is
   * {@code STATE_OK}, so the first problem state recorded is one change, at the newest weight.
   */
  @Test
  void newDetectorsHistoryStartsFromOk() {
    FlapDetector detector = new FlapDetector();
    detector.record(2);
    assertThat(detector.percentStateChange()).isCloseTo(6.25, within(1e-9));
  }

  @Test
  void weightsRiseLinearlyFromThreeQuartersToFiveQuartersAndAverageOne() {
    assertThat(FlapDetector.weight(1)).isEqualTo(0.75);
    assertThat(FlapDetector.weight(20)).isCloseTo(1.25, within(1e-15));
    double sum = 0;
    for (int i = 1; i <= 20; i++) sum += FlapDetector.weight(i);
    assertThat(sum).isCloseTo(20.0, within(1e-12));
  }

  @Test
  void seriesAlternatingEveryEvaluationStartsFlappingOnce() {
    FlapDetector detector = new FlapDetector();
    List<Transition> transitions = new ArrayList<>();
    for (int i = 0; i < 100; i++) transitions.add(detector.record(i % 2 == 1));

    // Six changes, newest first: (1.25 + ... + 1.118) * 5 = 35.5% >= 30%; five give 29.9%.
    assertThat(transitions.indexOf(Transition.STARTED)).isEqualTo(6);
    assertThat(transitions).containsOnlyOnce(Transition.STARTED).doesNotContain(Transition.STOPPED);
    assertThat(detector.isFlapping()).isTrue();
    assertThat(detector.percentStateChange()).isCloseTo(100.0, within(1e-9));
  }

  @ParameterizedTest
  @ValueSource(booleans = {true, false})
  void steadySeriesNeverFlaps(boolean inAlarm) {
    FlapDetector detector = new FlapDetector();
    for (int i = 0; i < 100; i++) {
      assertThat(detector.record(inAlarm)).isEqualTo(Transition.NONE);
    }
    assertThat(detector.isFlapping()).isFalse();
    assertThat(detector.percentStateChange()).isZero();
  }

  @Test
  void flappingStopsOnceAfterEnoughSteadyStates() {
    FlapDetector detector = new FlapDetector();
    // 21 alternating states, the last one 0, then 0 for good.
    List<Transition> alternating = record(detector, "010101010101010101010");
    assertThat(alternating).containsOnlyOnce(Transition.STARTED);

    List<Transition> steady = record(detector, "0".repeat(40));

    // After 16 steady states the four oldest transitions are left: (0.75 + ... + 0.829) * 5 = 15.8%
    // <= 20%; after 15, five are left: 20.07%.
    assertThat(steady.indexOf(Transition.STOPPED)).isEqualTo(15);
    assertThat(steady).containsOnlyOnce(Transition.STOPPED).doesNotContain(Transition.STARTED);
    assertThat(detector.isFlapping()).isFalse();
    assertThat(detector.percentStateChange()).isZero();
  }

  @Test
  void betweenTheThresholdsTheFlappingFlagKeepsItsValue() {
    FlapDetector detector = new FlapDetector(20, 30);
    record(detector, "010101010101010101010"); // flapping
    // The seven oldest transitions changed: 29.0%, neither at 30% nor at or below 20%.
    record(detector, "0000000000000");
    double percent = detector.percentStateChange();
    assertThat(percent).isBetween(20.0, 30.0);
    assertThat(detector.isFlapping()).isTrue();

    FlapDetector quiet = new FlapDetector(20, 30);
    record(quiet, "000000000000000001010"); // four recent changes: 24.2%, then a fifth: 29.9%
    assertThat(quiet.record(1)).isEqualTo(Transition.NONE);
    assertThat(quiet.percentStateChange()).isBetween(20.0, 30.0);
    assertThat(quiet.isFlapping()).isFalse();
  }

  @Test
  void thresholdsAreInclusiveAsInNagios() {
    FlapDetector detector = new FlapDetector(3.75, 6.25);
    List<Transition> transitions = record(detector, "000000000000000000001");
    assertThat(transitions.get(20)).isEqualTo(Transition.STARTED); // exactly 6.25%

    // 19 steady states push the change to the oldest transition: exactly 3.75%.
    List<Transition> steady = record(detector, "1".repeat(19));
    assertThat(steady.get(18)).isEqualTo(Transition.STOPPED);
    assertThat(detector.percentStateChange()).isCloseTo(3.75, within(1e-12));
  }

  @Test
  void defaultsAreNagiosCoreBuiltInServiceThresholds() {
    FlapDetector detector = new FlapDetector();
    assertThat(detector.lowThreshold()).isEqualTo(20.0);
    assertThat(detector.highThreshold()).isEqualTo(30.0);
    assertThat(detector.isFlapping()).isFalse();
    assertThat(detector.percentStateChange()).isZero();
  }

  @ParameterizedTest(name = "low {0}, high {1}")
  @CsvSource({"30, 20", "20, 20", "-1, 10", "10, 100.5", "NaN, 10"})
  void badThresholdsAreRejectedNamingThem(double low, double high) {
    assertThatThrownBy(() -> new FlapDetector(low, high))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("lowThreshold " + low)
        .hasMessageContaining("highThreshold " + high);
  }
}
