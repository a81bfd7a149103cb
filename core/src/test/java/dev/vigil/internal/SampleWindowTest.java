package dev.vigil.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.Random;
import java.util.function.IntToDoubleFunction;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

class SampleWindowTest {
  private static final long T0 = Instant.parse("2026-11-24T00:00:00Z").toEpochMilli();
  private static final long SECOND = 1000;
  private static final long MINUTE = 60 * SECOND;

  @Test
  void leanWindowKeepsOnlyTheAggregatesAskedFor() {
    SampleWindow avgOnly = SampleWindow.of(3, null, false, false);
    SampleWindow trend = SampleWindow.of(3, Duration.ofMinutes(5), false, true);
    for (int t = 0; t < 5; t++) {
      avgOnly.add(t * 60_000L, t);
      trend.add(t * 60_000L, t);
    }
    assertThat(avgOnly.avg()).isEqualTo(3.0);
    assertThat(avgOnly.percentile(50)).isEqualTo(3.0);
    assertThatThrownBy(avgOnly::min).isInstanceOf(IllegalStateException.class);
    assertThatThrownBy(avgOnly::slopePerSecond)
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("extremes");
    assertThat(trend.slopePerSecond()).isCloseTo(1 / 60.0, within(1e-12));
    assertThat(trend.max()).isEqualTo(4.0); // a trend keeps the extremes it needs
  }

  @Test
  void countWindowAggregatesOnlyTheLastNSamples() {
    SampleWindow window = SampleWindow.ofCount(3);
    for (int i = 1; i <= 5; i++) window.add(T0 + i * SECOND, i);

    assertThat(window.size()).isEqualTo(3);
    assertThat(window.sum()).isEqualTo(12.0);
    assertThat(window.avg()).isEqualTo(4.0);
    assertThat(window.min()).isEqualTo(3.0);
    assertThat(window.max()).isEqualTo(5.0);
    assertThat(window.first()).isEqualTo(3.0);
    assertThat(window.last()).isEqualTo(5.0);
    assertThat(window.firstTimeMillis()).isEqualTo(T0 + 3 * SECOND);
    assertThat(window.lastTimeMillis()).isEqualTo(T0 + 5 * SECOND);
  }

  @Test
  void durationWindowIsLeftOpenLikeAPrometheusRangeSelector() {
    SampleWindow window = SampleWindow.ofDuration(Duration.ofMinutes(1));
    for (long s = 0; s <= 80; s += 20) window.add(T0 + s * SECOND, s);

    // Newest is at 80s: keeps (20s, 80s], so the sample at exactly 20s is gone.
    assertThat(window.size()).isEqualTo(3);
    assertThat(window.min()).isEqualTo(40.0);
    assertThat(window.max()).isEqualTo(80.0);
    assertThat(window.sum()).isEqualTo(180.0);
    assertThat(window.avg()).isEqualTo(60.0);
    assertThat(window.percentile(50)).isEqualTo(60.0);
  }

  @Test
  void evictExpiredAgesAWindowThatReceivesNoSamples() {
    SampleWindow window = SampleWindow.ofDuration(Duration.ofMinutes(5));
    window.add(T0, 1);
    window.add(T0 + MINUTE, 2);
    window.add(T0 + 2 * MINUTE, 3);

    window.evictExpired(T0 + 6 * MINUTE);
    assertThat(window.size()).isEqualTo(1);
    assertThat(window.last()).isEqualTo(3.0);

    window.evictExpired(T0 + 7 * MINUTE);
    assertThat(window.isEmpty()).isTrue();
    assertThat(window.avg()).isNaN();
  }

  @Test
  void evictExpiredDoesNothingToACountWindow() {
    SampleWindow window = SampleWindow.ofCount(10);
    window.add(T0, 1);
    window.evictExpired(Long.MAX_VALUE);
    assertThat(window.size()).isEqualTo(1);
  }

  @Test
  void evictOlderThanKeepsSamplesAtTheCutoff() {
    SampleWindow window = SampleWindow.ofCount(10);
    for (int i = 0; i < 5; i++) window.add(T0 + i * SECOND, i);

    window.evictOlderThan(T0 + 2 * SECOND);

    assertThat(window.size()).isEqualTo(3);
    assertThat(window.first()).isEqualTo(2.0);
    assertThat(window.sum()).isEqualTo(9.0);
    assertThat(window.min()).isEqualTo(2.0);
  }

  @ParameterizedTest(name = "count {0}, age {1}s -> {2} samples")
  @CsvSource({
    "100, 30, 3", // samples every 10s: the age bound is tighter
    "2, 30, 2", // the count bound is tighter
    "10, 3600, 10",
  })
  void withBothBoundsTheTighterOneWins(int maxSamples, long maxAgeSeconds, int expectedSize) {
    SampleWindow window = SampleWindow.of(maxSamples, Duration.ofSeconds(maxAgeSeconds));
    for (int i = 0; i < 20; i++) window.add(T0 + i * 10 * SECOND, i);

    assertThat(window.size()).isEqualTo(expectedSize);
    assertThat(window.last()).isEqualTo(19.0);
    assertThat(window.first()).isEqualTo(20.0 - expectedSize);
  }

  @Test
  void minAndMaxAreCorrectAfterTheCurrentExtremeIsEvicted() {
    SampleWindow window = SampleWindow.ofCount(3);
    window.add(T0, 9);
    window.add(T0 + 1, 1);
    window.add(T0 + 2, 5);
    assertThat(window.max()).isEqualTo(9.0);
    assertThat(window.min()).isEqualTo(1.0);

    window.add(T0 + 3, 4); // evicts 9, the max
    assertThat(window.max()).isEqualTo(5.0);
    assertThat(window.min()).isEqualTo(1.0);

    window.add(T0 + 4, 6); // evicts 1, the min
    assertThat(window.max()).isEqualTo(6.0);
    assertThat(window.min()).isEqualTo(4.0);

    window.evictOlderThan(T0 + 4); // evicts 5 and 4
    assertThat(window.max()).isEqualTo(6.0);
    assertThat(window.min()).isEqualTo(6.0);
  }

  static Stream<Arguments> windows() {
    return Stream.of(
        Arguments.of(
            "last 7", (Supplier<SampleWindow>) () -> SampleWindow.ofCount(7), 7, Long.MAX_VALUE),
        Arguments.of(
            "last 500",
            (Supplier<SampleWindow>) () -> SampleWindow.ofCount(500),
            500,
            Long.MAX_VALUE),
        Arguments.of(
            "last 30s",
            (Supplier<SampleWindow>) () -> SampleWindow.ofDuration(Duration.ofSeconds(30)),
            SampleWindow.MAX_CAPACITY,
            30 * SECOND),
        Arguments.of(
            "last 50 within 20s",
            (Supplier<SampleWindow>) () -> SampleWindow.of(50, Duration.ofSeconds(20)),
            50,
            20 * SECOND));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("windows")
  void aggregatesMatchARecomputationFromScratchAtEveryStep(
      String name, Supplier<SampleWindow> factory, int maxSamples, long maxAgeMillis) {
    SampleWindow window = factory.get();
    Deque<Long> times = new ArrayDeque<>();
    Deque<Double> values = new ArrayDeque<>();
    Random random = new Random(42);
    long t = T0;
    for (int step = 0; step < 5_000; step++) {
      t += random.nextInt(3) * 500; // repeats timestamps sometimes
      double value = random.nextInt(1000) / 10.0 - 50;
      window.add(t, value);
      times.addLast(t);
      values.addLast(value);
      while (values.size() > maxSamples || times.peekFirst() <= t - maxAgeMillis) {
        times.removeFirst();
        values.removeFirst();
      }

      List<Double> expected = new ArrayList<>(values);
      assertThat(window.size()).as("size at step %d", step).isEqualTo(expected.size());
      double sum = expected.stream().mapToDouble(Double::doubleValue).sum();
      assertThat(window.sum()).as("sum at step %d", step).isCloseTo(sum, within(1e-9));
      assertThat(window.min())
          .as("min at step %d", step)
          .isEqualTo(expected.stream().mapToDouble(Double::doubleValue).min().orElseThrow());
      assertThat(window.max())
          .as("max at step %d", step)
          .isEqualTo(expected.stream().mapToDouble(Double::doubleValue).max().orElseThrow());
      assertThat(window.last()).isEqualTo(value);
    }
  }

  @ParameterizedTest(name = "p{0} of 1,2,3,4 is {1}")
  @CsvSource({"0, 1", "25, 1.75", "50, 2.5", "75, 3.25", "90, 3.7", "100, 4"})
  void percentileInterpolatesLinearlyLikePrometheusQuantileOverTime(double p, double expected) {
    SampleWindow window = SampleWindow.ofCount(10);
    // Out of order on purpose: the percentile sorts.
    double[] values = {3, 1, 4, 2};
    for (int i = 0; i < values.length; i++) window.add(T0 + i, values[i]);

    assertThat(window.percentile(p)).isCloseTo(expected, within(1e-12));
  }

  @Test
  void percentileOnlySeesTheSamplesStillInTheWindow() {
    SampleWindow window = SampleWindow.ofCount(3);
    for (int i = 1; i <= 10; i++) window.add(T0 + i, i * 10);

    assertThat(window.percentile(0)).isEqualTo(80.0);
    assertThat(window.percentile(50)).isEqualTo(90.0);
    assertThat(window.percentile(100)).isEqualTo(100.0);
  }

  @ParameterizedTest
  @ValueSource(doubles = {-0.001, 100.001, Double.NaN, Double.POSITIVE_INFINITY})
  void percentileOutsideZeroToHundredIsRejected(double p) {
    SampleWindow window = SampleWindow.ofCount(3);
    window.add(T0, 1);
    assertThatThrownBy(() -> window.percentile(p))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("p is");
  }

  @Test
  void emptyWindowReportsNaNAndAZeroSum() {
    SampleWindow window = SampleWindow.ofCount(3);
    assertThat(window.size()).isZero();
    assertThat(window.sum()).isZero();
    assertThat(window.avg()).isNaN();
    assertThat(window.min()).isNaN();
    assertThat(window.max()).isNaN();
    assertThat(window.last()).isNaN();
    assertThat(window.percentile(50)).isNaN();
    assertThat(window.ratePerSecond()).isNaN();
    assertThat(window.predictLinear(T0)).isNaN();
    assertThat(window.timeUntil(1)).isNaN();
    assertThatThrownBy(window::lastTimeMillis).isInstanceOf(NoSuchElementException.class);
  }

  @Test
  void clearEmptiesTheWindowAndItCanBeRefilled() {
    SampleWindow window = SampleWindow.ofCount(3);
    window.add(T0, 100);
    window.add(T0 + 1, -100);
    window.clear();
    assertThat(window.isEmpty()).isTrue();

    window.add(T0 - MINUTE, 5); // an older timestamp is fine after clear
    assertThat(window.sum()).isEqualTo(5.0);
    assertThat(window.min()).isEqualTo(5.0);
    assertThat(window.max()).isEqualTo(5.0);
  }

  @Test
  void olderTimestampIsRejectedAndLeavesTheWindowUnchanged() {
    SampleWindow window = SampleWindow.ofCount(3);
    window.add(T0, 1);
    window.add(T0, 2); // equal timestamps are fine

    assertThatThrownBy(() -> window.add(T0 - 1, 3))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining(Long.toString(T0 - 1))
        .hasMessageContaining("before the newest");
    assertThat(window.size()).isEqualTo(2);
    assertThat(window.sum()).isEqualTo(3.0);
  }

  @ParameterizedTest
  @ValueSource(doubles = {Double.NaN, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY})
  void nonFiniteValueIsRejected(double value) {
    SampleWindow window = SampleWindow.ofCount(3);
    assertThatThrownBy(() -> window.add(T0, value))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("not a finite number");
    assertThat(window.isEmpty()).isTrue();
  }

  @Test
  void factoriesRejectBadBoundsNamingTheValue() {
    assertThatThrownBy(() -> SampleWindow.ofCount(0)).hasMessageContaining("maxSamples is 0");
    assertThatThrownBy(() -> SampleWindow.ofCount(SampleWindow.MAX_CAPACITY + 1))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("10000");
    assertThatThrownBy(() -> SampleWindow.ofDuration(Duration.ZERO))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("maxAge is PT0S");
    assertThatThrownBy(() -> SampleWindow.ofDuration(null))
        .isInstanceOf(NullPointerException.class)
        .hasMessage("maxAge == null");
  }

  @Test
  void durationWindowHoldsAtMostMaxCapacitySamples() {
    SampleWindow window = SampleWindow.ofDuration(Duration.ofDays(1));
    for (int i = 0; i < 2 * SampleWindow.MAX_CAPACITY; i++) window.add(T0 + i, i);

    assertThat(window.size()).isEqualTo(SampleWindow.MAX_CAPACITY);
    assertThat(window.first()).isEqualTo(SampleWindow.MAX_CAPACITY);
    assertThat(window.min()).isEqualTo(SampleWindow.MAX_CAPACITY);
  }

  static Stream<Arguments> longSeries() {
    IntToDoubleFunction tenths = i -> 0.1;
    IntToDoubleFunction mixed = i -> (i % 10) * 0.1 + 0.01;
    // A huge value now and then: subtracting it again would wipe out the small ones.
    IntToDoubleFunction spikes = i -> i % 7919 == 0 ? 1e12 : 0.1;
    return Stream.of(
        Arguments.of("0.1, last 1000", tenths, 1000),
        Arguments.of("0.1, last 10000", tenths, SampleWindow.MAX_CAPACITY),
        Arguments.of("0.01 to 0.91, last 1000", mixed, 1000),
        Arguments.of("0.1 with 1e12 spikes, last 1000", spikes, 1000),
        Arguments.of("0.1 with 1e12 spikes, last 3", spikes, 3));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("longSeries")
  void runningSumDriftStaysBelowOneBillionthAfterAMillionAdds(
      String name, IntToDoubleFunction series, int maxSamples) {
    SampleWindow window = SampleWindow.ofCount(maxSamples);
    int adds = 1_000_000;
    for (int i = 0; i < adds; i++) window.add(T0 + i, series.applyAsDouble(i));

    BigDecimal exact = BigDecimal.ZERO;
    for (int i = adds - maxSamples; i < adds; i++) {
      exact = exact.add(new BigDecimal(series.applyAsDouble(i)));
    }
    double expected = exact.doubleValue();
    assertThat(window.sum()).isCloseTo(expected, within(Math.abs(expected) * 1e-9));
    assertThat(window.avg())
        .isCloseTo(expected / maxSamples, within(Math.abs(expected / maxSamples) * 1e-9));
  }

  @Test
  void predictLinearOnADiskFillingOnePercentPerMinuteReaches100In50Minutes() {
    SampleWindow window = SampleWindow.ofDuration(Duration.ofMinutes(15));
    for (int m = 0; m <= 10; m++) window.add(T0 + m * MINUTE, 50 + m);

    assertThat(window.predictLinear(T0 + 50 * MINUTE)).isCloseTo(100.0, within(1e-9));
    assertThat(window.slopePerSecond()).isCloseTo(1.0 / 60, within(1e-12));
    // The newest sample is at 10 minutes and 60%: 40 more minutes to 100%.
    assertThat(window.timeUntil(100)).isCloseTo(40 * MINUTE, within(1e-3));
  }

  @Test
  void predictLinearStaysExactAfterTheWindowSlidesFarFromItsFirstSample() {
    SampleWindow window = SampleWindow.ofCount(60);
    for (int s = 0; s < 500_000; s++) window.add(T0 + s * SECOND, 0.5 * s);

    double last = window.last();
    assertThat(window.predictLinear(window.lastTimeMillis() + MINUTE))
        .isCloseTo(last + 30, within(1e-6));
    assertThat(window.slopePerSecond()).isCloseTo(0.5, within(1e-9));
  }

  @Test
  void predictLinearFitsNoisyDataByLeastSquares() {
    SampleWindow window = SampleWindow.ofCount(10);
    window.add(T0, 1);
    window.add(T0 + SECOND, 3);
    window.add(T0 + 2 * SECOND, 2);

    // Least squares through (0, 1), (1, 3), (2, 2): y = 1.5 + 0.5 t, t in seconds from T0.
    assertThat(window.slopePerSecond()).isCloseTo(0.5, within(1e-12));
    assertThat(window.predictLinear(T0 + 4 * SECOND)).isCloseTo(3.5, within(1e-12));
  }

  @Test
  void constantSeriesPredictsItsValueEvenWithOneTimestamp() {
    SampleWindow window = SampleWindow.ofCount(10);
    window.add(T0, 7);
    window.add(T0, 7);
    assertThat(window.predictLinear(T0 + MINUTE)).isEqualTo(7.0);
    assertThat(window.slopePerSecond()).isZero();
  }

  @Test
  void differentValuesAtOneTimestampHaveNoSlope() {
    SampleWindow window = SampleWindow.ofCount(10);
    window.add(T0, 1);
    window.add(T0, 2);
    assertThat(window.predictLinear(T0 + MINUTE)).isNaN();
    assertThat(window.slopePerSecond()).isNaN();
    assertThat(window.timeUntil(10)).isNaN();
    assertThat(window.ratePerSecond()).isNaN();
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource({
    // description, values one minute apart, threshold, expected milliseconds
    "flat series never reaches another value, '5,5,5', 10, Infinity",
    "flat series at the threshold is there now, '5,5,5', 5, 0",
    "falling series never reaches a higher value, '9,8,7', 10, Infinity",
    "falling series reaches a lower value, '9,8,7', 4, 180000",
    "rising series already past the threshold moves away, '1,2,3', 2, Infinity",
    "rising series reaches a higher value, '1,2,3', 5, 120000",
    "single sample has no trend, '3', 5, NaN",
  })
  void timeUntilIsMillisecondsAfterTheNewestSample(
      String description, String values, double threshold, double expected) {
    SampleWindow window = SampleWindow.ofCount(10);
    String[] parts = values.split(",");
    for (int i = 0; i < parts.length; i++)
      window.add(T0 + i * MINUTE, Double.parseDouble(parts[i]));

    double actual = window.timeUntil(threshold);
    if (Double.isNaN(expected)) {
      assertThat(actual).isNaN();
    } else if (Double.isFinite(expected)) {
      assertThat(actual).isCloseTo(expected, within(1e-6));
    } else {
      assertThat(actual).isEqualTo(expected);
    }
  }

  @Test
  void timeUntilRejectsANonFiniteThreshold() {
    SampleWindow window = SampleWindow.ofCount(10);
    assertThatThrownBy(() -> window.timeUntil(Double.NaN))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("threshold is NaN");
  }

  @Test
  void ratePerSecondIsLastMinusFirstOverTheSecondsBetweenThem() {
    SampleWindow window = SampleWindow.ofCount(10);
    window.add(T0, 10);
    assertThat(window.ratePerSecond()).isNaN();

    window.add(T0 + 10 * SECOND, 1000); // the middle does not matter
    window.add(T0 + 30 * SECOND, 40);
    assertThat(window.ratePerSecond()).isCloseTo(1.0, within(1e-12));

    window.add(T0 + 60 * SECOND, -20);
    assertThat(window.ratePerSecond()).isCloseTo(-0.5, within(1e-12));
  }
}
