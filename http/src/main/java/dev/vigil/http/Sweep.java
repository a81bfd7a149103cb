package dev.vigil.http;

import dev.vigil.Ticker;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The state one poll (sweep) shares between its requests: its deadline on the monotonic ticker and
 * what it spent of its {@link RetryBudget}. Thread safe.
 */
final class Sweep {
  private final Ticker ticker;
  private final long deadline;
  private final RetryBudget budget;
  private final AtomicLong requests = new AtomicLong();
  private final AtomicLong retries = new AtomicLong();

  Sweep(Ticker ticker, Duration timeout, RetryBudget budget) {
    this.ticker = ticker;
    this.deadline = ticker.read() + timeout.toNanos();
    this.budget = budget;
  }

  /** Nanoseconds left before the deadline; zero or negative once it passed. */
  long remainingNanos() {
    return deadline - ticker.read();
  }

  boolean expired() {
    return remainingNanos() <= 0;
  }

  /** Counts a request attempt, first attempts and retries alike. */
  void countRequest() {
    requests.incrementAndGet();
  }

  /** Takes one retry from the budget; false if the budget is spent. */
  boolean tryRetry() {
    while (true) {
      long spent = retries.get();
      if (spent >= budget.allowed(requests.get())) return false;
      if (retries.compareAndSet(spent, spent + 1)) return true;
    }
  }
}
