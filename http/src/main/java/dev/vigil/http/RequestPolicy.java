package dev.vigil.http;

import dev.vigil.SourceException;
import dev.vigil.SourceException.Kind;
import dev.vigil.Ticker;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.retry.Retry;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What happens around each request attempt of a source: the circuit breaker, the retry with its
 * back-off or the server's {@code Retry-After} (capped), and the poll's retry budget and deadline.
 * Retry is outside the breaker, as Resilience4j orders its decorators, so that an attempt the open
 * circuit refuses is not retried by the default retry. Thread safe; one per source.
 */
final class RequestPolicy {
  private static final Logger log = LoggerFactory.getLogger(RequestPolicy.class);

  private final Retry retry;
  private final Duration maxRetryAfter;
  private final Sleeper sleeper;
  private final CircuitBreaker breaker;
  private final Ticker ticker;
  private final RateLimit rateLimit;

  RequestPolicy(
      Retry retry,
      Duration maxRetryAfter,
      Sleeper sleeper,
      CircuitBreaker breaker,
      Ticker ticker,
      RateLimit rateLimit) {
    this.rateLimit = rateLimit;
    this.retry = retry;
    this.maxRetryAfter = maxRetryAfter;
    this.sleeper = sleeper;
    this.breaker = breaker;
    this.ticker = ticker;
  }

  /** One request attempt. */
  @FunctionalInterface
  interface Attempt<T> {
    T run() throws SourceException;
  }

  /**
   * Runs {@code attempt}, again after a failure while the retry, the sweep's budget and its
   * deadline allow.
   *
   * @throws SourceException the last failure
   * @throws InterruptedException if interrupted while waiting between attempts
   */
  <T> T execute(Attempt<T> attempt, SweepBudget sweep, String shownUrl)
      throws SourceException, InterruptedException {
    return execute(attempt, sweep, "GET", shownUrl);
  }

  /**
   * Runs {@code attempt} as {@link #execute(Attempt, SweepBudget, String)} does, naming {@code
   * method} in the messages of requests not sent.
   */
  <T> T execute(Attempt<T> attempt, SweepBudget sweep, String method, String shownUrl)
      throws SourceException, InterruptedException {
    Retry.AsyncContext<T> context = retry.asyncContext();
    while (true) {
      long slot = rateLimit.reserve(ticker);
      if (slot > 0) {
        if (slot >= sweep.remainingNanos()) throw rateLimited(method, shownUrl);
        sleeper.sleep(slot);
      }
      T result;
      try {
        result = guarded(attempt, sweep, method, shownUrl);
      } catch (Canceled e) {
        throw e;
      } catch (SourceException e) {
        long waitNanos = waitBeforeRetry(context, e, sweep, shownUrl);
        if (waitNanos < 0) throw e;
        sleeper.sleep(waitNanos);
        continue;
      }
      context.onComplete();
      return result;
    }
  }

  /** One attempt through the circuit breaker. */
  private <T> T guarded(Attempt<T> attempt, SweepBudget sweep, String method, String shownUrl)
      throws SourceException {
    if (!breaker.tryAcquirePermission()) throw circuitOpen(method, shownUrl);
    sweep.countRequest();
    long start = ticker.read();
    try {
      T result = attempt.run();
      breaker.onSuccess(ticker.read() - start, TimeUnit.NANOSECONDS);
      return result;
    } catch (Canceled e) {
      breaker.releasePermission(); // says nothing about the API
      throw e;
    } catch (SourceException | RuntimeException e) {
      // The breaker's recordException predicate decides: by default only what is worth a retry
      // (timeouts, connection failures, 408, 429, 5xx) counts as a failure; 404 or bad data do
      // not mean the API is down.
      breaker.onError(ticker.read() - start, TimeUnit.NANOSECONDS, e);
      throw e;
    }
  }

  private static SourceException rateLimited(String method, String shownUrl) {
    return new SourceException(
        Kind.TIMEOUT,
        method
            + " "
            + shownUrl
            + ": not sent: the source's requestsPerSecond limit would delay it past the sweep"
            + " deadline",
        shownUrl,
        -1,
        null,
        null);
  }

  private SourceException circuitOpen(String method, String shownUrl) {
    return new SourceException(
        Kind.CIRCUIT_OPEN,
        method
            + " "
            + shownUrl
            + ": not sent: the circuit breaker "
            + breaker.getName()
            + " is "
            + breaker.getState()
            + " after repeated failures; the API is tried again after "
            + breaker.getCircuitBreakerConfig().getWaitIntervalFunctionInOpenState().apply(1)
            + " ms",
        shownUrl,
        -1,
        null,
        null);
  }

  /** Nanoseconds to wait before the next attempt, or -1 if {@code e} is final. */
  private long waitBeforeRetry(
      Retry.AsyncContext<?> context, SourceException e, SweepBudget sweep, String shownUrl) {
    long backoffMillis = context.onError(e);
    if (backoffMillis < 0) return -1; // not retryable, or no attempts left
    long waitNanos = TimeUnit.MILLISECONDS.toNanos(backoffMillis);
    Duration retryAfter = e instanceof StatusException s ? s.retryAfter() : null;
    if (retryAfter != null) {
      if (retryAfter.compareTo(maxRetryAfter) > 0) {
        log.debug(
            "GET {}: not retried: Retry-After {} exceeds maxRetryAfter={}",
            shownUrl,
            retryAfter,
            maxRetryAfter);
        return -1;
      }
      waitNanos = retryAfter.toNanos();
    }
    if (waitNanos >= sweep.remainingNanos()) {
      log.debug("GET {}: not retried: the wait would end after the sweep deadline", shownUrl);
      return -1;
    }
    if (!sweep.tryRetry()) {
      log.debug("GET {}: not retried: this poll's retry budget is spent", shownUrl);
      return -1;
    }
    return waitNanos;
  }
}
