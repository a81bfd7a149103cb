package dev.vigil.http;

import static java.util.Objects.requireNonNull;

import dev.vigil.Ticker;
import dev.vigil.internal.Durations;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import io.github.resilience4j.retry.Retry;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import okhttp3.HttpUrl;
import okhttp3.Interceptor;
import okhttp3.OkHttpClient;
import org.jspecify.annotations.Nullable;

/**
 * The request settings the HTTP sources share, as one immutable value: timeouts, body cap, retry,
 * circuit breaker, {@code Retry-After} cap, retry budget, sweep deadline, request rate, clock,
 * ticker and the waits between attempts. Each source's public builder keeps its own documented
 * setters and hands them to a {@link Builder} of this class, which validates them once, in one
 * place, with the messages every source has always given; the source then makes its {@link
 * RequestPolicy} and its {@link OkHttpClient} from the value. Like Resilience4j's {@code
 * RetryConfig}: {@link #ofDefaults()}, {@link #builder()}, {@link #toBuilder()}. Package-private:
 * the sources' public builders stay as they were (the sinks' public counterpart is vigil-alerts'
 * {@code HttpSettings}).
 *
 * @param connectTimeout the connect timeout
 * @param readTimeout the longest wait for bytes
 * @param callTimeout the longest one request attempt may take
 * @param maxBodyBytes the largest response body read
 * @param retry the retry of every request, or null for {@link HttpJsonSource#defaultRetryConfig()}
 * @param circuitBreaker the circuit breaker, or null for one per source with {@link
 *     HttpJsonSource#defaultCircuitBreakerConfig()} on the {@code ticker}
 * @param maxRetryAfter the longest {@code Retry-After} waited for within a poll
 * @param retryBudget how many retries one poll may spend
 * @param sweepTimeout the longest one poll may take
 * @param requestsPerSecond the most requests per second, 0 for no limit
 * @param clock the wall clock that reads {@code Retry-After} dates
 * @param ticker the monotonic ticker of the deadline, the rate limit and the default breaker
 * @param sleeper the waits between attempts (replaced in tests)
 */
record SourceSettings(
    Duration connectTimeout,
    Duration readTimeout,
    Duration callTimeout,
    long maxBodyBytes,
    @Nullable Retry retry,
    @Nullable CircuitBreaker circuitBreaker,
    Duration maxRetryAfter,
    RetryBudget retryBudget,
    Duration sweepTimeout,
    double requestsPerSecond,
    Clock clock,
    Ticker ticker,
    Sleeper sleeper) {

  /** The defaults of {@link HttpJsonSource.Builder}. */
  static SourceSettings ofDefaults() {
    return builder().build();
  }

  /** A builder with the defaults of {@link #ofDefaults()}. */
  static Builder builder() {
    return new Builder();
  }

  /** A builder with these settings, for variations. */
  Builder toBuilder() {
    return new Builder(this);
  }

  /**
   * The policy every request attempt of a source goes through: the set retry and breaker, or new
   * ones named {@code name} with the default configurations (the breaker on the ticker).
   */
  RequestPolicy policy(String name) {
    Retry r = retry != null ? retry : Retry.of(name, HttpJsonSource.defaultRetryConfig());
    CircuitBreaker breaker =
        circuitBreaker != null
            ? circuitBreaker
            : CircuitBreaker.of(
                name,
                CircuitBreakerConfig.from(HttpJsonSource.defaultCircuitBreakerConfig())
                    .clock(new TickerClock(ticker))
                    .build());
    return new RequestPolicy(
        r, maxRetryAfter, sleeper, breaker, ticker, RateLimit.perSecond(requestsPerSecond));
  }

  /** The client of a source, made by {@link SafeClient} with these timeouts. */
  OkHttpClient client(
      @Nullable OkHttpClient host,
      HttpUrl baseUrl,
      int concurrency,
      List<Interceptor> interceptors) {
    return SafeClient.build(
        host, baseUrl, connectTimeout, readTimeout, callTimeout, concurrency, interceptors);
  }

  /** A new poll's deadline and retry budget. */
  SweepBudget newSweep() {
    return new SweepBudget(ticker, sweepTimeout, retryBudget);
  }

  /**
   * Checks a {@code maxBodyBytes} setting, for the sources whose other settings are not these.
   *
   * @throws IllegalArgumentException if {@code maxBodyBytes} is not positive
   */
  static long checkMaxBodyBytes(long maxBodyBytes) {
    if (maxBodyBytes < 1) {
      throw new IllegalArgumentException("maxBodyBytes must be positive: " + maxBodyBytes);
    }
    return maxBodyBytes;
  }

  /**
   * Checks a {@code concurrency} setting: the most requests in flight at once.
   *
   * @throws IllegalArgumentException if {@code concurrency} is not between 1 and {@code max}
   */
  static int checkConcurrency(int concurrency, int max) {
    if (concurrency < 1 || concurrency > max) {
      throw new IllegalArgumentException(
          "concurrency must be between 1 and " + max + ": " + concurrency);
    }
    return concurrency;
  }

  /**
   * Builds {@link SourceSettings}. Not thread safe. Setters reject bad values at once with a {@link
   * NullPointerException} or {@link IllegalArgumentException} naming the setting.
   */
  static final class Builder {
    private Duration connectTimeout = Duration.ofSeconds(10);
    private Duration readTimeout = Duration.ofSeconds(10);
    private Duration callTimeout = Duration.ofSeconds(30);
    private long maxBodyBytes = 8L * 1024 * 1024;
    private @Nullable Retry retry;
    private @Nullable CircuitBreaker circuitBreaker;
    private Duration maxRetryAfter = Duration.ofSeconds(30);
    private RetryBudget retryBudget = RetryBudget.ofDefaults();
    private Duration sweepTimeout = Duration.ofSeconds(50);
    private double requestsPerSecond;
    private Clock clock = Clock.systemUTC();
    private Ticker ticker = Ticker.system();
    private Sleeper sleeper = Sleeper.SYSTEM;

    private Builder() {}

    private Builder(SourceSettings s) {
      this.connectTimeout = s.connectTimeout;
      this.readTimeout = s.readTimeout;
      this.callTimeout = s.callTimeout;
      this.maxBodyBytes = s.maxBodyBytes;
      this.retry = s.retry;
      this.circuitBreaker = s.circuitBreaker;
      this.maxRetryAfter = s.maxRetryAfter;
      this.retryBudget = s.retryBudget;
      this.sweepTimeout = s.sweepTimeout;
      this.requestsPerSecond = s.requestsPerSecond;
      this.clock = s.clock;
      this.ticker = s.ticker;
      this.sleeper = s.sleeper;
    }

    /**
     * Sets the connect timeout; default 10 seconds.
     *
     * @throws NullPointerException if {@code timeout} is null
     * @throws IllegalArgumentException if it is not positive or too long
     */
    Builder connectTimeout(Duration timeout) {
      this.connectTimeout = Durations.timeout(timeout, "connectTimeout");
      return this;
    }

    /**
     * Sets the longest wait for bytes; default 10 seconds.
     *
     * @throws NullPointerException if {@code timeout} is null
     * @throws IllegalArgumentException if it is not positive or too long
     */
    Builder readTimeout(Duration timeout) {
      this.readTimeout = Durations.timeout(timeout, "readTimeout");
      return this;
    }

    /**
     * Sets the longest one request attempt may take; default 30 seconds.
     *
     * @throws NullPointerException if {@code timeout} is null
     * @throws IllegalArgumentException if it is not positive or too long
     */
    Builder callTimeout(Duration timeout) {
      this.callTimeout = Durations.timeout(timeout, "callTimeout");
      return this;
    }

    /**
     * Sets the largest response body read; default 8 MiB.
     *
     * @throws IllegalArgumentException if {@code maxBodyBytes} is not positive
     */
    Builder maxBodyBytes(long maxBodyBytes) {
      this.maxBodyBytes = checkMaxBodyBytes(maxBodyBytes);
      return this;
    }

    /**
     * Sets the retry of every request; default {@link HttpJsonSource#defaultRetryConfig()}.
     *
     * @throws NullPointerException if {@code retry} is null
     */
    Builder retry(Retry retry) {
      this.retry = requireNonNull(retry, "retry == null");
      return this;
    }

    /**
     * Sets the circuit breaker; default one per source.
     *
     * @throws NullPointerException if {@code circuitBreaker} is null
     */
    Builder circuitBreaker(CircuitBreaker circuitBreaker) {
      this.circuitBreaker = requireNonNull(circuitBreaker, "circuitBreaker == null");
      return this;
    }

    /**
     * Sets the longest {@code Retry-After} waited for in a poll; default 30 seconds.
     *
     * @throws NullPointerException if {@code max} is null
     * @throws IllegalArgumentException if {@code max} is negative
     */
    Builder maxRetryAfter(Duration max) {
      this.maxRetryAfter = Durations.nonNegative(max, "maxRetryAfter");
      return this;
    }

    /**
     * Sets how many retries one poll may spend; default {@link RetryBudget#ofDefaults()}.
     *
     * @throws NullPointerException if {@code budget} is null
     */
    Builder retryBudget(RetryBudget budget) {
      this.retryBudget = requireNonNull(budget, "retryBudget == null");
      return this;
    }

    /**
     * Sets the longest one poll may take; default 50 seconds.
     *
     * @throws NullPointerException if {@code timeout} is null
     * @throws IllegalArgumentException if {@code timeout} is not positive
     */
    Builder sweepTimeout(Duration timeout) {
      this.sweepTimeout = Durations.positive(timeout, "sweepTimeout");
      return this;
    }

    /**
     * Sets the most requests per second; default 0, no limit.
     *
     * @throws IllegalArgumentException if {@code requestsPerSecond} is negative, NaN or over
     *     1,000,000
     */
    Builder requestsPerSecond(double requestsPerSecond) {
      if (!(requestsPerSecond >= 0 && requestsPerSecond <= 1_000_000)) {
        throw new IllegalArgumentException(
            "requestsPerSecond must be between 0 and 1000000: " + requestsPerSecond);
      }
      this.requestsPerSecond = requestsPerSecond;
      return this;
    }

    /**
     * Sets the wall clock; default {@link Clock#systemUTC()}.
     *
     * @throws NullPointerException if {@code clock} is null
     */
    Builder clock(Clock clock) {
      this.clock = requireNonNull(clock, "clock == null");
      return this;
    }

    /**
     * Sets the monotonic ticker; default {@link Ticker#system()}.
     *
     * @throws NullPointerException if {@code ticker} is null
     */
    Builder ticker(Ticker ticker) {
      this.ticker = requireNonNull(ticker, "ticker == null");
      return this;
    }

    /**
     * Replaces the waits between attempts; for tests.
     *
     * @throws NullPointerException if {@code sleeper} is null
     */
    Builder sleeper(Sleeper sleeper) {
      this.sleeper = requireNonNull(sleeper, "sleeper == null");
      return this;
    }

    /** Returns the settings. */
    SourceSettings build() {
      return new SourceSettings(
          connectTimeout,
          readTimeout,
          callTimeout,
          maxBodyBytes,
          retry,
          circuitBreaker,
          maxRetryAfter,
          retryBudget,
          sweepTimeout,
          requestsPerSecond,
          clock,
          ticker,
          sleeper);
    }
  }
}
