package dev.vigil;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;

/**
 * A UTC wall clock that moves only when a test advances it, for core's white-box tests of
 * package-private classes. Core's tests cannot use vigil-testing's {@code ManualClock} (that module
 * depends on core); black-box tests live in {@code tests/} and use the kit.
 */
final class SteppedClock extends Clock {
  private volatile Instant now;

  SteppedClock(Instant now) {
    this.now = now;
  }

  void advance(Duration duration) {
    now = now.plus(duration);
  }

  @Override
  public Instant instant() {
    return now;
  }

  @Override
  public ZoneId getZone() {
    return ZoneOffset.UTC;
  }

  @Override
  public Clock withZone(ZoneId zone) {
    throw new UnsupportedOperationException("fixed to UTC");
  }
}
