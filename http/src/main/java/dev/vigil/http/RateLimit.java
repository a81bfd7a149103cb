package dev.vigil.http;

import dev.vigil.Ticker;

/**
 * Spaces a source's requests at most {@code requestsPerSecond} apart, on the monotonic ticker: each
 * request reserves the next free slot and waits for it. Retries take slots too. No burst: a poll of
 * 600 resources at 10 per second takes a minute however long the source was idle. Thread safe.
 */
final class RateLimit {
  /** No limit. */
  static final RateLimit NONE = new RateLimit(0);

  private final long intervalNanos;
  private long next = Long.MIN_VALUE;

  private RateLimit(long intervalNanos) {
    this.intervalNanos = intervalNanos;
  }

  static RateLimit perSecond(double requestsPerSecond) {
    return requestsPerSecond <= 0 ? NONE : new RateLimit((long) (1e9 / requestsPerSecond));
  }

  /** Reserves the next slot; returns how many nanoseconds to wait for it from {@code now}. */
  long reserve(Ticker ticker) {
    if (intervalNanos == 0) return 0;
    synchronized (this) {
      long now = ticker.read();
      long at = next == Long.MIN_VALUE || next - now < 0 ? now : next;
      next = at + intervalNanos;
      return at - now;
    }
  }
}
