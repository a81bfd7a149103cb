package dev.vigil.testing;

import static java.util.Objects.requireNonNull;

import dev.vigil.Ticker;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A monotonic {@link Ticker} that moves only when a test moves it, for {@link
 * dev.vigil.ResourceMonitor.Builder#ticker}. Like Guava's {@code FakeTicker}. It starts at 0 and
 * only ever goes forward.
 *
 * <pre>{@code
 * ManualTicker ticker = ManualTicker.create();
 * ResourceMonitor monitor = ResourceMonitor.builder().ticker(ticker)...build();
 * ticker.advance(Duration.ofMinutes(1)); // a started monitor sees this within a millisecond
 * }</pre>
 *
 * <p><b>Thread safety.</b> Thread safe: a test thread may move the ticker while monitor threads
 * read it.
 *
 * <p><b>Lifecycle.</b> None: it holds no resources.
 */
public final class ManualTicker implements Ticker {
  private final AtomicLong nanos = new AtomicLong();

  private ManualTicker() {}

  /** Returns a ticker reading 0. */
  public static ManualTicker create() {
    return new ManualTicker();
  }

  /**
   * Moves the ticker forward by {@code duration}; zero leaves it where it is.
   *
   * @return the new reading in nanoseconds
   * @throws NullPointerException if {@code duration} is null
   * @throws IllegalArgumentException if {@code duration} is negative
   * @throws ArithmeticException if {@code duration} does not fit in a {@code long} of nanoseconds
   */
  public long advance(Duration duration) {
    requireNonNull(duration, "duration == null");
    if (duration.isNegative()) {
      throw new IllegalArgumentException(
          "duration is negative: " + duration + " (a ticker never goes back)");
    }
    long delta = duration.toNanos();
    return nanos.updateAndGet(n -> Math.addExact(n, delta));
  }

  @Override
  public long read() {
    return nanos.get();
  }

  @Override
  public String toString() {
    return "ManualTicker[" + Duration.ofNanos(nanos.get()) + "]";
  }
}
