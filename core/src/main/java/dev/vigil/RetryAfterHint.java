package dev.vigil;

import java.time.Duration;
import java.util.Optional;

/**
 * Implemented by an exception a sink throws when the receiver said how long to wait (HTTP 429 or
 * 503 with {@code Retry-After}): the monitor waits that long before the next attempt instead of its
 * exponential back-off, capped at {@value #MAX_WAIT_MINUTES} minutes. Only the sink's own thread
 * waits, so no other sink is delayed.
 */
public interface RetryAfterHint {
  /** The longest wait a hint can ask for, in minutes. */
  int MAX_WAIT_MINUTES = 5;

  /** How long the receiver asked to wait before the next attempt; empty if it did not say. */
  Optional<Duration> retryAfter();
}
