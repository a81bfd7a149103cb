package dev.vigil.testing;

import static java.util.Objects.requireNonNull;

import dev.vigil.ResourceMonitor;
import java.time.Duration;
import java.time.Instant;

/**
 * A {@link ManualClock} and a {@link ManualTicker} that move together, so that wall time and
 * monotonic time agree in a test.
 *
 * <pre>{@code
 * VirtualTime time = VirtualTime.create();
 * ResourceMonitor monitor = time.configure(ResourceMonitor.builder())...build();
 * time.advance(Duration.ofMinutes(1)); // clock and ticker both move one minute
 * }</pre>
 *
 * <p>Move time through {@link #advance} only: moving {@link #clock()} or {@link #ticker()} on its
 * own is possible but makes them disagree, and {@link #elapsed()} follows the ticker.
 *
 * <p><b>Thread safety.</b> Thread safe. {@link #advance} calls are serialised, but a reader on
 * another thread may see the clock already moved and the ticker not yet.
 *
 * <p><b>Lifecycle.</b> None: it holds no resources.
 */
public final class VirtualTime {
  private final ManualClock clock;
  private final ManualTicker ticker;

  private VirtualTime(Instant start) {
    this.clock = ManualClock.startingAt(start);
    this.ticker = ManualTicker.create();
  }

  /** Returns virtual time starting at {@link ManualClock#DEFAULT_START}. */
  public static VirtualTime create() {
    return new VirtualTime(ManualClock.DEFAULT_START);
  }

  /**
   * Returns virtual time whose clock starts at {@code start}.
   *
   * @throws NullPointerException if {@code start} is null
   */
  public static VirtualTime startingAt(Instant start) {
    return new VirtualTime(requireNonNull(start, "start == null"));
  }

  /** The wall clock, for {@link ResourceMonitor.Builder#clock}. */
  public ManualClock clock() {
    return clock;
  }

  /** The monotonic ticker, for {@link ResourceMonitor.Builder#ticker}. */
  public ManualTicker ticker() {
    return ticker;
  }

  /**
   * Sets {@code builder}'s clock and ticker to this virtual time's.
   *
   * @return {@code builder}
   * @throws NullPointerException if {@code builder} is null
   */
  public ResourceMonitor.Builder configure(ResourceMonitor.Builder builder) {
    requireNonNull(builder, "builder == null");
    return builder.clock(clock).ticker(ticker);
  }

  /**
   * Moves the clock and the ticker forward by {@code duration}.
   *
   * @return the clock's new instant
   * @throws NullPointerException if {@code duration} is null
   * @throws IllegalArgumentException if {@code duration} is negative
   */
  public synchronized Instant advance(Duration duration) {
    requireNonNull(duration, "duration == null");
    if (duration.isNegative()) {
      throw new IllegalArgumentException(
          "duration is negative: " + duration + " (time never goes back)");
    }
    ticker.advance(duration);
    return clock.advance(duration);
  }

  /** The clock's current instant. */
  public Instant now() {
    return clock.instant();
  }

  /** How far the ticker has moved since this virtual time was created. */
  public Duration elapsed() {
    return Duration.ofNanos(ticker.read());
  }

  @Override
  public String toString() {
    return "VirtualTime[" + now() + ", elapsed " + elapsed() + "]";
  }
}
