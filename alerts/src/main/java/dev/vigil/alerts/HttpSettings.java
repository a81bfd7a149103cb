package dev.vigil.alerts;

import static java.util.Objects.requireNonNull;

import dev.vigil.internal.Durations;
import java.net.http.HttpClient;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.jspecify.annotations.Nullable;

/**
 * The HTTP settings every HTTP sink takes ({@link WebhookAlertSink}, {@link AlertmanagerSink},
 * {@link SlackAlertSink}, {@link TeamsAlertSink}, {@link PagerDutyAlertSink}), passed whole:
 *
 * <pre>{@code
 * HttpSettings http = HttpSettings.builder().timeout(Duration.ofSeconds(5)).build();
 * WebhookAlertSink.builder().url("https://hooks.example.com/vigil").http(http).build();
 * }</pre>
 *
 * <p>The sinks use the JDK's {@link HttpClient}, so vigil-alerts needs no HTTP library. Redirects
 * are never followed (a redirect would carry the {@code Authorization} header or the signed body
 * elsewhere): a 3xx is a permanent failure that names the status. Every request has a deadline
 * ({@link Builder#timeout}) that covers connecting, sending and reading the (capped) response.
 *
 * <p><b>Retry-After.</b> A 408, 429 or 5xx answer that carries {@code Retry-After} of at most
 * {@link Builder#maxRetryAfter} (10 s by default) is waited out on the sink's delivery thread and
 * the request sent once more, with the same idempotency key; a longer wait, or a second failure, is
 * thrown as a transient {@link HttpStatusException} that carries the {@code Retry-After}, for the
 * monitor's retry.
 *
 * <p>Immutable and thread safe.
 */
public final class HttpSettings {
  private static final HttpSettings DEFAULTS = builder().build();

  /** Waits out a {@code Retry-After}; replaced in tests so that they do not wait. */
  @FunctionalInterface
  interface Pauser {
    void pause(Duration d) throws InterruptedException;

    Pauser REAL =
        d -> {
          long deadline = System.nanoTime() + d.toNanos();
          for (long left = d.toNanos(); left > 0; left = deadline - System.nanoTime()) {
            LockSupport.parkNanos(left);
            if (Thread.interrupted()) throw new InterruptedException("waiting out Retry-After");
          }
        };
  }

  final Duration connectTimeout;
  final Duration timeout;
  final Duration maxRetryAfter;
  final @Nullable HttpClient client;
  final Pauser pauser;

  private HttpSettings(Builder b) {
    this.connectTimeout = b.connectTimeout;
    this.timeout = b.timeout;
    this.maxRetryAfter = b.maxRetryAfter;
    this.client = b.client;
    this.pauser = b.pauser;
  }

  /** Returns the defaults: connect timeout 5 s, request timeout 10 s, {@code Retry-After} 10 s. */
  public static HttpSettings ofDefaults() {
    return DEFAULTS;
  }

  /** Returns a new builder with the defaults. */
  public static Builder builder() {
    return new Builder();
  }

  /** Returns a builder that starts from these settings. */
  public Builder toBuilder() {
    Builder b = new Builder();
    b.connectTimeout = connectTimeout;
    b.timeout = timeout;
    b.maxRetryAfter = maxRetryAfter;
    b.client = client;
    b.pauser = pauser;
    return b;
  }

  /** The request deadline in whole milliseconds, for {@code Future.get}. */
  long timeoutMillis() {
    return TimeUnit.NANOSECONDS.toMillis(timeout.toNanos());
  }

  @Override
  public String toString() {
    return "HttpSettings{connectTimeout="
        + connectTimeout
        + ", timeout="
        + timeout
        + ", maxRetryAfter="
        + maxRetryAfter
        + (client != null ? ", client=host's" : "")
        + "}";
  }

  /** Builds {@link HttpSettings}. Not thread safe. */
  public static final class Builder {
    private Duration connectTimeout = Duration.ofSeconds(5);
    private Duration timeout = Duration.ofSeconds(10);
    private Duration maxRetryAfter = Duration.ofSeconds(10);
    private @Nullable HttpClient client;
    private Pauser pauser = Pauser.REAL;

    private Builder() {}

    /**
     * Sets how long to wait for the TCP (and TLS) connection; 5 s by default. Ignored with {@link
     * #client}, whose own connect timeout applies (the request deadline bounds it anyway).
     *
     * @throws NullPointerException if {@code timeout} is null
     * @throws IllegalArgumentException if {@code timeout} is not positive or too long
     */
    public Builder connectTimeout(Duration timeout) {
      this.connectTimeout = Durations.timeout(timeout, "connectTimeout");
      return this;
    }

    /**
     * Sets the deadline of one request, from connecting to the last byte of the response that is
     * read; 10 s by default.
     *
     * @throws NullPointerException if {@code timeout} is null
     * @throws IllegalArgumentException if {@code timeout} is not positive or too long
     */
    public Builder timeout(Duration timeout) {
      this.timeout = Durations.timeout(timeout, "timeout");
      return this;
    }

    /**
     * Sets the longest {@code Retry-After} the sink waits out itself before sending once more; zero
     * to never wait (the monitor's back-off then applies). 10 s by default.
     *
     * @throws NullPointerException if {@code max} is null
     * @throws IllegalArgumentException if {@code max} is negative or over 5 minutes
     */
    public Builder maxRetryAfter(Duration max) {
      Durations.nonNegative(max, "maxRetryAfter");
      if (max.compareTo(Duration.ofMinutes(5)) > 0) {
        throw new IllegalArgumentException(
            "maxRetryAfter must be at most PT5M (the delivery thread waits it out): " + max);
      }
      this.maxRetryAfter = max;
      return this;
    }

    /**
     * Uses the host's {@link HttpClient} (its proxy, TLS and executor). It must never follow
     * redirects ({@link HttpClient.Redirect#NEVER}, the JDK's default).
     *
     * @throws NullPointerException if {@code client} is null
     * @throws IllegalArgumentException if {@code client} follows redirects
     */
    public Builder client(HttpClient client) {
      requireNonNull(client, "client == null");
      if (client.followRedirects() != HttpClient.Redirect.NEVER) {
        throw new IllegalArgumentException(
            "client follows redirects ("
                + client.followRedirects()
                + "): a redirect would carry credentials or the signed body to another host;"
                + " build it with followRedirects(HttpClient.Redirect.NEVER)");
      }
      this.client = client;
      return this;
    }

    /** For tests: how a {@code Retry-After} is waited out. */
    Builder pauser(Pauser pauser) {
      this.pauser = requireNonNull(pauser, "pauser == null");
      return this;
    }

    /** Returns the settings. */
    public HttpSettings build() {
      return new HttpSettings(this);
    }
  }
}
