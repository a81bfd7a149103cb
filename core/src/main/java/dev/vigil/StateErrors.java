package dev.vigil;

import dev.vigil.internal.LogThrottle;
import dev.vigil.internal.Loggers;
import dev.vigil.internal.Throwables;

/**
 * Failures of the monitor's {@code StateStore}: logged once, then at most once a minute per
 * operation and cause. The monitor goes on in memory: a store that is down costs durability, never
 * a notification. Thread safe.
 */
final class StateErrors {
  private final LogThrottle throttle = LogThrottle.perMinute(System::nanoTime);

  void failed(String operation, String space, Exception e) {
    long repeats = throttle.admit(operation + "\0" + Throwables.kind(e));
    if (repeats >= 0) {
      Loggers.DELIVERY.warn(
          "State store failed to {} {}; going on in memory: {}{}",
          operation,
          space,
          Throwables.message(e),
          LogThrottle.repeats(repeats));
    }
  }
}
