package dev.vigil.http;

import java.util.concurrent.TimeUnit;

/** Waits between attempts and for rate-limit permits; tests pass one that records the waits. */
@FunctionalInterface
interface Sleeper {
  /** The real one: {@link TimeUnit#sleep}, ended by an interrupt. */
  Sleeper SYSTEM = TimeUnit.NANOSECONDS::sleep;

  /**
   * Waits {@code nanos} nanoseconds.
   *
   * @throws InterruptedException if the thread is interrupted while waiting
   */
  void sleep(long nanos) throws InterruptedException;
}
