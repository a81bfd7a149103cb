package dev.vigil.http;

import static java.util.Objects.requireNonNull;

import com.squareup.moshi.Moshi;
import dev.vigil.MetricSource;
import dev.vigil.PollContext;
import dev.vigil.Sample;
import dev.vigil.SourceException;
import dev.vigil.SourceException.Kind;
import dev.vigil.Ticker;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.retry.Retry;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;
import okhttp3.HttpUrl;
import okhttp3.Interceptor;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;
import okhttp3.ResponseBody;
import org.jspecify.annotations.Nullable;
import retrofit2.Call;
import retrofit2.Retrofit;

/**
 * A {@link MetricSource} for any JSON API: you declare its Retrofit service interface and a
 * function from its answers to samples; Vigil supplies the {@link Retrofit} instance and runs every
 * call through what {@link HttpJsonSource} has (timeouts, bearer or OAuth2 auth, retry with
 * back-off and {@code Retry-After}, circuit breaker, rate limit, sweep deadline, body size cap,
 * scrubbing of secrets).
 *
 * <pre>{@code
 * interface CloudApi {
 *   @GET("v1/servers") Call<ServerPage> servers(@Query("page") int page);
 *   @GET("v1/servers/{id}/metrics") Call<Metrics> metrics(@Path("id") long id, @Query("type") String type);
 * }
 *
 * RetrofitSource<CloudApi> cloud = RetrofitSource.builder(CloudApi.class)
 *     .baseUrl("https://api.example.com/")
 *     .bearerToken(System.getenv("CLOUD_TOKEN"))
 *     .poll((api, calls, context) -> {
 *       List<Sample> samples = new ArrayList<>();
 *       for (Server s : calls.execute(api.servers(1)).servers()) {
 *         try {
 *           Metrics m = calls.execute(api.metrics(s.id(), "cpu"));
 *           samples.add(Sample.of("cpu_usage", s.name(), m.cpu(), context.now()));
 *         } catch (SourceException e) {
 *           context.reportError(s.name(), e); // the others still give samples
 *         }
 *       }
 *       return samples;
 *     })
 *     .build();
 * }</pre>
 *
 * <p><b>Calls.</b> Service methods must return {@link Call}; {@link Calls#execute} runs one (again
 * after a failure, as the retry allows) and returns its body, decoded by Moshi (pass your own with
 * {@link Builder#moshi} for custom adapters; Java records and classes work as they are). Use boxed
 * types ({@code Double}, not {@code double}) for values that must be present and check them: Moshi
 * leaves a missing primitive at 0, which would be a made-up value.
 *
 * <p><b>Errors.</b> {@link Calls#execute} throws a {@link SourceException} naming the method and
 * URL (without credentials): {@link Kind#AUTH} for 401 and 403 or a failing token, {@link
 * Kind#HTTP_STATUS} for other non-2xx answers (429 with the {@code Retry-After} or {@code
 * RateLimit-Reset} it asked for, 5xx, redirects, which are never followed), {@link Kind#TIMEOUT},
 * {@link Kind#CONNECTION}, {@link Kind#CIRCUIT_OPEN}, and {@link Kind#BAD_DATA} with the JSON path
 * for malformed JSON, a wrong type ({@code JsonDataException}), an empty or oversized body. With
 * {@link Builder#errorBody} the provider's own error code and message join the message. Report
 * per-resource failures through {@link PollContext#reportError}; if the function returns no sample
 * but reported errors, the poll fails with the first of them (the others suppressed), so the
 * monitor's source-health alert fires. Requests the open circuit breaker or the sweep deadline
 * refused make the poll {@linkplain PollContext#reportIncomplete incomplete}, naming them.
 *
 * <p><b>Threads and lifecycle.</b> Thread safe and immutable after {@link Builder#build()}. The
 * function runs on the polling thread, its calls one at a time (no thread of its own); a poll ends
 * by its {@link Builder#sweepTimeout}: a call still running then is cut off, and later calls fail
 * at once with {@link Kind#TIMEOUT}. Interrupting the polling thread makes the next call throw
 * {@link InterruptedException}. {@link #close()} cancels the calls in flight and evicts the idle
 * connections of a client the source built; a client passed by the host is never shut down.
 *
 * @param <A> the Retrofit service interface
 */
public final class RetrofitSource<A> implements MetricSource {
  /** At most this many failures are attached as suppressed exceptions when a poll fails. */
  public static final int MAX_SUPPRESSED = 100;

  private static final int MAX_NAMED = 10;

  private final Class<A> service;
  private final A api;
  private final Poller<A> poller;
  private final HttpUrl baseUrl;
  private final Secrets secrets;
  private final OkHttpClient client;
  private final boolean ownsClient;
  private final RequestPolicy policy;
  private final SourceSettings settings;
  private final Clock clock;
  private final Duration sweepTimeout;
  private final HttpFailures.@Nullable ErrorBody errorBody;
  private final AtomicBoolean closed = new AtomicBoolean();
  private final Set<Calls> polls = ConcurrentHashMap.newKeySet();

  private RetrofitSource(
      Builder<A> b, HttpUrl baseUrl, Poller<A> poller, BearerAuth auth, Secrets secrets) {
    this.service = b.service;
    this.poller = poller;
    this.baseUrl = baseUrl;
    this.secrets = secrets;
    SourceSettings settings = b.http.build();
    this.ownsClient = b.client == null;
    this.client =
        settings.client(
            b.client,
            baseUrl,
            1,
            List.of(authInterceptor(auth, baseUrl), RetrofitSource::capErrorBody));
    this.settings = settings;
    this.clock = settings.clock();
    this.sweepTimeout = settings.sweepTimeout();
    this.errorBody = b.errorBody;
    this.policy = settings.policy("vigil-http");
    Retrofit retrofit =
        new Retrofit.Builder()
            .baseUrl(baseUrl)
            .client(client)
            .addConverterFactory(new MoshiBodies(b.moshi, settings.maxBodyBytes()))
            .validateEagerly(true)
            .build();
    try {
      this.api = retrofit.create(service);
    } catch (IllegalArgumentException e) {
      throw new IllegalStateException(
          "service "
              + service.getName()
              + " is not a valid Retrofit interface: "
              + e.getMessage()
              + (e.getCause() == null ? "" : " (" + e.getCause() + ")")
              + "; the records and classes Moshi decodes must be public",
          e);
    }
  }

  /**
   * The bearer token on every request to the origin of the base URL (never to another), and with
   * OAuth2 one more try with a new token when the API answers 401.
   */
  private static Interceptor authInterceptor(BearerAuth auth, HttpUrl baseUrl) {
    return chain -> {
      Request request = chain.request();
      if (!Urls.sameOrigin(request.url(), baseUrl)) return chain.proceed(request);
      String shown = Urls.redact(request.url());
      String token = auth.token(request.method(), shown);
      Response response = chain.proceed(withToken(request, token));
      if (response.code() == 401 && auth.invalidate(token)) {
        // The token may have been revoked before it expired: a new one, and one more try.
        response.close();
        response = chain.proceed(withToken(request, auth.token(request.method(), shown)));
      }
      return response;
    };
  }

  private static Request withToken(Request request, String token) {
    return request.newBuilder().header("Authorization", "Bearer " + token).build();
  }

  /**
   * Keeps at most {@link HttpFailures#MAX_ERROR_BODY_BYTES} of an error body: Retrofit buffers an
   * error body whole, and a hostile server could send gigabytes.
   */
  private static Response capErrorBody(Interceptor.Chain chain) throws IOException {
    Response response = chain.proceed(chain.request());
    if (response.isSuccessful()) return response;
    ResponseBody capped = response.peekBody(HttpFailures.MAX_ERROR_BODY_BYTES);
    response.close();
    return response.newBuilder().body(capped).build();
  }

  /**
   * Returns a new builder for sources on {@code service}.
   *
   * @throws NullPointerException if {@code service} is null
   * @throws IllegalArgumentException if {@code service} is not an interface
   */
  public static <A> Builder<A> builder(Class<A> service) {
    requireNonNull(service, "service == null");
    if (!service.isInterface()) {
      throw new IllegalArgumentException(
          "service must be a Retrofit interface: " + service.getName() + " is a class");
    }
    return new Builder<>(service);
  }

  /**
   * Runs the poll function once.
   *
   * @return the samples the function returned
   * @throws SourceException what the function threw, or, if it returned no sample but reported
   *     errors, the first of those
   * @throws InterruptedException if the polling thread was interrupted
   * @throws IllegalStateException if this source is closed, or was closed during the poll, or the
   *     function returned null
   */
  @Override
  public List<Sample> poll(PollContext context) throws SourceException, InterruptedException {
    requireNonNull(context, "context == null");
    if (closed.get()) throw new IllegalStateException("RetrofitSource is closed");
    if (Thread.currentThread().isInterrupted()) {
      throw new InterruptedException("interrupted before the poll started"); // status kept
    }
    Calls calls = new Calls(this, settings.newSweep());
    polls.add(calls);
    try {
      if (closed.get()) calls.cancel();
      Reported reported = new Reported(context);
      List<Sample> samples;
      try {
        samples = poller.poll(api, calls, reported);
      } catch (SourceException e) {
        if (closed.get()) throw closedDuringPoll(e); // its calls were cancelled
        throw e;
      }
      if (samples == null) {
        throw new IllegalStateException(
            "the poll function of RetrofitSource<" + service.getSimpleName() + "> returned null");
      }
      if (closed.get()) throw closedDuringPoll(null);
      List<Exception> errors = reported.errors();
      if (samples.isEmpty()
          && !errors.isEmpty()
          && errors.get(0) instanceof SourceException first) {
        for (int i = 1; i < errors.size() && i <= MAX_SUPPRESSED; i++) {
          first.addSuppressed(errors.get(i));
        }
        throw first;
      }
      for (Reported.Failure e : reported.all()) context.reportError(e.resource(), e.error());
      SourceException incomplete = calls.incomplete();
      if (incomplete != null) context.reportIncomplete(incomplete);
      return samples;
    } finally {
      polls.remove(calls);
    }
  }

  private static IllegalStateException closedDuringPoll(@Nullable Throwable cause) {
    return new IllegalStateException("RetrofitSource was closed during the poll", cause);
  }

  /**
   * Cancels the calls in flight and, if this source built its client, evicts its idle connections.
   * A poll in progress ends with an {@link IllegalStateException}. Idempotent.
   */
  @Override
  public void close() {
    if (!closed.compareAndSet(false, true)) return;
    for (Calls calls : polls) calls.cancel();
    if (ownsClient) client.connectionPool().evictAll();
  }

  /** Describes the configuration, without credentials. */
  @Override
  public String toString() {
    return "RetrofitSource{service="
        + service.getName()
        + ", baseUrl="
        + Urls.redact(baseUrl)
        + ", sweepTimeout="
        + sweepTimeout
        + ", bearerToken=REDACTED}";
  }

  /**
   * What a poll does with the service: its calls through {@link Calls#execute}, its samples
   * returned, the failures of single resources reported through {@link PollContext#reportError}.
   *
   * @param <A> the Retrofit service interface
   */
  @FunctionalInterface
  public interface Poller<A> {
    /**
     * Polls once.
     *
     * @param api the service, made by the source's Retrofit
     * @param calls runs the service's calls for this poll
     * @param context the poll's context: its time and the channel for per-resource failures
     * @return the samples of this poll; may be empty, never null
     * @throws SourceException if the poll failed as a whole
     * @throws InterruptedException if interrupted
     */
    List<Sample> poll(A api, Calls calls, PollContext context)
        throws SourceException, InterruptedException;
  }

  /**
   * Runs the calls of one poll through the source's policy. Thread safe; valid during the poll it
   * was passed to.
   */
  public static final class Calls {
    private final RetrofitSource<?> source;
    private final SweepBudget sweep;
    private final Set<Call<?>> active = ConcurrentHashMap.newKeySet();
    private final List<String> refused = new ArrayList<>(); // guarded by itself
    private final List<String> late = new ArrayList<>(); // guarded by refused
    private volatile @Nullable SourceException firstRefusal;
    private volatile boolean canceled;

    Calls(RetrofitSource<?> source, SweepBudget sweep) {
      this.source = source;
      this.sweep = sweep;
    }

    /**
     * Executes {@code call} (a clone of it if it was executed already), again after a failure while
     * the retry, the poll's retry budget and its deadline allow, and returns its body.
     *
     * @throws SourceException if the call failed for good: see {@link RetrofitSource} for the
     *     kinds; a call to another origin than the base URL is refused as {@link Kind#BAD_DATA}
     *     without being sent
     * @throws InterruptedException if the polling thread is interrupted
     * @throws NullPointerException if {@code call} is null
     */
    public <T> T execute(Call<T> call) throws SourceException, InterruptedException {
      requireNonNull(call, "call == null");
      if (Thread.currentThread().isInterrupted()) {
        throw new InterruptedException("interrupted before a call"); // status kept
      }
      Request request = call.request();
      HttpUrl url = request.url();
      String method = request.method();
      String shown = Urls.redact(url);
      if (!Urls.sameOrigin(url, source.baseUrl)) {
        throw new SourceException(
            Kind.BAD_DATA,
            method
                + " "
                + shown
                + ": refused: not on the origin of baseUrl ("
                + Urls.origin(source.baseUrl)
                + "); it could be given the bearer token",
            shown,
            -1,
            null,
            null);
      }
      List<Call<T>> next = new ArrayList<>(List.of(call));
      try {
        return source.policy.execute(() -> attempt(next, method, url, shown), sweep, method, shown);
      } catch (SourceException e) {
        if (e.kind() == Kind.CIRCUIT_OPEN) refuse(shown, e);
        throw e;
      }
    }

    private <T> T attempt(List<Call<T>> calls, String method, HttpUrl url, String shown)
        throws SourceException {
      if (canceled) throw new Canceled(method, shown, null);
      if (sweep.expired()) throw late(method, shown, "not sent", null);
      Call<T> previous = calls.get(0);
      Call<T> call = previous.isExecuted() ? previous.clone() : previous;
      calls.set(0, call);
      call.timeout().deadline(Math.max(1, sweep.remainingNanos()), TimeUnit.NANOSECONDS);
      active.add(call);
      if (canceled) call.cancel();
      try {
        retrofit2.Response<T> response = call.execute();
        if (!response.isSuccessful()) {
          try (ResponseBody error = response.errorBody()) {
            throw HttpFailures.status(
                response.raw(),
                url,
                method,
                source.secrets,
                source.clock,
                error,
                source.errorBody,
                true);
          }
        }
        T body = response.body();
        if (body == null) {
          throw HttpFailures.badData(
              method, url, "$", "expected a JSON document but the body was empty", source.secrets);
        }
        return body;
      } catch (JsonProblem e) {
        // Path and detail come from the body: scrubbed, then escaped and cut.
        throw HttpFailures.badData(
            method,
            url,
            source.secrets.quote(e.rawPath(), JsonProblem.MAX_PATH_CHARS),
            source.secrets.quote(e.rawDetail(), JsonProblem.MAX_DETAIL_CHARS),
            source.secrets);
      } catch (SourceException e) {
        throw e; // classified already: a status, or the token from the interceptor
      } catch (IOException e) {
        if (canceled
            || (e instanceof InterruptedIOException && Thread.currentThread().isInterrupted())) {
          throw new Canceled(method, shown, e);
        }
        if (sweep.expired()) throw late(method, shown, "no answer", source.secrets.cause(e));
        throw HttpFailures.io(method, shown, e, source.secrets);
      } finally {
        active.remove(call);
      }
    }

    /**
     * Returns a {@link Kind#BAD_DATA} failure for a value of {@code call}'s answer that the poll
     * function cannot use (a string that is not a number, a missing field), naming the call's URL
     * without credentials and {@code jsonPath}; {@code detail} may quote the server's text: it is
     * scrubbed of credentials, escaped and cut.
     *
     * @throws NullPointerException if an argument is null
     */
    public SourceException badData(Call<?> call, String jsonPath, String detail) {
      requireNonNull(call, "call == null");
      requireNonNull(jsonPath, "jsonPath == null");
      requireNonNull(detail, "detail == null");
      Request request = call.request();
      return HttpFailures.badData(
          request.method(),
          request.url(),
          source.secrets.quote(jsonPath, JsonProblem.MAX_PATH_CHARS),
          source.secrets.quote(detail, JsonProblem.MAX_DETAIL_CHARS),
          source.secrets);
    }

    /** The time left before the poll's sweep deadline; zero once it passed. */
    public Duration remaining() {
      return Duration.ofNanos(Math.max(0, sweep.remainingNanos()));
    }

    private SourceException late(
        String method, String shown, String what, @Nullable Throwable cause) {
      SourceException e =
          new SourceException(
              Kind.TIMEOUT,
              method
                  + " "
                  + shown
                  + ": "
                  + what
                  + " before the sweep deadline (sweepTimeout="
                  + source.sweepTimeout
                  + ")",
              shown,
              -1,
              null,
              cause);
      synchronized (refused) {
        late.add(shown);
      }
      return e;
    }

    private void refuse(String shown, SourceException e) {
      synchronized (refused) {
        refused.add(shown);
      }
      if (firstRefusal == null) firstRefusal = e;
    }

    void cancel() {
      canceled = true;
      for (Call<?> call : active) call.cancel();
    }

    /** Why the poll left requests unsent or unanswered for reasons of the source; else null. */
    @Nullable SourceException incomplete() {
      synchronized (refused) {
        SourceException refusal = firstRefusal;
        String shown = Urls.redact(source.baseUrl);
        if (refusal != null) {
          return new SourceException(
              Kind.CIRCUIT_OPEN,
              "circuit breaker open: "
                  + refused.size()
                  + " request(s) not sent: "
                  + named(refused)
                  + " ("
                  + refusal.getMessage()
                  + ")",
              shown,
              -1,
              null,
              null);
        }
        if (!late.isEmpty()) {
          return new SourceException(
              Kind.TIMEOUT,
              "sweep deadline (sweepTimeout="
                  + source.sweepTimeout
                  + ") passed: "
                  + late.size()
                  + " request(s) not answered: "
                  + named(late),
              shown,
              -1,
              null,
              null);
        }
        return null;
      }
    }

    private static String named(List<String> urls) {
      return HttpFailures.named(urls, MAX_NAMED, url -> url);
    }

    @Override
    public String toString() {
      return "RetrofitSource.Calls{active=" + active.size() + "}";
    }
  }

  /** The poll's context for the function: errors kept until the poll's outcome is known. */
  private static final class Reported implements PollContext {
    record Failure(String resource, Exception error) {}

    private final PollContext context;
    private final List<Failure> errors = new ArrayList<>(); // guarded by itself

    Reported(PollContext context) {
      this.context = context;
    }

    @Override
    public String sourceName() {
      return context.sourceName();
    }

    @Override
    public Instant now() {
      return context.now();
    }

    @Override
    public void reportError(String resource, Exception error) {
      requireNonNull(resource, "resource == null");
      requireNonNull(error, "error == null");
      synchronized (errors) {
        errors.add(new Failure(resource, error));
      }
    }

    @Override
    public void reportIncomplete(Exception error) {
      context.reportIncomplete(error);
    }

    List<Failure> all() {
      synchronized (errors) {
        return List.copyOf(errors);
      }
    }

    List<Exception> errors() {
      List<Exception> out = new ArrayList<>();
      for (Failure e : all()) out.add(e.error());
      return out;
    }
  }

  /**
   * Configures a {@link RetrofitSource}. Not thread safe. Setters reject bad values at once with a
   * {@link NullPointerException} or {@link IllegalArgumentException} naming the setting; {@link
   * #build()} rejects missing settings with an {@link IllegalStateException}. The defaults are
   * those of {@link HttpJsonSource.Builder}.
   *
   * @param <A> the Retrofit service interface
   */
  public static final class Builder<A> {
    private final Class<A> service;
    private @Nullable HttpUrl baseUrl;
    private @Nullable Supplier<String> tokenSupplier;
    private @Nullable OAuth2ClientCredentials oauth2;
    private @Nullable Poller<A> poller;
    private Moshi moshi = new Moshi.Builder().build();
    private @Nullable OkHttpClient client;
    private final SourceSettings.Builder http = SourceSettings.builder();
    private HttpFailures.@Nullable ErrorBody errorBody;

    private Builder(Class<A> service) {
      this.service = service;
    }

    /**
     * Sets the base URL the service's relative paths resolve against, as Retrofit's; it must end in
     * {@code /}. The bearer token only ever goes to its origin, and a call to another origin is
     * refused.
     *
     * @throws NullPointerException if {@code baseUrl} is null
     * @throws IllegalArgumentException if it is not an http or https URL or does not end in {@code
     *     /}
     */
    public Builder<A> baseUrl(String baseUrl) {
      requireNonNull(baseUrl, "baseUrl == null");
      HttpUrl parsed = HttpUrl.parse(baseUrl);
      if (parsed == null) {
        throw new IllegalArgumentException(
            "baseUrl is not an http or https URL: " + Urls.redactUnparsed(baseUrl));
      }
      List<String> segments = parsed.pathSegments();
      if (!segments.get(segments.size() - 1).isEmpty()) {
        throw new IllegalArgumentException(
            "baseUrl must end in / (Retrofit resolves the service's paths against it): "
                + Urls.redact(parsed));
      }
      this.baseUrl = parsed;
      return this;
    }

    /**
     * Sets a fixed bearer token, sent as {@code Authorization: Bearer <token>}.
     *
     * @throws NullPointerException if {@code token} is null
     * @throws IllegalArgumentException if it is blank or not valid in a header (the message does
     *     not show it)
     */
    public Builder<A> bearerToken(String token) {
      this.tokenSupplier = BearerAuth.fixed(token);
      return this;
    }

    /**
     * Sets a supplier of the bearer token, asked before every request (thread safe, please); a
     * throwing supplier or a bad token fails that call as {@link Kind#AUTH}.
     *
     * @throws NullPointerException if {@code tokens} is null
     */
    public Builder<A> bearerToken(Supplier<String> tokens) {
      this.tokenSupplier = requireNonNull(tokens, "bearerToken == null");
      return this;
    }

    /**
     * Authenticates with OAuth2 client credentials instead of {@link #bearerToken}: the token is
     * cached, refreshed before it expires, and fetched again once when the API answers 401.
     *
     * @throws NullPointerException if {@code credentials} is null
     */
    public Builder<A> oauth2(OAuth2ClientCredentials credentials) {
      this.oauth2 = requireNonNull(credentials, "oauth2 == null");
      return this;
    }

    /**
     * Sets the poll function; required.
     *
     * @throws NullPointerException if {@code poller} is null
     */
    public Builder<A> poll(Poller<A> poller) {
      this.poller = requireNonNull(poller, "poll == null");
      return this;
    }

    /**
     * Sets the Moshi that decodes bodies, for custom adapters; default {@code new
     * Moshi.Builder().build()}.
     *
     * @throws NullPointerException if {@code moshi} is null
     */
    public Builder<A> moshi(Moshi moshi) {
      this.moshi = requireNonNull(moshi, "moshi == null");
      return this;
    }

    /**
     * Reads the provider's error code and message from error bodies at these JSON Pointers, such as
     * {@code errorBody("/error/code", "/error/message")} for {@code
     * {"error":{"code":"..","message":".."}}}; they join the failure's message, scrubbed of
     * credentials and cut. Default none.
     *
     * @throws NullPointerException if an argument is null
     * @throws IllegalArgumentException if one is not a JSON Pointer
     */
    public Builder<A> errorBody(String codePointer, String messagePointer) {
      requireNonNull(codePointer, "errorBody codePointer == null");
      requireNonNull(messagePointer, "errorBody messagePointer == null");
      this.errorBody =
          new HttpFailures.ErrorBody(
              JsonPointer.parse(codePointer, "errorBody codePointer"),
              JsonPointer.parse(messagePointer, "errorBody messagePointer"));
      return this;
    }

    /**
     * Uses the host's client (pool, proxy, TLS, interceptors) with this builder's timeouts and
     * redirects turned off; the source never shuts it down.
     *
     * @throws NullPointerException if {@code client} is null
     */
    public Builder<A> client(OkHttpClient client) {
      this.client = requireNonNull(client, "client == null");
      return this;
    }

    /**
     * Sets the connect timeout; default 10 seconds.
     *
     * @throws NullPointerException if {@code timeout} is null
     * @throws IllegalArgumentException if it is not positive or too long
     */
    public Builder<A> connectTimeout(Duration timeout) {
      http.connectTimeout(timeout);
      return this;
    }

    /**
     * Sets the read timeout; default 10 seconds.
     *
     * @throws NullPointerException if {@code timeout} is null
     * @throws IllegalArgumentException if it is not positive or too long
     */
    public Builder<A> readTimeout(Duration timeout) {
      http.readTimeout(timeout);
      return this;
    }

    /**
     * Sets the longest one attempt of a call may take, body included; default 30 seconds.
     *
     * @throws NullPointerException if {@code timeout} is null
     * @throws IllegalArgumentException if it is not positive or too long
     */
    public Builder<A> callTimeout(Duration timeout) {
      http.callTimeout(timeout);
      return this;
    }

    /**
     * Sets the largest response body read; a larger one is {@link Kind#BAD_DATA}. Default 8 MiB.
     *
     * @throws IllegalArgumentException if {@code maxBodyBytes} is not positive
     */
    public Builder<A> maxBodyBytes(long maxBodyBytes) {
      http.maxBodyBytes(maxBodyBytes);
      return this;
    }

    /**
     * Sets the retry of every call; default {@link HttpJsonSource#defaultRetryConfig()}.
     *
     * @throws NullPointerException if {@code retry} is null
     */
    public Builder<A> retry(Retry retry) {
      http.retry(retry);
      return this;
    }

    /**
     * Sets the circuit breaker every attempt goes through; default one per source with {@link
     * HttpJsonSource#defaultCircuitBreakerConfig()}.
     *
     * @throws NullPointerException if {@code circuitBreaker} is null
     */
    public Builder<A> circuitBreaker(CircuitBreaker circuitBreaker) {
      http.circuitBreaker(circuitBreaker);
      return this;
    }

    /**
     * Sets the longest {@code Retry-After} (or {@code RateLimit-Reset} of a 429) waited for within
     * a poll; default 30 seconds. A longer one fails the call in this poll.
     *
     * @throws NullPointerException if {@code max} is null
     * @throws IllegalArgumentException if {@code max} is negative
     */
    public Builder<A> maxRetryAfter(Duration max) {
      http.maxRetryAfter(max);
      return this;
    }

    /**
     * Sets how many retries one poll may spend; default {@link RetryBudget#ofDefaults()}.
     *
     * @throws NullPointerException if {@code budget} is null
     */
    public Builder<A> retryBudget(RetryBudget budget) {
      http.retryBudget(budget);
      return this;
    }

    /**
     * Sets the longest one poll may take, retries and waits included; default 50 seconds. A call
     * running when it passes is cut off, later ones fail at once, both as {@link Kind#TIMEOUT}.
     *
     * @throws NullPointerException if {@code timeout} is null
     * @throws IllegalArgumentException if {@code timeout} is not positive
     */
    public Builder<A> sweepTimeout(Duration timeout) {
      http.sweepTimeout(timeout);
      return this;
    }

    /**
     * Limits the requests of this source to at most this many per second, retries included, spaced
     * evenly; default 0, no limit.
     *
     * @throws IllegalArgumentException if negative, NaN or over 1,000,000
     */
    public Builder<A> requestsPerSecond(double requestsPerSecond) {
      http.requestsPerSecond(requestsPerSecond);
      return this;
    }

    /**
     * Sets the wall clock for {@code Retry-After} dates and {@code RateLimit-Reset}; default {@link
     * Clock#systemUTC()}.
     *
     * @throws NullPointerException if {@code clock} is null
     */
    public Builder<A> clock(Clock clock) {
      http.clock(clock);
      return this;
    }

    /**
     * Sets the monotonic ticker of the sweep deadline, the rate limit and the circuit breaker;
     * default {@link Ticker#system()}.
     *
     * @throws NullPointerException if {@code ticker} is null
     */
    public Builder<A> ticker(Ticker ticker) {
      http.ticker(ticker);
      return this;
    }

    /** Replaces the waits between attempts; for tests. */
    Builder<A> sleeper(Sleeper sleeper) {
      http.sleeper(sleeper);
      return this;
    }

    /**
     * Builds the source, checking the service interface.
     *
     * @throws IllegalStateException if baseUrl, the token (or oauth2) or the poll function is not
     *     set, both a token and oauth2 are, or a method of the service does not return {@code Call}
     *     or is not a valid Retrofit method (the message names it)
     */
    public RetrofitSource<A> build() {
      HttpUrl base = baseUrl;
      if (base == null) throw new IllegalStateException("baseUrl is not set");
      Secrets secrets = new Secrets();
      BearerAuth auth = BearerAuth.of(tokenSupplier, oauth2, secrets);
      Poller<A> p = poller;
      if (p == null) {
        throw new IllegalStateException(
            "poll is not set: poll((api, calls, context) -> samples) says what a poll reads");
      }
      for (Method m : service.getMethods()) {
        if (m.isDefault() || Modifier.isStatic(m.getModifiers())) continue;
        if (m.getReturnType() != Call.class) {
          throw new IllegalStateException(
              "service method "
                  + service.getSimpleName()
                  + "."
                  + m.getName()
                  + " returns "
                  + m.getGenericReturnType().getTypeName()
                  + ": it must return retrofit2.Call<T>, so that every request runs through the"
                  + " source's retry, circuit breaker and deadline");
        }
      }
      return new RetrofitSource<>(this, base, p, auth, secrets);
    }

    /** Describes the configuration, without credentials. */
    @Override
    public String toString() {
      return "RetrofitSource.Builder{service="
          + service.getName()
          + ", baseUrl="
          + (baseUrl == null ? null : Urls.redact(baseUrl))
          + ", bearerToken="
          + (tokenSupplier == null && oauth2 == null ? "unset" : "REDACTED")
          + "}";
    }
  }
}
