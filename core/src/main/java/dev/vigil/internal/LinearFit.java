package dev.vigil.internal;

/**
 * Incremental ordinary least-squares fit of a line {@code y = intercept + slope * x} over points
 * that can be added and removed again, for sliding windows.
 *
 * <p>For numerical stability every x is taken relative to an origin: the x of the first point added
 * to an empty fit. The sums are then of small numbers (for epoch milliseconds, the distance from
 * the first sample rather than from 1970), which keeps the usual cancellation in {@code Σx² -
 * (Σx)²/n} harmless. The origin stays put while points slide by; a caller that slides far away from
 * it should {@link #clear()} and add the remaining points again from time to time, which moves the
 * origin to the first of them. {@link SampleWindow} does this on the same schedule as it recomputes
 * its running sums.
 *
 * <p>The fit follows Prometheus' {@code linearRegression} (used by {@code predict_linear} and
 * {@code deriv}): slope {@code = cov(x, y) / var(x)}. It needs at least two points with different
 * x; with fewer, {@link #slope()}, {@link #intercept()}, {@link #valueAt(double)} and {@link
 * #xWhere(double)} return {@code NaN}.
 *
 * <p>Not thread safe: the rule evaluator guards each instance with its own lock. Cost is O(1) per
 * call and the fit holds no points, only five sums.
 */
public final class LinearFit {
  private int count;

  /** x of the first point added to the empty fit; all sums below are of {@code x - origin}. */
  private double origin;

  private double sumX;
  private double sumY;
  private double sumXx;
  private double sumXy;

  /** Creates an empty fit. */
  public LinearFit() {}

  /**
   * Adds the point {@code (x, y)}.
   *
   * @throws IllegalArgumentException if {@code x} or {@code y} is not finite
   */
  public void add(double x, double y) {
    requireFinite(x, y);
    if (count == 0) origin = x;
    double dx = x - origin;
    count++;
    sumX += dx;
    sumY += y;
    sumXx += dx * dx;
    sumXy += dx * y;
  }

  /**
   * Removes the point {@code (x, y)}, which must have been added before and not removed since;
   * removing a point that was never added silently corrupts the fit. Removing the last point
   * empties the fit, so the next {@link #add} sets a new origin.
   *
   * @throws IllegalArgumentException if {@code x} or {@code y} is not finite
   * @throws IllegalStateException if the fit is empty
   */
  public void remove(double x, double y) {
    requireFinite(x, y);
    if (count == 0)
      throw new IllegalStateException("remove(" + x + ", " + y + ") from an empty fit");
    if (count == 1) {
      clear();
      return;
    }
    double dx = x - origin;
    count--;
    sumX -= dx;
    sumY -= y;
    sumXx -= dx * dx;
    sumXy -= dx * y;
  }

  /** Removes every point. */
  public void clear() {
    count = 0;
    origin = 0;
    sumX = 0;
    sumY = 0;
    sumXx = 0;
    sumXy = 0;
  }

  /** Returns the number of points in the fit. */
  public int count() {
    return count;
  }

  /**
   * Returns the slope of the fitted line (change of y per unit of x), or {@code NaN} with fewer
   * than two points or when all points share one x.
   */
  public double slope() {
    if (count < 2) return Double.NaN;
    double n = count;
    double covXx = sumXx - sumX * sumX / n;
    if (!(covXx > 0)) return Double.NaN;
    double covXy = sumXy - sumX * sumY / n;
    return covXy / covXx;
  }

  /**
   * Returns the fitted y at {@code x = 0}, or {@code NaN} when {@link #slope()} is {@code NaN}. Far
   * from 0 (epoch milliseconds, say) prefer {@link #valueAt(double)}, which is computed relative to
   * the origin and keeps more precision.
   */
  public double intercept() {
    return valueAt(0);
  }

  /** Returns the fitted y at {@code x}, or {@code NaN} when {@link #slope()} is {@code NaN}. */
  public double valueAt(double x) {
    double slope = slope();
    if (Double.isNaN(slope)) return Double.NaN;
    // The fitted line passes through the centroid (mean x, mean y).
    double meanDx = sumX / count;
    double meanY = sumY / count;
    return meanY + slope * ((x - origin) - meanDx);
  }

  /**
   * Returns the x at which the fitted line reaches {@code y}; it may lie before, among or after the
   * points. Returns {@code NaN} when there is no single such x: with fewer than two distinct x, or
   * when the line is flat ({@code slope == 0}), whether or not it lies at {@code y}. Whether the
   * line is moving towards {@code y} or away from it is for the caller to judge, by comparing the
   * result with the current x; {@link SampleWindow#timeUntil(double)} does.
   *
   * @throws IllegalArgumentException if {@code y} is not finite
   */
  public double xWhere(double y) {
    if (!Double.isFinite(y))
      throw new IllegalArgumentException("y is " + y + ": not a finite number");
    double slope = slope();
    if (Double.isNaN(slope) || slope == 0) return Double.NaN;
    double meanDx = sumX / count;
    double meanY = sumY / count;
    return origin + meanDx + (y - meanY) / slope;
  }

  private static void requireFinite(double x, double y) {
    if (!Double.isFinite(x))
      throw new IllegalArgumentException("x is " + x + ": not a finite number");
    if (!Double.isFinite(y))
      throw new IllegalArgumentException("y is " + y + ": not a finite number");
  }

  @Override
  public String toString() {
    return "LinearFit{count=" + count + ", slope=" + slope() + "}";
  }
}
