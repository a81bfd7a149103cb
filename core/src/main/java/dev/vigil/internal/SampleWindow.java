package dev.vigil.internal;

import static java.util.Objects.requireNonNull;

import java.time.Duration;
import java.util.Arrays;
import java.util.NoSuchElementException;
import org.jspecify.annotations.Nullable;

/**
 * The recent samples of one series, as (timestamp, value) pairs, bounded by count (the last N), by
 * age (samples newer than {@code now - D}), or both, and always by {@link #MAX_CAPACITY}.
 *
 * <p>Timestamps are wall-clock <b>epoch milliseconds</b> ({@code Instant.toEpochMilli()}), and must
 * not decrease: {@link #add} rejects an older timestamp with {@link IllegalArgumentException};
 * equal timestamps are accepted. An age-bounded window, like a Prometheus range selector since 3.0,
 * is left-open: after {@code add(t, v)} it holds the samples with timestamps in {@code (t - D, t]}.
 *
 * <p>Cost: {@link #add}, {@link #size()}, {@link #sum()}, {@link #avg()}, {@link #min()}, {@link
 * #max()}, {@link #last()}, {@link #ratePerSecond()}, {@link #slopePerSecond()}, {@link
 * #predictLinear(long)} and {@link #timeUntil(double)} are O(1) amortized, however long the
 * history: the sum is kept with Neumaier's compensated summation, min and max with monotonic
 * deques, the least-squares fit with a {@link LinearFit}; the sum and the fit are recomputed from
 * the samples after as many evictions as there are samples, which bounds floating-point drift at
 * O(1) amortized cost. {@link #percentile(double)} copies and sorts: O(n log n) per call. Memory is
 * two ring buffers ({@code long[]} times, {@code double[]} values) of at most {@link #MAX_CAPACITY}
 * entries (16 bytes per sample), grown on demand; a window made by {@link #ofValues} keeps the
 * values only (8 bytes per sample), and min, max and the fit exist only in windows that ask for
 * them.
 *
 * <p>Not thread safe: the rule evaluator guards each window with its own lock.
 */
public final class SampleWindow {
  /**
   * The most samples any window holds: 10,000 (about 160 KB). An age-bounded window that receives
   * more samples within its duration drops the oldest ones, as a count-bounded window does.
   */
  public static final int MAX_CAPACITY = 10_000;

  private static final int INITIAL_CAPACITY = 16;
  private static final long NO_AGE_LIMIT = Long.MAX_VALUE;

  private final int maxSamples;
  private final long maxAgeMillis;

  /** The timestamps; null in a window made without them ({@link #ofValues}). */
  private long @Nullable [] times;

  private double[] values;
  private int head;
  private int size;

  private double sum;
  private double sumCompensation;
  private int evictionsSinceRecompute;

  /**
   * The running minimum, maximum and fit, and the sequence numbers the extremes need; null in a
   * window made without extremes and trend, which then holds its arrays and a few numbers only.
   */
  private final @Nullable Extras extras;

  private static final class Extras {
    final MonotonicDeque min = new MonotonicDeque(false);
    final MonotonicDeque max = new MonotonicDeque(true);

    /** Running least-squares fit; null in a window made without a trend. */
    final @Nullable LinearFit fit;

    /** Sequence number of the next sample; the oldest held sample is {@code nextSeq - size}. */
    long nextSeq;

    Extras(boolean trend) {
      this.fit = trend ? new LinearFit() : null;
    }
  }

  private SampleWindow(int maxSamples, long maxAgeMillis) {
    this(maxSamples, maxAgeMillis, true, true, true);
  }

  private SampleWindow(
      int maxSamples, long maxAgeMillis, boolean extremes, boolean trend, boolean keepTimes) {
    this.maxSamples = maxSamples;
    this.maxAgeMillis = maxAgeMillis;
    boolean keepExtremes = extremes || trend; // the trend asks whether the series is constant
    this.extras = keepExtremes ? new Extras(trend) : null;
    int capacity = Math.min(INITIAL_CAPACITY, maxSamples);
    this.times = keepTimes || trend || maxAgeMillis != NO_AGE_LIMIT ? new long[capacity] : null;
    this.values = new double[capacity];
  }

  /**
   * Returns a window of the last {@code maxSamples} samples.
   *
   * @throws IllegalArgumentException if {@code maxSamples} is not in [1, {@value #MAX_CAPACITY}]
   */
  public static SampleWindow ofCount(int maxSamples) {
    return new SampleWindow(checkCount(maxSamples), NO_AGE_LIMIT);
  }

  /**
   * Returns a window of the samples newer than the newest one minus {@code maxAge}, at most {@value
   * #MAX_CAPACITY} of them.
   *
   * @throws NullPointerException if {@code maxAge} is null
   * @throws IllegalArgumentException if {@code maxAge} is shorter than one millisecond
   */
  public static SampleWindow ofDuration(Duration maxAge) {
    return new SampleWindow(MAX_CAPACITY, checkAge(maxAge));
  }

  /**
   * Returns a window of at most the last {@code maxSamples} samples that are also newer than the
   * newest one minus {@code maxAge}.
   *
   * @throws NullPointerException if {@code maxAge} is null
   * @throws IllegalArgumentException if {@code maxSamples} is not in [1, {@value #MAX_CAPACITY}] or
   *     {@code maxAge} is shorter than one millisecond
   */
  public static SampleWindow of(int maxSamples, Duration maxAge) {
    return new SampleWindow(checkCount(maxSamples), checkAge(maxAge));
  }

  /**
   * Returns a window like {@link #of(int, Duration)} ({@code maxAge} null: like {@link #ofCount})
   * that keeps only the running aggregates asked for, so that a window read only for its average,
   * percentiles or latest value holds two arrays and no more: {@code extremes} for {@link #min()}
   * and {@link #max()}, {@code trend} for the slope, rate, prediction and {@link #timeUntil} (which
   * keeps the extremes too). Asking a window for an aggregate it does not keep throws.
   *
   * @throws IllegalArgumentException as {@link #of(int, Duration)} does
   */
  public static SampleWindow of(
      int maxSamples, @Nullable Duration maxAge, boolean extremes, boolean trend) {
    return new SampleWindow(
        checkCount(maxSamples),
        maxAge == null ? NO_AGE_LIMIT : checkAge(maxAge),
        extremes,
        trend,
        true);
  }

  /**
   * Returns a window of the last {@code maxSamples} values without their timestamps: one array of
   * {@code maxSamples} doubles, for a window read only for its sum, average, percentiles or latest
   * value. Asking it for a timestamp, an extreme or a trend throws {@link IllegalStateException};
   * {@link #add} does not check that timestamps do not decrease.
   *
   * @throws IllegalArgumentException if {@code maxSamples} is not in [1, {@value #MAX_CAPACITY}]
   */
  public static SampleWindow ofValues(int maxSamples) {
    return ofValues(maxSamples, false);
  }

  /**
   * As {@link #ofValues(int)}; {@code extremes} true also keeps {@link #min()} and {@link #max()}.
   *
   * @throws IllegalArgumentException if {@code maxSamples} is not in [1, {@value #MAX_CAPACITY}]
   */
  public static SampleWindow ofValues(int maxSamples, boolean extremes) {
    return new SampleWindow(checkCount(maxSamples), NO_AGE_LIMIT, extremes, false, false);
  }

  /** Whether this window keeps timestamps: false for one made by {@link #ofValues}. */
  public boolean keepsTimes() {
    return times != null;
  }

  private long[] times() {
    long[] t = times;
    if (t == null) throw new IllegalStateException("window made without timestamps");
    return t;
  }

  private static int checkCount(int maxSamples) {
    if (maxSamples < 1 || maxSamples > MAX_CAPACITY) {
      throw new IllegalArgumentException(
          "maxSamples is " + maxSamples + ": must be in [1, " + MAX_CAPACITY + "]");
    }
    return maxSamples;
  }

  private static long checkAge(Duration maxAge) {
    requireNonNull(maxAge, "maxAge == null");
    if (maxAge.compareTo(Duration.ofMillis(1)) < 0) {
      throw new IllegalArgumentException("maxAge is " + maxAge + ": must be at least 1ms");
    }
    try {
      return maxAge.toMillis();
    } catch (ArithmeticException tooLong) {
      return NO_AGE_LIMIT;
    }
  }

  /**
   * Appends a sample, then drops the samples that fall out of the window: the oldest when over the
   * count bound, and those at or before {@code timeMillis - maxAge}.
   *
   * @param timeMillis epoch milliseconds, not before the newest sample's
   * @param value a finite number
   * @throws IllegalArgumentException if {@code value} is not finite or {@code timeMillis} is before
   *     the newest sample's timestamp; the window is then unchanged
   */
  public void add(long timeMillis, double value) {
    if (!Double.isFinite(value)) {
      throw new IllegalArgumentException("value is " + value + ": not a finite number");
    }
    long[] t = times;
    if (t != null && size > 0 && timeMillis < lastTimeMillis()) {
      throw new IllegalArgumentException(
          "timeMillis " + timeMillis + " is before the newest sample's " + lastTimeMillis());
    }
    if (size == maxSamples) evictOldest();
    if (size == values.length) grow();
    int i = index(size);
    t = times;
    if (t != null) t[i] = timeMillis;
    values[i] = value;
    size++;
    addToSum(value);
    Extras x = extras;
    if (x != null) {
      long seq = x.nextSeq++;
      x.min.push(seq, value);
      x.max.push(seq, value);
      if (x.fit != null) x.fit.add((double) timeMillis, value);
    }
    if (t != null) evictExpired(timeMillis);
  }

  /**
   * Drops the samples with a timestamp before {@code timeMillis}.
   *
   * @param timeMillis epoch milliseconds; samples at exactly this time stay
   */
  public void evictOlderThan(long timeMillis) {
    long[] t = times();
    while (size > 0 && t[head] < timeMillis) evictOldest();
  }

  /**
   * Applies the age bound as of {@code nowMillis}: drops the samples at or before {@code nowMillis
   * - maxAge}. Lets the evaluator age a window that receives no new samples. Does nothing for a
   * window bounded by count only.
   *
   * @param nowMillis epoch milliseconds
   */
  public void evictExpired(long nowMillis) {
    if (maxAgeMillis == NO_AGE_LIMIT || nowMillis < Long.MIN_VALUE + maxAgeMillis) return;
    evictOlderThan(nowMillis - maxAgeMillis + 1);
  }

  /** Drops every sample. */
  public void clear() {
    head = 0;
    size = 0;
    resetAggregates();
  }

  /** Returns the number of samples in the window. */
  public int size() {
    return size;
  }

  /** Returns true if the window holds no sample. */
  public boolean isEmpty() {
    return size == 0;
  }

  /** Returns the sum of the values, 0 when empty. */
  public double sum() {
    return size == 0 ? 0 : sum + sumCompensation;
  }

  /** Returns the arithmetic mean of the values, {@code NaN} when empty. */
  public double avg() {
    return size == 0 ? Double.NaN : sum() / size;
  }

  /** Returns the smallest value, {@code NaN} when empty. */
  public double min() {
    return extremes().min.front();
  }

  /** Returns the largest value, {@code NaN} when empty. */
  public double max() {
    return extremes().max.front();
  }

  private Extras extremes() {
    Extras x = extras;
    if (x == null) throw new IllegalStateException("window made without extremes");
    return x;
  }

  private LinearFit fit() {
    LinearFit f = extras == null ? null : extras.fit;
    if (f == null) throw new IllegalStateException("window made without a trend");
    return f;
  }

  /** Returns the newest value, {@code NaN} when empty. */
  public double last() {
    return size == 0 ? Double.NaN : values[index(size - 1)];
  }

  /** Returns the oldest value, {@code NaN} when empty. */
  public double first() {
    return size == 0 ? Double.NaN : values[head];
  }

  /**
   * Returns the newest sample's timestamp in epoch milliseconds.
   *
   * @throws NoSuchElementException if the window is empty
   */
  public long lastTimeMillis() {
    if (size == 0) throw new NoSuchElementException("empty window");
    return times()[index(size - 1)];
  }

  /**
   * Returns the timestamp of the {@code k}-th held sample, oldest first.
   *
   * @throws IndexOutOfBoundsException if {@code k} is not in {@code [0, size())}
   */
  public long timeAt(int k) {
    return times()[index(checkIndex(k))];
  }

  /**
   * Returns the value of the {@code k}-th held sample, oldest first.
   *
   * @throws IndexOutOfBoundsException if {@code k} is not in {@code [0, size())}
   */
  public double valueAt(int k) {
    return values[index(checkIndex(k))];
  }

  private int checkIndex(int k) {
    if (k < 0 || k >= size) throw new IndexOutOfBoundsException(k + " of " + size);
    return k;
  }

  /**
   * Returns the oldest sample's timestamp in epoch milliseconds.
   *
   * @throws NoSuchElementException if the window is empty
   */
  public long firstTimeMillis() {
    if (size == 0) throw new NoSuchElementException("empty window");
    return times()[head];
  }

  /**
   * Returns the {@code p}-th percentile of the values, interpolating linearly between the two
   * nearest ranks exactly as Prometheus' {@code quantile_over_time} does with {@code q = p / 100}:
   * with the values sorted ascending as {@code v[0..n-1]}, {@code rank = q * (n - 1)} and the
   * result is {@code v[floor(rank)] * (1 - w) + v[floor(rank) + 1] * w} with {@code w = rank -
   * floor(rank)}. So {@code p = 0} is the minimum, {@code p = 100} the maximum, {@code p = 50} of
   * {1, 2, 3, 4} is 2.5. Copies and sorts the values: O(n log n) time and O(n) memory per call.
   *
   * @param p the percentile, in [0, 100]
   * @return the percentile, or {@code NaN} when the window is empty
   * @throws IllegalArgumentException if {@code p} is not in [0, 100]
   */
  public double percentile(double p) {
    if (!(p >= 0 && p <= 100)) {
      throw new IllegalArgumentException("p is " + p + ": must be in [0, 100]");
    }
    if (size == 0) return Double.NaN;
    double[] sorted = new double[size];
    for (int k = 0; k < size; k++) sorted[k] = values[index(k)];
    Arrays.sort(sorted);
    double rank = p / 100 * (size - 1);
    int lower = (int) Math.floor(rank);
    int upper = Math.min(size - 1, lower + 1);
    double weight = rank - lower;
    return sorted[lower] * (1 - weight) + sorted[upper] * weight;
  }

  /**
   * Returns {@code (last - first) / seconds between them}: how fast the value changed across the
   * window, per second, from its two end samples only. It is a gauge difference, not Prometheus'
   * {@code rate()}: no counter-reset handling and no extrapolation to the window's edges; for a
   * slope that uses every sample see {@link #slopePerSecond()}.
   *
   * @return the change per second, or {@code NaN} with fewer than two samples or when the first and
   *     last share one timestamp
   */
  public double ratePerSecond() {
    if (size < 2) return Double.NaN;
    long millis = lastTimeMillis() - firstTimeMillis();
    if (millis == 0) return Double.NaN;
    return (last() - first()) / (millis / 1000.0);
  }

  /**
   * Returns the least-squares slope of value over time, per second, like Prometheus' {@code
   * deriv()}. A constant series has slope 0.
   *
   * @return the slope, or {@code NaN} with fewer than two samples, or when the values differ but
   *     all timestamps are equal
   */
  public double slopePerSecond() {
    if (size < 2) return Double.NaN;
    if (isConstant()) return 0;
    return fit().slope() * 1000;
  }

  /**
   * Returns the value the least-squares line through the window predicts at {@code atMillis}, like
   * Prometheus' {@code predict_linear(v[D], (atMillis - now) / 1000)}. As in Prometheus, a series
   * whose values are all equal predicts that value.
   *
   * @param atMillis epoch milliseconds, usually in the future
   * @return the predicted value, or {@code NaN} with fewer than two samples, or when the values
   *     differ but all timestamps are equal
   */
  public double predictLinear(long atMillis) {
    if (size < 2) return Double.NaN;
    if (isConstant()) return last();
    return fit().valueAt((double) atMillis);
  }

  /**
   * Returns how long after the newest sample the least-squares line through the window reaches
   * {@code threshold}, in milliseconds: for a disk filling at 1% per minute and now at 60%, the
   * time until 100% is 2,400,000.
   *
   * <ul>
   *   <li>{@code 0} if the fitted line is exactly at {@code threshold} at the newest sample.
   *   <li>{@link Double#POSITIVE_INFINITY} if it never will from now on: the line is flat (a
   *       constant series) at another value, or moves away from {@code threshold}, which includes a
   *       line that has already crossed it (rising and above it, or falling and below it). Compare
   *       {@link #last()} with the threshold to tell "already there" from "never".
   *   <li>{@code NaN} with fewer than two samples, or when the values differ but all timestamps are
   *       equal.
   * </ul>
   *
   * @throws IllegalArgumentException if {@code threshold} is not finite
   */
  public double timeUntil(double threshold) {
    if (!Double.isFinite(threshold)) {
      throw new IllegalArgumentException("threshold is " + threshold + ": not a finite number");
    }
    if (size < 2) return Double.NaN;
    if (isConstant()) return last() == threshold ? 0 : Double.POSITIVE_INFINITY;
    LinearFit f = fit();
    double slope = f.slope();
    if (Double.isNaN(slope)) return Double.NaN;
    long now = lastTimeMillis();
    if (f.valueAt((double) now) == threshold) return 0;
    if (slope == 0) return Double.POSITIVE_INFINITY;
    double millis = f.xWhere(threshold) - now;
    return millis >= 0 ? millis : Double.POSITIVE_INFINITY;
  }

  private boolean isConstant() {
    return min() == max();
  }

  private void evictOldest() {
    Extras x = extras;
    long[] t = times;
    long time = t == null ? 0 : t[head];
    double value = values[head];
    head = index(1);
    size--;
    if (size == 0) {
      head = 0;
      resetAggregates();
      return;
    }
    addToSum(-value);
    if (x != null) {
      long seq = x.nextSeq - size - 1;
      x.min.evict(seq);
      x.max.evict(seq);
      if (x.fit != null) x.fit.remove((double) time, value);
    }
    if (++evictionsSinceRecompute >= Math.max(size, INITIAL_CAPACITY)) recompute();
  }

  /** Neumaier's variant of Kahan summation: also exact when the addend is larger than the sum. */
  private void addToSum(double value) {
    double t = sum + value;
    if (Math.abs(sum) >= Math.abs(value)) {
      sumCompensation += (sum - t) + value;
    } else {
      sumCompensation += (value - t) + sum;
    }
    sum = t;
  }

  /**
   * Recomputes the sum and the fit from the samples: removes the drift that subtracting evicted
   * values leaves behind, and moves the fit's origin to the oldest sample. Called after as many
   * evictions as there are samples, so O(1) amortized.
   */
  private void recompute() {
    sum = 0;
    sumCompensation = 0;
    LinearFit fit = extras == null ? null : extras.fit;
    if (fit != null) fit.clear();
    for (int k = 0; k < size; k++) {
      int i = index(k);
      addToSum(values[i]);
      if (fit != null) fit.add((double) times()[i], values[i]);
    }
    evictionsSinceRecompute = 0;
  }

  private void resetAggregates() {
    sum = 0;
    sumCompensation = 0;
    evictionsSinceRecompute = 0;
    Extras x = extras;
    if (x != null) {
      x.min.clear();
      x.max.clear();
      if (x.fit != null) x.fit.clear();
    }
  }

  private int index(int offset) {
    int i = head + offset;
    return i >= values.length ? i - values.length : i;
  }

  private void grow() {
    int capacity = (int) Math.min((long) values.length * 2, maxSamples);
    long[] oldTimes = times;
    long[] newTimes = oldTimes == null ? null : new long[capacity];
    double[] newValues = new double[capacity];
    for (int k = 0; k < size; k++) {
      if (oldTimes != null && newTimes != null) newTimes[k] = oldTimes[index(k)];
      newValues[k] = values[index(k)];
    }
    times = newTimes;
    values = newValues;
    head = 0;
  }

  @Override
  public String toString() {
    return "SampleWindow{size="
        + size
        + ", maxSamples="
        + maxSamples
        + (maxAgeMillis == NO_AGE_LIMIT ? "" : ", maxAgeMillis=" + maxAgeMillis)
        + "}";
  }
}
