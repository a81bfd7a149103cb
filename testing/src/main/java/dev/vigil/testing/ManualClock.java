package dev.vigil.testing;

import static java.util.Objects.requireNonNull;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A wall clock that moves only when a test moves it, for {@link
 * dev.vigil.ResourceMonitor.Builder#clock}. Like Micrometer's {@code MockClock}.
 *
 * <pre>{@code
 * ManualClock clock = ManualClock.create();          // 2026-01-01T00:00:00Z
 * clock.advance(Duration.ofMinutes(5));
 * clock.set(Instant.parse("2026-01-02T00:00:00Z"));  // never backwards
 * }</pre>
 *
 * <p><b>Time only goes forward</b>, unless a test says otherwise. {@link #advance} rejects negative
 * durations and {@link #set} rejects instants before the current one, so code under test never sees
 * time run backwards by accident. {@link #step} moves the clock either way on purpose, as NTP or a
 * resumed virtual machine steps a real wall clock, to test that durations follow the monotonic
 * ticker instead.
 *
 * <p><b>Thread safety.</b> Thread safe: a test thread may move the clock while monitor threads read
 * it. Clocks returned by {@link #withZone} share this clock's time: moving one moves all.
 *
 * <p><b>Lifecycle.</b> None: create it, pass it, move it; it holds no resources.
 */
public final class ManualClock extends Clock {

  /** Where a clock starts unless told otherwise: {@code 2026-01-01T00:00:00Z}. */
  public static final Instant DEFAULT_START = Instant.parse("2026-01-01T00:00:00Z");

  private final AtomicReference<Instant> now;
  private final ZoneId zone;

  private ManualClock(AtomicReference<Instant> now, ZoneId zone) {
    this.now = now;
    this.zone = zone;
  }

  /** Returns a clock at {@link #DEFAULT_START}, in UTC. */
  public static ManualClock create() {
    return startingAt(DEFAULT_START);
  }

  /**
   * Returns a clock at {@code start}, in UTC.
   *
   * @throws NullPointerException if {@code start} is null
   */
  public static ManualClock startingAt(Instant start) {
    requireNonNull(start, "start == null");
    return new ManualClock(new AtomicReference<>(start), ZoneOffset.UTC);
  }

  /**
   * Moves the clock forward by {@code duration}; zero leaves it where it is.
   *
   * @return the clock's new instant
   * @throws NullPointerException if {@code duration} is null
   * @throws IllegalArgumentException if {@code duration} is negative
   */
  public Instant advance(Duration duration) {
    requireNonNull(duration, "duration == null");
    if (duration.isNegative()) {
      throw new IllegalArgumentException(
          "duration is negative: " + duration + " (time never goes back)");
    }
    return now.updateAndGet(t -> t.plus(duration));
  }

  /**
   * Moves the clock to {@code instant}, which must not lie before the clock's current instant.
   *
   * @throws NullPointerException if {@code instant} is null
   * @throws IllegalArgumentException if {@code instant} is before the current instant
   */
  public void set(Instant instant) {
    requireNonNull(instant, "instant == null");
    now.getAndUpdate(
        t -> {
          if (instant.isBefore(t)) {
            throw new IllegalArgumentException(
                "cannot set the clock back from "
                    + t
                    + " to "
                    + instant
                    + " (time never goes back)");
          }
          return instant;
        });
  }

  /**
   * Steps the clock by {@code offset}, forwards or backwards, without moving any ticker: what an
   * NTP correction or a resumed virtual machine does to a real wall clock. Clock-step tests use it;
   * everything else moves time with {@link #advance}.
   *
   * <pre>{@code
   * time.clock().step(Duration.ofHours(-3)); // the wall clock jumps back 3 h, the ticker does not
   * }</pre>
   *
   * @return the clock's new instant
   * @throws NullPointerException if {@code offset} is null
   */
  public Instant step(Duration offset) {
    requireNonNull(offset, "offset == null");
    return now.updateAndGet(t -> t.plus(offset));
  }

  /** The time now; the reference is set in the factory and never cleared. */
  private Instant current() {
    return requireNonNull(now.get(), "now");
  }

  @Override
  public Instant instant() {
    return current();
  }

  @Override
  public long millis() {
    return current().toEpochMilli();
  }

  @Override
  public ZoneId getZone() {
    return zone;
  }

  /**
   * Returns a clock in {@code zone} that shares this clock's time: moving either moves both.
   *
   * @throws NullPointerException if {@code zone} is null
   */
  @Override
  public ManualClock withZone(ZoneId zone) {
    requireNonNull(zone, "zone == null");
    return zone.equals(this.zone) ? this : new ManualClock(now, zone);
  }

  @Override
  public String toString() {
    return "ManualClock[" + now.get() + ", " + zone + "]";
  }
}
