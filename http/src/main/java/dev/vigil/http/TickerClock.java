package dev.vigil.http;

import dev.vigil.Ticker;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;

/**
 * A {@link Clock} that reads the monotonic {@link Ticker}, for Resilience4j's circuit breaker,
 * which measures its open state with a clock: a wall-clock step then neither holds the circuit open
 * nor closes it early. Only differences between its instants mean anything.
 */
final class TickerClock extends Clock {
  private final Ticker ticker;

  TickerClock(Ticker ticker) {
    this.ticker = ticker;
  }

  @Override
  public ZoneId getZone() {
    return ZoneOffset.UTC;
  }

  @Override
  public Clock withZone(ZoneId zone) {
    return this;
  }

  @Override
  public Instant instant() {
    long nanos = ticker.read();
    return Instant.ofEpochSecond(0, 0).plusNanos(nanos);
  }

  @Override
  public long millis() {
    return ticker.read() / 1_000_000;
  }

  @Override
  public String toString() {
    return "TickerClock{" + ticker + "}";
  }
}
