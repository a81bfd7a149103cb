package dev.vigil.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class LinearFitTest {

  @Test
  void exactLineIsRecovered() {
    LinearFit fit = new LinearFit();
    for (int x = 5; x <= 9; x++) fit.add(x, 3 + 2 * x);

    assertThat(fit.count()).isEqualTo(5);
    assertThat(fit.slope()).isCloseTo(2.0, within(1e-12));
    assertThat(fit.intercept()).isCloseTo(3.0, within(1e-12));
    assertThat(fit.valueAt(10)).isCloseTo(23.0, within(1e-12));
    assertThat(fit.xWhere(13)).isCloseTo(5.0, within(1e-12));
  }

  @Test
  void noisyPointsGetTheLeastSquaresLine() {
    LinearFit fit = new LinearFit();
    fit.add(1, 1);
    fit.add(2, 3);
    fit.add(3, 2);

    assertThat(fit.slope()).isCloseTo(0.5, within(1e-12));
    assertThat(fit.intercept()).isCloseTo(1.0, within(1e-12));
  }

  @Test
  void removingPointsGivesTheFitOfThePointsLeft() {
    LinearFit sliding = new LinearFit();
    sliding.add(0, 100);
    sliding.add(1, -50);
    sliding.add(2, 4);
    sliding.add(3, 7);
    sliding.add(4, 8);
    sliding.remove(0, 100);
    sliding.remove(1, -50);

    LinearFit fresh = new LinearFit();
    fresh.add(2, 4);
    fresh.add(3, 7);
    fresh.add(4, 8);

    assertThat(sliding.count()).isEqualTo(3);
    assertThat(sliding.slope()).isCloseTo(fresh.slope(), within(1e-12));
    assertThat(sliding.valueAt(10)).isCloseTo(fresh.valueAt(10), within(1e-9));
  }

  @Test
  void removingTheLastPointEmptiesTheFitAndResetsTheOrigin() {
    LinearFit fit = new LinearFit();
    fit.add(1e12, 1);
    fit.remove(1e12, 1);
    assertThat(fit.count()).isZero();

    fit.add(0, 0);
    fit.add(1, 1);
    assertThat(fit.slope()).isCloseTo(1.0, within(1e-12));
    assertThat(fit.intercept()).isCloseTo(0.0, within(1e-12));
  }

  @Test
  void epochMillisecondsKeepFullPrecisionThanksToTheOrigin() {
    LinearFit fit = new LinearFit();
    double t0 = 1.7953344e12; // 2026-11-24 in epoch milliseconds
    for (int i = 0; i < 10; i++) fit.add(t0 + i * 60_000.0, 50 + i);

    assertThat(fit.slope()).isCloseTo(1.0 / 60_000, within(1e-15));
    assertThat(fit.valueAt(t0 + 50 * 60_000.0)).isCloseTo(100.0, within(1e-9));
    assertThat(fit.xWhere(100)).isCloseTo(t0 + 50 * 60_000.0, within(1e-3));
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource({
    "no point, ''",
    "one point, '3:4'",
    "two points with one x, '3:4 3:5'",
  })
  void withoutTwoDistinctXThereIsNoLine(String description, String points) {
    LinearFit fit = new LinearFit();
    for (String point : points.split(" ")) {
      if (point.isEmpty()) continue;
      String[] xy = point.split(":");
      fit.add(Double.parseDouble(xy[0]), Double.parseDouble(xy[1]));
    }
    assertThat(fit.slope()).isNaN();
    assertThat(fit.intercept()).isNaN();
    assertThat(fit.valueAt(1)).isNaN();
    assertThat(fit.xWhere(1)).isNaN();
  }

  @Test
  void flatLineHasSlopeZeroAndNoXWhereItReachesAValue() {
    LinearFit fit = new LinearFit();
    fit.add(0, 5);
    fit.add(1, 5);
    fit.add(2, 5);

    assertThat(fit.slope()).isZero();
    assertThat(fit.valueAt(100)).isEqualTo(5.0);
    assertThat(fit.xWhere(6)).isNaN();
    assertThat(fit.xWhere(5)).isNaN();
  }

  @Test
  void xWhereCanLieBeforeThePoints() {
    LinearFit fit = new LinearFit();
    fit.add(10, 0);
    fit.add(11, -1); // falling: it was at 5 at x = 5

    assertThat(fit.xWhere(5)).isCloseTo(5.0, within(1e-12));
  }

  @Test
  void badInputIsRejected() {
    LinearFit fit = new LinearFit();
    assertThatThrownBy(() -> fit.remove(1, 1))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("empty");
    assertThatThrownBy(() -> fit.add(Double.NaN, 1))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("x is NaN");
    assertThatThrownBy(() -> fit.add(1, Double.POSITIVE_INFINITY))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("y is Infinity");
    assertThatThrownBy(() -> fit.xWhere(Double.NaN)).isInstanceOf(IllegalArgumentException.class);
  }
}
