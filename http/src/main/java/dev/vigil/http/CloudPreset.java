package dev.vigil.http;

import static java.util.Objects.requireNonNull;

import dev.vigil.PollContext;
import dev.vigil.Sample;
import dev.vigil.SourceException;
import dev.vigil.Ticker;
import dev.vigil.internal.Durations;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.retry.Retry;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.function.Function;
import java.util.function.Supplier;
import okhttp3.OkHttpClient;
import org.jspecify.annotations.Nullable;
import retrofit2.Call;

/**
 * What the cloud presets built on {@link RetrofitSource} ({@link HetznerCloudSource}, {@link
 * DigitalOceanSource}) share: the paging loop of a listing, the loop that reads every listed
 * resource with its failures reported under its name, and the builder settings that are handed to
 * the {@link RetrofitSource.Builder} underneath.
 */
final class CloudPreset {
  private CloudPreset() {}

  /** Reads one listing page: its items, and the call of the next page. */
  @FunctionalInterface
  interface Page<P> {
    /**
     * Takes the items of {@code page}, the answer of {@code call}, and returns the call of the next
     * page, or null if this was the last one.
     *
     * @throws SourceException if the page is bad data
     */
    @Nullable Call<P> read(Call<P> call, P page) throws SourceException;
  }

  /**
   * Reads the listing from {@code first} on, page after page, until {@link Page#read} gives no next
   * page. A next page after {@code maxPages} is bad data at {@code nextPath}.
   *
   * @throws SourceException if a page could not be read, was bad data, or there were too many
   * @throws InterruptedException if the polling thread is interrupted
   */
  static <P> void pages(
      RetrofitSource.Calls calls, Call<P> first, int maxPages, String nextPath, Page<P> reader)
      throws SourceException, InterruptedException {
    Call<P> call = first;
    for (int pages = 1; ; pages++) {
      Call<P> next = reader.read(call, calls.execute(call));
      if (next == null) return;
      if (pages >= maxPages) {
        throw calls.badData(call, nextPath, "more than maxPages=" + maxPages + " pages");
      }
      call = next; // Calls.execute refuses another origin
    }
  }

  /** Reads some of a listed resource's samples. */
  @FunctionalInterface
  interface Part<R> {
    /**
     * Reads the samples of {@code resource}.
     *
     * @throws SourceException if they could not be read
     * @throws InterruptedException if the polling thread is interrupted
     */
    List<Sample> read(R resource) throws SourceException, InterruptedException;
  }

  /**
   * Reads every part of every listed resource, in order; a part that fails is reported through
   * {@link PollContext#reportError} under the resource's name, and the other parts and resources
   * still give samples.
   *
   * @throws InterruptedException if the polling thread is interrupted
   */
  static <R> List<Sample> readEach(
      List<R> listed, Function<R, String> name, List<Part<R>> parts, PollContext context)
      throws InterruptedException {
    List<Sample> samples = new ArrayList<>();
    for (R resource : listed) {
      for (Part<R> part : parts) {
        try {
          samples.addAll(part.read(resource));
        } catch (SourceException e) {
          context.reportError(name.apply(resource), e);
        }
      }
    }
    return samples;
  }

  /**
   * The builder settings of a preset. Not thread safe. Setters reject bad values at once naming the
   * setting; {@link #build} rejects a missing token.
   *
   * @param <B> the preset's public builder
   * @param <A> the preset's Retrofit service interface
   */
  abstract static class Builder<B extends Builder<B, A>, A> {
    final RetrofitSource.Builder<A> http;
    private boolean tokenSet;
    int maxPages = 100;

    Builder(Class<A> service, String baseUrl, String codePointer, String messagePointer) {
      this.http =
          RetrofitSource.builder(service).baseUrl(baseUrl).errorBody(codePointer, messagePointer);
    }

    @SuppressWarnings("unchecked") // B is the class that extends this one
    private B self() {
      return (B) this;
    }

    /**
     * Sets the API's base URL; default the preset's {@code DEFAULT_BASE_URL}.
     *
     * @throws NullPointerException if {@code baseUrl} is null
     * @throws IllegalArgumentException if it is not an http or https URL ending in {@code /}
     */
    public B baseUrl(String baseUrl) {
      http.baseUrl(baseUrl);
      return self();
    }

    /**
     * Sets the API token (read access is enough).
     *
     * @throws NullPointerException if {@code token} is null
     * @throws IllegalArgumentException if it is blank or not valid in a header
     */
    public B bearerToken(String token) {
      http.bearerToken(token);
      tokenSet = true;
      return self();
    }

    /**
     * Sets a supplier of the API token, asked before every request.
     *
     * @throws NullPointerException if {@code tokens} is null
     */
    public B bearerToken(Supplier<String> tokens) {
      http.bearerToken(tokens);
      tokenSet = true;
      return self();
    }

    /**
     * Sets the most listing pages read in one poll; default 100.
     *
     * @throws IllegalArgumentException if it is not positive
     */
    public B maxPages(int maxPages) {
      if (maxPages < 1)
        throw new IllegalArgumentException("maxPages must be positive: " + maxPages);
      this.maxPages = maxPages;
      return self();
    }

    /**
     * Uses the host's OkHttp client; see {@link RetrofitSource.Builder#client}.
     *
     * @throws NullPointerException if {@code client} is null
     */
    public B client(OkHttpClient client) {
      http.client(client);
      return self();
    }

    /**
     * Limits the requests to this many per second; default no limit.
     *
     * @throws IllegalArgumentException if negative, NaN or over 1,000,000
     */
    public B requestsPerSecond(double requestsPerSecond) {
      http.requestsPerSecond(requestsPerSecond);
      return self();
    }

    /**
     * Sets the longest one poll takes; default 50 seconds.
     *
     * @throws NullPointerException if {@code timeout} is null
     * @throws IllegalArgumentException if it is not positive
     */
    public B sweepTimeout(Duration timeout) {
      http.sweepTimeout(timeout);
      return self();
    }

    /**
     * Sets the retry of every request; default {@link HttpJsonSource#defaultRetryConfig()}.
     *
     * @throws NullPointerException if {@code retry} is null
     */
    public B retry(Retry retry) {
      http.retry(retry);
      return self();
    }

    /**
     * Sets the circuit breaker; default one per source.
     *
     * @throws NullPointerException if {@code circuitBreaker} is null
     */
    public B circuitBreaker(CircuitBreaker circuitBreaker) {
      http.circuitBreaker(circuitBreaker);
      return self();
    }

    /**
     * Sets the wall clock; default {@link Clock#systemUTC()}.
     *
     * @throws NullPointerException if {@code clock} is null
     */
    public B clock(Clock clock) {
      http.clock(clock);
      return self();
    }

    /**
     * Sets the monotonic ticker; default {@link Ticker#system()}.
     *
     * @throws NullPointerException if {@code ticker} is null
     */
    public B ticker(Ticker ticker) {
      http.ticker(ticker);
      return self();
    }

    /** Replaces the waits between attempts; for tests. */
    B sleeper(Sleeper sleeper) {
      http.sleeper(sleeper);
      return self();
    }

    /**
     * Checks a window setting: positive, from {@code min} to a day.
     *
     * @throws NullPointerException if {@code window} is null
     * @throws IllegalArgumentException if it is out of that range
     */
    static Duration window(Duration window, Duration min, String minText) {
      Durations.positive(window, "window");
      if (window.compareTo(min) < 0 || window.compareTo(Duration.ofDays(1)) > 0) {
        throw new IllegalArgumentException(
            "window must be between " + minText + " and 1 day: " + window);
      }
      return window;
    }

    /**
     * Checks a choice of names, such as the metrics read: at least one, each of {@code known}
     * (case-insensitive), in the order given.
     *
     * @throws NullPointerException if {@code given} or one of them is null
     * @throws IllegalArgumentException if none is given or one is unknown
     */
    static Set<String> choose(String[] given, List<String> known, String plural, String singular) {
      requireNonNull(given, plural + " == null");
      if (given.length == 0) throw new IllegalArgumentException(plural + ": give at least one");
      Set<String> chosen = new LinkedHashSet<>();
      for (String g : given) {
        requireNonNull(g, singular + " == null");
        String lower = g.toLowerCase(Locale.ROOT);
        if (!known.contains(lower)) {
          throw new IllegalArgumentException("unknown " + singular + " " + g + ": one of " + known);
        }
        chosen.add(lower);
      }
      return chosen;
    }

    /**
     * The source underneath, polling with {@code poll}.
     *
     * @throws IllegalStateException if no token is set: {@code missingToken} says which to get
     */
    RetrofitSource<A> build(RetrofitSource.Poller<A> poll, String missingToken) {
      if (!tokenSet) throw new IllegalStateException("bearerToken is not set: " + missingToken);
      return http.poll(poll).build();
    }
  }
}
