package dev.vigil.http;

import static java.util.Objects.requireNonNull;

import com.squareup.moshi.JsonDataException;
import com.squareup.moshi.JsonReader;
import dev.vigil.MetricSource;
import dev.vigil.PollContext;
import dev.vigil.Sample;
import dev.vigil.SourceException;
import dev.vigil.SourceException.Kind;
import dev.vigil.Ticker;
import dev.vigil.internal.Labels;
import dev.vigil.internal.LogThrottle;
import dev.vigil.internal.Throwables;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.retry.Retry;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.math.BigDecimal;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReferenceArray;
import java.util.function.Supplier;
import java.util.regex.Pattern;
import okhttp3.HttpUrl;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;
import okhttp3.ResponseBody;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A {@link MetricSource} that evaluates PromQL instant queries against a Prometheus server's HTTP
 * API ({@code GET /api/v1/query}) and turns each result into samples.
 *
 * <pre>{@code
 * PrometheusSource prometheus = PrometheusSource.builder()
 *     .baseUrl("http://prometheus.internal:9090/")
 *     .bearerToken(System.getenv("PROMETHEUS_TOKEN"))
 *     .query("cpu_usage",
 *         "100 - avg by (instance) (rate(node_cpu_seconds_total{mode=\"idle\"}[5m])) * 100")
 *     .query("up", "up")
 *     .resourceLabel("instance")
 *     .build();
 * }</pre>
 *
 * <p><b>What a poll does.</b> Every query is evaluated at the poll's time ({@link
 * PollContext#now()} as the {@code time} parameter, the source's {@link Builder#callTimeout} as
 * Prometheus' {@code timeout}), on at most {@link Builder#concurrency} worker threads. Each element
 * of a vector result becomes one {@link Sample} named as the query, its resource the value of the
 * first {@link Builder#resourceLabel resource label} the series has (default {@code instance}),
 * else {@link Builder#defaultResource} (default the source's name), its labels the series' labels
 * but {@code __name__} and the resource label; a label the engine reserves ({@code alertname},
 * {@code resource}, {@code severity}) is renamed {@code exported_<name>}, as Prometheus does for
 * conflicting target labels. Its timestamp is the one Prometheus gives. A scalar result is one
 * sample of the default resource without labels. A matrix (a range vector such as {@code up[5m]})
 * or string result is bad data: the engine windows samples on its own poll times, so it cannot use
 * a range; aggregate it in PromQL ({@code avg_over_time(up[5m])}) or in the rule's {@code
 * Aggregation}.
 *
 * <p><b>NaN and infinities.</b> Prometheus sends values as strings, {@code "NaN"}, {@code "+Inf"}
 * and {@code "-Inf"} included (a division by zero, an empty histogram). A {@link Sample} holds only
 * finite values, and a made-up 0 would be a lie, so such a series has no sample in that poll: it is
 * reported through {@link PollContext#reportError} as {@link Kind#BAD_DATA} naming the query, the
 * series' labels and the value, while the other series of the query give samples.
 *
 * <p><b>Errors.</b> A query that fails is reported through {@link PollContext#reportError} under
 * {@code query <name>} and makes the poll incomplete ({@link PollContext#reportIncomplete}, so the
 * source's health alert names it) while the other queries give samples; if every query failed the
 * poll throws the first failure with the others suppressed. Prometheus' own {@code errorType} and
 * {@code error} are in the message: a bad PromQL expression is {@code HTTP 400 bad_data: 1:4: parse
 * error: ...} ({@link Kind#HTTP_STATUS}, not retried); 422 {@code execution} is not retried; 503
 * {@code timeout} or {@code unavailable} and other 5xx, 408 and 429 are retried like every request
 * of vigil-http ({@code docs/http.md}); 401 and 403 are {@link Kind#AUTH}; a redirect is never
 * followed. A body that is not the documented JSON, over {@link Builder#maxBodyBytes}, or with more
 * than {@link Builder#maxSeries} series is {@link Kind#BAD_DATA} naming the JSON path. The API's
 * {@code warnings} are logged at WARN (at most once a minute per query and text), {@code infos} at
 * DEBUG.
 *
 * <p><b>Resilience.</b> The same stages as {@link HttpJsonSource}: retry with back-off or as {@code
 * Retry-After} says within a per-poll budget, a circuit breaker per source, a request rate, and the
 * {@link Builder#sweepTimeout} that ends every poll; server text is scrubbed of the credentials
 * before it reaches a message.
 *
 * <p><b>Threads and lifecycle.</b> Thread safe and immutable after {@link Builder#build()}. The
 * requests run on daemon threads named {@code vigil-prometheus-N}, created when first needed and
 * ended after a minute without work. Interrupting the polling thread cancels the poll's requests;
 * the poll throws {@link InterruptedException}. {@link #close()} stops the workers within a bounded
 * time and is idempotent; a client passed by the host is never shut down.
 */
public final class PrometheusSource implements MetricSource {
  private static final Logger log = LoggerFactory.getLogger(PrometheusSource.class);

  /** The longest text from the outside world (Prometheus' error, labels) in a message. */
  private static final int MAX_QUOTED_CHARS = 512;

  /** An error body is read for its errorType and error up to this size. */
  private static final long MAX_ERROR_BODY_BYTES = 64 * 1024;

  /** A decimal number as Go's strconv formats it; Double.parseDouble alone takes too much. */
  private static final Pattern NUMBER =
      Pattern.compile("[-+]?(?:\\d+(?:\\.\\d*)?|\\.\\d+)(?:[eE][-+]?\\d+)?");

  private final HttpUrl endpoint;
  private final String shownEndpoint;
  private final Map<String, String> queries;
  private final List<String> resourceLabels;
  private final @Nullable String defaultResource;
  private final @Nullable String basicAuthorization;
  private final @Nullable BearerAuth bearer;
  private final OkHttpClient client;
  private final boolean ownsClient;
  private final RequestPolicy policy;
  private final SourceSettings settings;
  private final Clock clock;
  private final Duration sweepTimeout;
  private final Duration callTimeout;
  private final long maxBodyBytes;
  private final int maxSeries;
  private final WorkerPool pool;
  private final Secrets secrets = new Secrets();
  private final LogThrottle warnings;
  private final AtomicBoolean closed = new AtomicBoolean();
  private final Set<CallGroup> polls = java.util.concurrent.ConcurrentHashMap.newKeySet();

  private PrometheusSource(Builder b, HttpUrl baseUrl) {
    this.endpoint = endpoint(baseUrl);
    this.shownEndpoint = Urls.redact(endpoint);
    this.queries = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(b.queries));
    this.resourceLabels = List.copyOf(b.resourceLabels);
    this.defaultResource = b.defaultResource;
    BasicAuth basic = b.basic;
    if (basic != null) {
      for (String secret : basic.secrets()) secrets.pin(secret);
    }
    this.basicAuthorization = basic == null ? null : basic.header();
    Supplier<String> tokens = b.tokenSupplier;
    this.bearer = tokens == null ? null : BearerAuth.of(tokens, null, secrets);
    SourceSettings settings = b.http.build();
    this.ownsClient = b.client == null;
    // Timeouts always set, redirects never followed, Authorization only to the origin of baseUrl.
    this.client = settings.client(b.client, baseUrl, b.concurrency, List.of());
    this.policy = settings.policy("vigil-prometheus");
    this.settings = settings;
    this.clock = settings.clock();
    this.sweepTimeout = settings.sweepTimeout();
    this.callTimeout = settings.callTimeout();
    this.maxBodyBytes = settings.maxBodyBytes();
    this.maxSeries = b.maxSeries;
    this.pool = new WorkerPool("prometheus", Math.min(b.concurrency, queries.size()));
    this.warnings = LogThrottle.perMinute(settings.ticker()::read);
  }

  private static HttpUrl endpoint(HttpUrl base) {
    HttpUrl.Builder b = base.newBuilder();
    List<String> segments = base.pathSegments();
    if (segments.get(segments.size() - 1).isEmpty()) b.removePathSegment(segments.size() - 1);
    return b.addPathSegments("api/v1/query").build();
  }

  /** Returns a new builder. */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * Evaluates every query at {@link PollContext#now()}.
   *
   * @return the samples of every query that answered, in query order
   * @throws SourceException if every query failed: the first failure, the others suppressed
   * @throws InterruptedException if the polling thread is interrupted; the requests are cancelled
   *     and the interrupt status stays set
   * @throws IllegalStateException if the source is closed, or was closed during the poll
   */
  @Override
  public List<Sample> poll(PollContext context) throws SourceException, InterruptedException {
    requireNonNull(context, "context == null");
    if (closed.get()) throw new IllegalStateException("PrometheusSource is closed");
    if (Thread.currentThread().isInterrupted()) {
      throw new InterruptedException("interrupted before the poll started");
    }
    SweepBudget sweep = settings.newSweep();
    CallGroup calls = new CallGroup();
    polls.add(calls);
    List<String> names = new ArrayList<>(queries.keySet());
    AtomicReferenceArray<@Nullable Outcome> outcomes = new AtomicReferenceArray<>(names.size());
    Instant at = context.now();
    String resource = defaultResource != null ? defaultResource : context.sourceName();
    boolean ended;
    try {
      if (closed.get()) calls.cancel();
      ended =
          pool.run(
              names.size(),
              i -> outcomes.set(i, query(names.get(i), at, resource, sweep, calls)),
              sweep,
              calls);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw e;
    } finally {
      polls.remove(calls);
    }
    if (closed.get())
      throw new IllegalStateException("PrometheusSource was closed during the poll");
    List<Sample> samples = new ArrayList<>();
    List<Map.Entry<String, SourceException>> problems = new ArrayList<>();
    List<SourceException> failures = new ArrayList<>();
    List<String> failedQueries = new ArrayList<>();
    for (int i = 0; i < names.size(); i++) {
      Outcome o = outcomes.get(i);
      // After the deadline the calls were cancelled: a query that ended so is late, not canceled.
      if (o == null || (!ended && o.failure() instanceof Canceled)) {
        if (!ended)
          log.debug("Sweep deadline {} passed before query {}", sweepTimeout, names.get(i));
        o = Outcome.failed(deadlinePassed(names.get(i)));
      }
      SourceException failure = o.failure();
      if (failure != null) {
        failures.add(failure);
        failedQueries.add(names.get(i));
      }
      samples.addAll(o.samples());
      problems.addAll(o.seriesProblems());
    }
    if (failures.size() == names.size()) {
      SourceException first = failures.get(0);
      for (int i = 1; i < failures.size() && i <= HttpJsonSource.MAX_SUPPRESSED; i++) {
        first.addSuppressed(failures.get(i));
      }
      throw first;
    }
    for (Map.Entry<String, SourceException> p : problems) {
      context.reportError(p.getKey(), p.getValue());
    }
    for (int i = 0; i < failures.size(); i++) {
      context.reportError("query " + failedQueries.get(i), failures.get(i));
    }
    if (!failures.isEmpty()) {
      SourceException first = failures.get(0);
      context.reportIncomplete(
          new SourceException(
              first.kind(),
              failures.size()
                  + " of "
                  + names.size()
                  + " queries failed: "
                  + String.join(", ", failedQueries)
                  + " ("
                  + first.getMessage()
                  + ")",
              first.url(),
              first.httpStatus(),
              first.jsonPath(),
              null));
    }
    return samples;
  }

  private SourceException deadlinePassed(String name) {
    return new SourceException(
        Kind.TIMEOUT,
        "GET "
            + shownEndpoint
            + ": query "
            + name
            + ": no answer before the sweep deadline (sweepTimeout="
            + sweepTimeout
            + ")",
        shownEndpoint,
        -1,
        null,
        null);
  }

  /** What one query gave: samples and per-series problems, or a failure. */
  private record Outcome(
      List<Sample> samples,
      List<Map.Entry<String, SourceException>> seriesProblems,
      @Nullable SourceException failure) {
    static Outcome failed(SourceException e) {
      return new Outcome(List.of(), List.of(), e);
    }
  }

  /** Runs one query; never throws but for a VirtualMachineError. */
  private Outcome query(
      String name, Instant at, String resource, SweepBudget sweep, CallGroup calls) {
    String promql = requireNonNull(queries.get(name));
    HttpUrl url =
        endpoint
            .newBuilder()
            .addQueryParameter("query", promql)
            .addQueryParameter("time", seconds(at.toEpochMilli()))
            .addQueryParameter("timeout", seconds(callTimeout.toMillis()))
            .build();
    try {
      PrometheusResponse r;
      try {
        r = policy.execute(() -> once(name, url, calls), sweep, shownEndpoint);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new Canceled("GET", shownEndpoint, e);
      }
      for (String w : r.warnings) {
        String text = quote(w);
        if (warnings.admit(name + "\n" + text) >= 0) {
          log.warn("Prometheus warns about query {}: {}", name, text);
        }
      }
      for (String info : r.infos) log.debug("Prometheus note on query {}: {}", name, quote(info));
      return samples(name, r, at, resource);
    } catch (SourceException e) {
      return Outcome.failed(e);
    } catch (Throwable t) {
      Throwables.rethrowIfFatal(t);
      log.warn("Query {} failed unexpectedly", name, t);
      return Outcome.failed(
          new SourceException(
              Kind.BAD_DATA,
              "query " + name + " failed unexpectedly: " + quote(t.toString()),
              shownEndpoint,
              -1,
              null,
              null));
    }
  }

  /** {@code millis} as decimal seconds, the API's form for times and durations: 1435781451.781. */
  private static String seconds(long millis) {
    return BigDecimal.valueOf(millis, 3).stripTrailingZeros().toPlainString();
  }

  private PrometheusResponse once(String name, HttpUrl url, CallGroup calls)
      throws SourceException {
    if (calls.canceled()) throw new Canceled("GET", shownEndpoint, null);
    Request.Builder request = new Request.Builder().url(url).header("Accept", "application/json");
    String authorization = authorization();
    if (authorization != null) request.header("Authorization", authorization);
    okhttp3.Call call = client.newCall(request.build());
    calls.add(call);
    try (Response response = call.execute()) {
      return checked(name, response);
    } catch (SourceException e) {
      throw e;
    } catch (IOException e) {
      if (calls.canceled()
          || (e instanceof InterruptedIOException && Thread.currentThread().isInterrupted())) {
        throw new Canceled("GET", shownEndpoint, e);
      }
      throw HttpFailures.io(
          "GET " + shownEndpoint + ": query " + name, shownEndpoint, e, secrets, MAX_QUOTED_CHARS);
    } finally {
      calls.remove(call);
    }
  }

  private String prefix(String name) {
    return "GET " + shownEndpoint + ": query " + name + ": ";
  }

  private @Nullable String authorization() throws SourceException {
    if (basicAuthorization != null) return basicAuthorization;
    BearerAuth b = bearer;
    return b == null ? null : "Bearer " + b.token("GET", shownEndpoint);
  }

  private PrometheusResponse checked(String name, Response response)
      throws SourceException, IOException {
    int code = response.code();
    if (response.isSuccessful()) {
      PrometheusResponse r = parse(name, response.body(), maxBodyBytes);
      if (!"success".equals(r.status)) {
        throw new SourceException(
            Kind.BAD_DATA,
            prefix(name)
                + "HTTP "
                + code
                + " but status "
                + (r.status == null ? "missing" : quote(r.status))
                + apiError(r),
            shownEndpoint,
            code,
            "$.status",
            null);
      }
      return r;
    }
    String reason = response.message();
    String status = "HTTP " + code + (reason.isEmpty() ? "" : " " + quote(reason));
    if (code == 401 || code == 403) {
      throw new SourceException(
          Kind.AUTH,
          prefix(name) + status + ": the server refused the credentials",
          shownEndpoint,
          code,
          null,
          null);
    }
    if (code >= 300 && code < 400) {
      throw new SourceException(
          Kind.HTTP_STATUS,
          prefix(name)
              + status
              + ": redirect not followed (redirects are refused: they could take the credentials"
              + " elsewhere; set baseUrl to where Prometheus answers)",
          shownEndpoint,
          code,
          null,
          null);
    }
    // Prometheus explains itself in the body (errorType and error); a proxy in front may not.
    String explained = "";
    try {
      explained = apiError(parse(name, response.body(), MAX_ERROR_BODY_BYTES));
    } catch (IOException notJson) { // a SourceException for bad data too
      // not Prometheus' JSON: the status alone says it
    }
    Duration retryAfter = RetryAfter.parse(response.headers().get("Retry-After"), clock);
    throw new StatusException(
        prefix(name)
            + status
            + explained
            + (retryAfter == null ? "" : " (Retry-After " + retryAfter + ")"),
        shownEndpoint,
        code,
        retryAfter);
  }

  /** ": bad_data: 1:4: parse error: ...", scrubbed and cut; empty if the answer has neither. */
  private String apiError(PrometheusResponse r) {
    if (r.errorType == null && r.error == null) return "";
    return ": "
        + (r.errorType == null ? "" : quote(r.errorType) + ": ")
        + (r.error == null ? "" : quote(r.error));
  }

  private PrometheusResponse parse(String name, ResponseBody body, long max)
      throws SourceException, IOException {
    try (body) {
      JsonReader reader = JsonReader.of(CappedBody.open(body, max));
      reader.setLenient(false);
      try {
        PrometheusResponse r = PrometheusResponse.read(reader, maxSeries);
        if (reader.peek() != JsonReader.Token.END_DOCUMENT) {
          throw new JsonProblem(reader.getPath(), "data after the end of the JSON document", null);
        }
        return r;
      } catch (CappedBody.NetworkFailure e) {
        throw e.network;
      } catch (CappedBody.TooLarge e) {
        throw badData(name, reader.getPath(), String.valueOf(e.getMessage()));
      } catch (JsonProblem e) {
        throw badData(name, e.rawPath(), e.rawDetail());
      } catch (IOException | JsonDataException e) {
        // Moshi's message quotes the body; it is scrubbed and cut, and not kept as the cause.
        throw badData(name, reader.getPath(), "malformed JSON: " + e.getMessage());
      }
    } catch (CappedBody.TooLarge e) {
      throw badData(name, "$", String.valueOf(e.getMessage()));
    }
  }

  private SourceException badData(String name, String path, String detail) {
    String safePath = quote(path);
    return new SourceException(
        Kind.BAD_DATA,
        prefix(name) + "bad data at " + safePath + ": " + quote(detail),
        shownEndpoint,
        -1,
        safePath,
        null);
  }

  private Outcome samples(String name, PrometheusResponse r, Instant at, String resource)
      throws SourceException {
    String type = r.resultType;
    if (type == null || !r.resultSeen) {
      throw badData(name, "$.data", "expected data.resultType and data.result");
    }
    switch (type) {
      case "scalar" -> {
        PrometheusResponse.Point p = r.pair;
        if (p == null) throw badData(name, "$.data.result", "expected a scalar [time, value]");
        Double v = number(p.value());
        if (v == null || !Double.isFinite(v)) {
          throw badData(
              name,
              "$.data.result[1]",
              "the scalar is " + describe(p.value()) + ", not a finite number; no sample");
        }
        return new Outcome(
            List.of(new Sample(name, resource, Map.of(), v, instant(p.time(), at))),
            List.of(),
            null);
      }
      case "vector" -> {
        List<Sample> samples = new ArrayList<>(r.series.size());
        List<Map.Entry<String, SourceException>> problems = new ArrayList<>();
        Set<List<Object>> seen = new HashSet<>();
        for (PrometheusResponse.Series s : r.series) {
          String problem = null;
          String res = resource;
          Map<String, String> labels = new TreeMap<>();
          for (Map.Entry<String, String> l : s.labels().entrySet()) {
            if (secrets.contains(l.getValue())) problem = "a label value holds a credential";
          }
          String resourceLabel = null;
          for (String candidate : resourceLabels) {
            String v = s.labels().get(candidate);
            if (v != null && !v.isBlank()) {
              res = v;
              resourceLabel = candidate;
              break;
            }
          }
          for (Map.Entry<String, String> l : s.labels().entrySet()) {
            String k = l.getKey();
            if (k.equals("__name__") || k.equals(resourceLabel)) continue;
            labels.put(Labels.RESERVED.contains(k) ? "exported_" + k : k, l.getValue());
          }
          PrometheusResponse.Point p = s.value();
          Double v = null;
          if (problem != null) {
            // reported below, without the labels
          } else if (s.histogram()) {
            problem =
                "a native histogram, not a float sample (use histogram_quantile() or the like)";
          } else if (p == null) {
            problem = "expected a value [time, value]";
          } else {
            v = number(p.value());
            if (v == null) {
              problem = "expected a number but was " + describe(p.value());
            } else if (!Double.isFinite(v)) {
              problem = "the value is " + describe(p.value()) + ", not a finite number; no sample";
            } else if (!seen.add(List.of(res, labels))) {
              problem = "another series of this query has the same resource and labels";
            }
          }
          if (problem != null) {
            boolean leaks = problem.contains("credential");
            problems.add(
                Map.entry(
                    leaks ? "query " + name : res,
                    badData(
                        name,
                        s.path(),
                        "series "
                            + (leaks ? "" : quote(res + labels) + " ")
                            + "of query "
                            + name
                            + ": "
                            + problem)));
            continue;
          }
          samples.add(
              new Sample(
                  name, res, labels, requireNonNull(v), instant(requireNonNull(p).time(), at)));
        }
        return new Outcome(samples, problems, null);
      }
      case "matrix" ->
          throw badData(
              name,
              "$.data.resultType",
              "the query gives a range vector (matrix), which an instant query cannot use: the"
                  + " engine windows samples on its own poll times; aggregate it in PromQL (such as"
                  + " avg_over_time(x[5m])) or in the rule's Aggregation");
      default ->
          throw badData(
              name,
              "$.data.resultType",
              "expected resultType vector or scalar but was " + describe(type));
    }
  }

  private static Instant instant(double seconds, Instant fallback) {
    if (!Double.isFinite(seconds)) return fallback;
    return Instant.ofEpochMilli(Math.round(seconds * 1000));
  }

  /** The number a value string holds (NaN and infinities included), or null if it holds none. */
  static @Nullable Double number(String value) {
    switch (value) {
      case "NaN" -> {
        return Double.NaN;
      }
      case "+Inf", "Inf" -> {
        return Double.POSITIVE_INFINITY;
      }
      case "-Inf" -> {
        return Double.NEGATIVE_INFINITY;
      }
      default -> {
        if (value.length() > 64 || !NUMBER.matcher(value).matches()) return null;
        return Double.parseDouble(value);
      }
    }
  }

  private String describe(String value) {
    return "\"" + quote(value).replace("\"", "\\\"") + "\"";
  }

  private String quote(String text) {
    return secrets.quote(text, MAX_QUOTED_CHARS);
  }

  /**
   * Stops the worker threads, waiting up to 5 seconds, after cancelling the requests in flight; a
   * poll in progress ends with an {@link IllegalStateException}. Evicts the idle connections of a
   * client the source built. Idempotent; keeps the interrupt status.
   */
  @Override
  public void close() {
    if (!closed.compareAndSet(false, true)) return;
    for (CallGroup calls : polls) calls.cancel();
    pool.close();
    if (ownsClient) client.connectionPool().evictAll();
  }

  /** Describes the configuration, without credentials. */
  @Override
  public String toString() {
    return "PrometheusSource{endpoint="
        + shownEndpoint
        + ", queries="
        + queries.keySet()
        + ", resourceLabels="
        + resourceLabels
        + ", auth="
        + (basicAuthorization != null
            ? "basic REDACTED"
            : bearer != null ? "bearer REDACTED" : "none")
        + "}";
  }

  /**
   * Configures a {@link PrometheusSource}. Not thread safe. Setters reject bad values at once with
   * a {@link NullPointerException} or {@link IllegalArgumentException} naming the setting; {@link
   * #build()} rejects missing or conflicting settings with an {@link IllegalStateException}.
   */
  public static final class Builder {
    private @Nullable HttpUrl baseUrl;
    private final Map<String, String> queries = new LinkedHashMap<>();
    private final List<String> resourceLabels = new ArrayList<>(List.of("instance"));
    private boolean resourceLabelsSet;
    private @Nullable String defaultResource;
    private @Nullable BasicAuth basic;
    private @Nullable Supplier<String> tokenSupplier;
    private @Nullable OkHttpClient client;
    private final SourceSettings.Builder http =
        SourceSettings.builder().readTimeout(Duration.ofSeconds(30));
    private int concurrency = 4;
    private int maxSeries = 10_000;

    private Builder() {}

    /**
     * Sets where Prometheus answers, such as {@code http://prometheus:9090/} or, behind a route
     * prefix, {@code https://example.com/prometheus/}; queries go to {@code
     * <baseUrl>/api/v1/query}.
     *
     * @throws NullPointerException if {@code baseUrl} is null
     * @throws IllegalArgumentException if it is not an http or https URL, or has a query or user
     *     info (credentials go in {@link #basicAuth})
     */
    public Builder baseUrl(String baseUrl) {
      requireNonNull(baseUrl, "baseUrl == null");
      HttpUrl parsed = HttpUrl.parse(baseUrl);
      if (parsed == null) {
        throw new IllegalArgumentException(
            "baseUrl is not an http or https URL: " + Urls.redactUnparsed(baseUrl));
      }
      if (!parsed.username().isEmpty() || !parsed.password().isEmpty()) {
        throw new IllegalArgumentException(
            "baseUrl holds user info: " + Urls.redact(parsed) + "; use basicAuth(user, password)");
      }
      if (parsed.query() != null || parsed.fragment() != null) {
        throw new IllegalArgumentException(
            "baseUrl has a query or fragment: " + Urls.redact(parsed));
      }
      this.baseUrl = parsed;
      return this;
    }

    /**
     * Adds a PromQL query whose results become samples of metric {@code metric}, as in {@code
     * query("cpu_usage", "100 - avg by (instance) (rate(node_cpu_seconds_total{mode=\"idle\"}[5m]))
     * * 100")}. Queries run in the order added.
     *
     * @throws NullPointerException if an argument is null
     * @throws IllegalArgumentException if {@code metric} is blank or added already, or {@code
     *     promql} is blank
     */
    public Builder query(String metric, String promql) {
      requireNonNull(metric, "query metric == null");
      requireNonNull(promql, "query promql == null");
      if (metric.isBlank()) throw new IllegalArgumentException("query metric is blank");
      if (promql.isBlank()) throw new IllegalArgumentException("query " + metric + " is blank");
      if (queries.containsKey(metric)) {
        throw new IllegalArgumentException("query already added for metric " + metric);
      }
      queries.put(metric, promql);
      return this;
    }

    /**
     * Sets the labels whose value becomes a sample's resource, the first one a series has; default
     * {@code instance}. That label is not repeated among the sample's labels. A series with none of
     * them (such as the result of {@code sum(...)}) belongs to the {@link #defaultResource}.
     *
     * @throws NullPointerException if {@code names} or one of them is null
     * @throws IllegalArgumentException if no name is given or one is blank
     */
    public Builder resourceLabel(String... names) {
      requireNonNull(names, "resourceLabel == null");
      if (names.length == 0) throw new IllegalArgumentException("resourceLabel: no label name");
      List<String> list = new ArrayList<>();
      for (String n : names) {
        requireNonNull(n, "resourceLabel name == null");
        if (n.isBlank()) throw new IllegalArgumentException("resourceLabel name is blank");
        list.add(n);
      }
      resourceLabels.clear();
      resourceLabels.addAll(list);
      resourceLabelsSet = true;
      return this;
    }

    /**
     * Sets the resource of scalar results and of series without a {@link #resourceLabel}; default
     * the name the source is registered under ({@link PollContext#sourceName()}).
     *
     * @throws NullPointerException if {@code resource} is null
     * @throws IllegalArgumentException if {@code resource} is blank
     */
    public Builder defaultResource(String resource) {
      requireNonNull(resource, "defaultResource == null");
      if (resource.isBlank()) throw new IllegalArgumentException("defaultResource is blank");
      this.defaultResource = resource;
      return this;
    }

    /**
     * Authenticates with HTTP basic authentication (RFC 7617), as a reverse proxy or Prometheus'
     * own {@code --web.config.file} asks for. The password never appears in messages or logs.
     *
     * @throws NullPointerException if an argument is null
     * @throws IllegalArgumentException if {@code user} is blank or holds a colon, or either holds a
     *     control character
     */
    public Builder basicAuth(String user, String password) {
      BasicAuth checked = BasicAuth.of(user, password);
      for (String s : List.of(user, password)) {
        for (int i = 0; i < s.length(); i++) {
          if (Character.isISOControl(s.charAt(i))) {
            throw new IllegalArgumentException(
                "basicAuth: a control character (at index " + i + ")");
          }
        }
      }
      this.basic = checked;
      return this;
    }

    /**
     * Sends a fixed bearer token, {@code Authorization: Bearer <token>}.
     *
     * @throws NullPointerException if {@code token} is null
     * @throws IllegalArgumentException if the token is blank or holds a character not allowed in a
     *     header (the message does not show it)
     */
    public Builder bearerToken(String token) {
      this.tokenSupplier = BearerAuth.fixed(token);
      return this;
    }

    /**
     * Asks {@code tokenSupplier} for the bearer token before every request (from worker threads: it
     * must be thread safe). A supplier that throws or returns an unusable token fails that request
     * as {@link Kind#AUTH}.
     *
     * @throws NullPointerException if {@code tokenSupplier} is null
     */
    public Builder bearerToken(Supplier<String> tokenSupplier) {
      this.tokenSupplier = requireNonNull(tokenSupplier, "bearerToken == null");
      return this;
    }

    /**
     * Uses the host's client (its proxy, TLS and interceptors) through {@link
     * OkHttpClient#newBuilder()}, with this builder's timeouts and redirects off. Never shut down
     * by the source.
     *
     * @throws NullPointerException if {@code client} is null
     */
    public Builder client(OkHttpClient client) {
      this.client = requireNonNull(client, "client == null");
      return this;
    }

    /**
     * Sets the connect timeout; default 10 seconds.
     *
     * @throws NullPointerException if {@code timeout} is null
     * @throws IllegalArgumentException if it is not positive or too long
     */
    public Builder connectTimeout(Duration timeout) {
      http.connectTimeout(timeout);
      return this;
    }

    /**
     * Sets the longest wait for bytes; default 30 seconds.
     *
     * @throws NullPointerException if {@code timeout} is null
     * @throws IllegalArgumentException if it is not positive or too long
     */
    public Builder readTimeout(Duration timeout) {
      http.readTimeout(timeout);
      return this;
    }

    /**
     * Sets the longest one request attempt may take, also sent as Prometheus' {@code timeout}
     * parameter so that the server gives up on the query too; default 30 seconds.
     *
     * @throws NullPointerException if {@code timeout} is null
     * @throws IllegalArgumentException if it is not positive or too long
     */
    public Builder callTimeout(Duration timeout) {
      http.callTimeout(timeout);
      return this;
    }

    /**
     * Sets the most queries in flight at once (the worker threads); default 4.
     *
     * @throws IllegalArgumentException if not between 1 and 64
     */
    public Builder concurrency(int concurrency) {
      this.concurrency = SourceSettings.checkConcurrency(concurrency, 64);
      return this;
    }

    /**
     * Sets the largest response body read; a larger one is bad data. Default 8 MiB.
     *
     * @throws IllegalArgumentException if not positive
     */
    public Builder maxBodyBytes(long maxBodyBytes) {
      http.maxBodyBytes(maxBodyBytes);
      return this;
    }

    /**
     * Sets the most series one query may return; more fail that query as bad data (a query that
     * suddenly matches every series should not flood the engine). Default 10,000.
     *
     * @throws IllegalArgumentException if not positive
     */
    public Builder maxSeries(int maxSeries) {
      if (maxSeries < 1)
        throw new IllegalArgumentException("maxSeries must be positive: " + maxSeries);
      this.maxSeries = maxSeries;
      return this;
    }

    /**
     * Sets the retry of every request; default {@link HttpJsonSource#defaultRetryConfig()}.
     *
     * @throws NullPointerException if {@code retry} is null
     */
    public Builder retry(Retry retry) {
      http.retry(retry);
      return this;
    }

    /**
     * Sets the circuit breaker; default one per source with {@link
     * HttpJsonSource#defaultCircuitBreakerConfig()}.
     *
     * @throws NullPointerException if {@code circuitBreaker} is null
     */
    public Builder circuitBreaker(CircuitBreaker circuitBreaker) {
      http.circuitBreaker(circuitBreaker);
      return this;
    }

    /**
     * Sets the longest {@code Retry-After} waited for in a poll; default 30 seconds.
     *
     * @throws NullPointerException if {@code max} is null
     * @throws IllegalArgumentException if negative
     */
    public Builder maxRetryAfter(Duration max) {
      http.maxRetryAfter(max);
      return this;
    }

    /**
     * Sets how many retries one poll may spend; default {@link RetryBudget#ofDefaults()}.
     *
     * @throws NullPointerException if {@code budget} is null
     */
    public Builder retryBudget(RetryBudget budget) {
      http.retryBudget(budget);
      return this;
    }

    /**
     * Sets the longest one poll may take, retries included; default 50 seconds. A query without an
     * answer by then fails as {@link Kind#TIMEOUT}.
     *
     * @throws NullPointerException if {@code timeout} is null
     * @throws IllegalArgumentException if not positive
     */
    public Builder sweepTimeout(Duration timeout) {
      http.sweepTimeout(timeout);
      return this;
    }

    /**
     * Sends at most this many requests per second, retries included; default 0, no limit.
     *
     * @throws IllegalArgumentException if negative, NaN or over 1,000,000
     */
    public Builder requestsPerSecond(double requestsPerSecond) {
      http.requestsPerSecond(requestsPerSecond);
      return this;
    }

    /**
     * Sets the wall clock that reads {@code Retry-After} dates; default {@link Clock#systemUTC()}.
     *
     * @throws NullPointerException if {@code clock} is null
     */
    public Builder clock(Clock clock) {
      http.clock(clock);
      return this;
    }

    /**
     * Sets the monotonic ticker of the deadline, the rate limit and the breaker; default {@link
     * Ticker#system()}.
     *
     * @throws NullPointerException if {@code ticker} is null
     */
    public Builder ticker(Ticker ticker) {
      http.ticker(ticker);
      return this;
    }

    /** Replaces the waits between attempts; for tests. */
    Builder sleeper(Sleeper sleeper) {
      http.sleeper(sleeper);
      return this;
    }

    /**
     * Builds the source.
     *
     * @throws IllegalStateException if baseUrl is not set, no query was added, or both basic
     *     authentication and a bearer token are set
     */
    public PrometheusSource build() {
      HttpUrl base = baseUrl;
      if (base == null) throw new IllegalStateException("baseUrl is not set");
      if (queries.isEmpty()) throw new IllegalStateException("no query: add one with query()");
      if (basic != null && tokenSupplier != null) {
        throw new IllegalStateException("basicAuth and bearerToken are both set: choose one");
      }
      if (resourceLabelsSet && resourceLabels.contains("__name__")) {
        throw new IllegalStateException(
            "resourceLabel __name__ is the metric name, not a resource");
      }
      return new PrometheusSource(this, base);
    }

    /** Describes the configuration, without credentials. */
    @Override
    public String toString() {
      return "PrometheusSource.Builder{baseUrl="
          + (baseUrl == null ? null : Urls.redact(baseUrl))
          + ", queries="
          + queries.keySet()
          + ", auth="
          + (basic != null ? "basic REDACTED" : tokenSupplier != null ? "bearer REDACTED" : "none")
          + "}";
    }
  }
}
