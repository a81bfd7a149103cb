package dev.vigil.testing;

import static java.util.Objects.requireNonNull;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Assertions;

/**
 * Waits for a condition with a deadline, re-checking it every fraction of a millisecond: the way to
 * wait for something a monitor's threads do (a poll counted in {@code stats()}, a server that saw a
 * request) without a fixed sleep. For notifications prefer {@link RecordingSink#awaitCount}, which
 * wakes as soon as the sink is called.
 *
 * <pre>{@code
 * monitor.start();
 * Await.until("two polls", () -> monitor.stats().source("cloud").polls() >= 2);
 * }</pre>
 *
 * <p>Thread safe: it only reads the condition.
 */
public final class Await {
  /** How long {@link #until(String, BooleanSupplier)} waits: 10 seconds. */
  public static final Duration TIMEOUT = Duration.ofSeconds(10);

  private Await() {}

  /**
   * Waits up to {@link #TIMEOUT} for {@code condition} to hold.
   *
   * @param what what is awaited, for the failure message
   * @throws org.opentest4j.AssertionFailedError if the condition does not hold in time
   * @throws NullPointerException if an argument is null
   */
  public static void until(String what, BooleanSupplier condition) {
    until(what, TIMEOUT, condition);
  }

  /**
   * Waits up to {@code timeout} for {@code condition} to hold. Keeps the thread's interrupt status:
   * an interrupted wait fails at once.
   *
   * @param what what is awaited, for the failure message
   * @throws org.opentest4j.AssertionFailedError if the condition does not hold in time
   * @throws NullPointerException if an argument is null
   */
  public static void until(String what, Duration timeout, BooleanSupplier condition) {
    requireNonNull(what, "what == null");
    requireNonNull(timeout, "timeout == null");
    requireNonNull(condition, "condition == null");
    long deadline = System.nanoTime() + timeout.toNanos();
    while (!condition.getAsBoolean()) {
      if (Thread.currentThread().isInterrupted()) {
        Assertions.fail("interrupted while waiting for " + what);
      }
      if (System.nanoTime() - deadline > 0) {
        Assertions.fail("timed out after " + timeout + " waiting for " + what);
      }
      LockSupport.parkNanos(TimeUnit.MICROSECONDS.toNanos(200));
    }
  }
}
