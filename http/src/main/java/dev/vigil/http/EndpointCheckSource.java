package dev.vigil.http;

import static java.util.Objects.requireNonNull;

import dev.vigil.MetricSource;
import dev.vigil.PollContext;
import dev.vigil.Sample;
import dev.vigil.SourceException;
import dev.vigil.SourceException.Kind;
import dev.vigil.Ticker;
import dev.vigil.internal.Throwables;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.UnknownHostException;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReferenceArray;
import javax.net.ssl.SSLException;
import okhttp3.ConnectionPool;
import okhttp3.Handshake;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;
import okhttp3.ResponseBody;
import okio.BufferedSource;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A {@link MetricSource} that checks HTTP endpoints, as Gatus or Uptime Kuma do: on every poll each
 * {@link EndpointCheck} sends one request and gives samples of whether the endpoint is up, its
 * status, how long it took, and when its TLS certificate expires.
 *
 * <pre>{@code
 * EndpointCheckSource checks = EndpointCheckSource.builder()
 *     .check(EndpointCheck.builder("api", "https://api.example.com/health")
 *         .timeout(Duration.ofSeconds(5))
 *         .bodyJsonEquals("/status", "UP")
 *         .build())
 *     .check(EndpointCheck.builder("www", "https://www.example.com/")
 *         .method(EndpointCheck.Method.HEAD)
 *         .build())
 *     .build();
 * }</pre>
 *
 * <p><b>Samples.</b> For each check, resource the check's name, timestamp the poll's {@link
 * PollContext#now()}, labels {@code url} (without user info, secret-looking query parameters
 * redacted) and {@code method}:
 *
 * <ul>
 *   <li>{@code up}: 1 if the endpoint answered with an expected status and the body condition held,
 *       else 0;
 *   <li>{@code http_status}: the status, whenever an answer came;
 *   <li>{@code response_time_seconds}: from sending to the answer's end (the body is read only for
 *       a body condition), whenever an answer came; never for a timeout, which has no time;
 *   <li>{@code tls_cert_expiry_days}: for https, days (with a fraction) from the poll's time to the
 *       {@code notAfter} of the certificate the server presented, negative once it expired;
 *   <li>{@code check_failure}: 1 while the check is down, with the label {@code cause}: {@code
 *       timeout}, {@code connect} (refused, reset, unknown host), {@code tls} (handshake or
 *       certificate refused), {@code status} (unexpected status) or {@code body} (condition not
 *       met, body too large or not JSON).
 * </ul>
 *
 * <p>The cause is a sample of its own rather than a label of {@code up}: the engine keys series and
 * alerts by their labels, so a label that comes and goes would make a down {@code up} another
 * series than the up one, and an alert on it would resolve only after the rule's staleness period
 * instead of on the first good poll.
 *
 * <p><b>A down endpoint is data, not a failure.</b> A check that fails gives {@code up} 0; the poll
 * does not throw and reports no error. Checks are not retried and pass no circuit breaker: each
 * poll is one measurement.
 *
 * <p><b>Safe by default.</b> Redirects are never followed (a 3xx is compared with the expected
 * statuses like any status), so credentials only go to the configured URL; each check has a timeout
 * of the whole request; at most {@link Builder#maxBodyBytes} of a body are read; TLS is verified as
 * the JDK (or the host's {@link Builder#client}) does, and cannot be turned off: trust a private CA
 * through the client's {@code sslSocketFactory}. Connections are not reused, so each check measures
 * connect and TLS too and sees a renewed certificate at once.
 *
 * <p><b>Threads and lifecycle.</b> Thread safe and immutable after {@link Builder#build()}. Checks
 * run concurrently on daemon threads named {@code vigil-endpoint-check-N}; the poll waits for the
 * longest check timeout and a few seconds more. {@link #close()} stops them within a bounded time
 * and is idempotent.
 */
public final class EndpointCheckSource implements MetricSource {
  private static final Logger log = LoggerFactory.getLogger(EndpointCheckSource.class);

  /** The time allowed on top of the longest check timeout before a poll gives up. */
  private static final Duration SWEEP_MARGIN = Duration.ofSeconds(5);

  private static final int MAX_QUOTED_CHARS = 256;

  private final List<EndpointCheck> checks;
  private final List<OkHttpClient> clients;
  private final long maxBodyBytes;
  private final Ticker ticker;
  private final Duration sweepTimeout;
  private final WorkerPool pool;
  private final Secrets secrets = new Secrets();
  private final AtomicBoolean closed = new AtomicBoolean();
  private final Set<CallGroup> polls = ConcurrentHashMap.newKeySet();

  private EndpointCheckSource(Builder b) {
    this.checks = List.copyOf(b.checks.values());
    OkHttpClient base = b.client != null ? b.client : new OkHttpClient();
    OkHttpClient shared =
        base.newBuilder()
            .followRedirects(false)
            .followSslRedirects(false)
            // No reuse: each check measures connect and TLS, and sees the current certificate.
            .connectionPool(new ConnectionPool(0, 1, TimeUnit.SECONDS))
            .build();
    List<OkHttpClient> perCheck = new ArrayList<>();
    Duration longest = Duration.ZERO;
    for (EndpointCheck c : checks) {
      for (String s : c.secrets()) secrets.pin(s);
      perCheck.add(
          shared
              .newBuilder()
              .connectTimeout(c.timeout())
              .readTimeout(c.timeout())
              .writeTimeout(c.timeout())
              .callTimeout(c.timeout())
              .build());
      if (c.timeout().compareTo(longest) > 0) longest = c.timeout();
    }
    this.clients = List.copyOf(perCheck);
    this.maxBodyBytes = b.maxBodyBytes;
    this.ticker = b.ticker;
    this.sweepTimeout = longest.plus(SWEEP_MARGIN);
    this.pool = new WorkerPool("endpoint-check", Math.min(b.concurrency, checks.size()));
  }

  /** Returns a new builder. */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * Runs every check once.
   *
   * @return the samples of every check, in the order added
   * @throws InterruptedException if the polling thread is interrupted; the requests are cancelled
   * @throws IllegalStateException if the source is closed, or was closed during the poll
   */
  @Override
  public List<Sample> poll(PollContext context) throws InterruptedException {
    requireNonNull(context, "context == null");
    if (closed.get()) throw new IllegalStateException("EndpointCheckSource is closed");
    if (Thread.currentThread().isInterrupted()) {
      throw new InterruptedException("interrupted before the poll started");
    }
    Instant now = context.now();
    SweepBudget sweep = new SweepBudget(ticker, sweepTimeout, new RetryBudget(0, 0));
    CallGroup calls = new CallGroup();
    polls.add(calls);
    AtomicReferenceArray<@Nullable List<Sample>> results =
        new AtomicReferenceArray<>(checks.size());
    try {
      if (closed.get()) calls.cancel();
      pool.run(checks.size(), i -> results.set(i, check(i, now, calls, context)), sweep, calls);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw e;
    } finally {
      polls.remove(calls);
    }
    if (closed.get()) {
      throw new IllegalStateException("EndpointCheckSource was closed during the poll");
    }
    List<Sample> samples = new ArrayList<>();
    for (int i = 0; i < checks.size(); i++) {
      List<Sample> r = results.get(i);
      // Past the deadline (a check that outlived its own timeout): it did not answer in time.
      samples.addAll(r != null ? r : down(checks.get(i), now, Cause.TIMEOUT));
    }
    return samples;
  }

  /** Why a check is down: the {@code cause} label. */
  enum Cause {
    TIMEOUT("timeout"),
    CONNECT("connect"),
    TLS("tls"),
    STATUS("status"),
    BODY("body");

    final String label;

    Cause(String label) {
      this.label = label;
    }
  }

  /** Runs check {@code i}; never throws but for a VirtualMachineError. */
  private List<Sample> check(int i, Instant now, CallGroup calls, PollContext context) {
    EndpointCheck c = checks.get(i);
    try {
      return run(c, clients.get(i), now, calls);
    } catch (Canceled e) {
      // The poll's deadline passed (or it was interrupted, or the source closed: then the
      // samples are not used): no answer in time.
      return down(c, now, Cause.TIMEOUT);
    } catch (Throwable t) {
      Throwables.rethrowIfFatal(t);
      log.warn("Check {} failed unexpectedly", c.name(), t);
      context.reportError(
          c.name(),
          new SourceException(
              Kind.BAD_DATA,
              "check " + c.name() + " failed unexpectedly: " + quote(t.toString()),
              c.url(),
              -1,
              null,
              null));
      return List.of();
    }
  }

  private List<Sample> run(EndpointCheck c, OkHttpClient client, Instant now, CallGroup calls)
      throws IOException {
    Request.Builder request =
        new Request.Builder()
            .url(c.target())
            .method(c.method().name(), null)
            .header("User-Agent", "vigil-endpoint-check")
            .header("Connection", "close");
    String authorization = c.authorization();
    if (authorization != null) request.header("Authorization", authorization);
    okhttp3.Call call = client.newCall(request.build());
    calls.add(call);
    long start = ticker.read();
    try (Response response = call.execute()) {
      int status = response.code();
      Double certDays = certificateDays(response.handshake(), now);
      Cause cause = null;
      String detail = null;
      if (!c.expected(status)) {
        cause = Cause.STATUS;
        detail = "HTTP " + status + ", expected " + c.expectedStatuses();
      } else if (c.bodyKind() != null) {
        detail = bodyProblem(c, response.body());
        if (detail != null) cause = Cause.BODY;
      }
      double seconds = (ticker.read() - start) / 1e9;
      List<Sample> samples = new ArrayList<>(5);
      Map<String, String> labels = labels(c);
      samples.add(new Sample("up", c.name(), labels, cause == null ? 1 : 0, now));
      samples.add(new Sample("http_status", c.name(), labels, status, now));
      samples.add(new Sample("response_time_seconds", c.name(), labels, seconds, now));
      if (certDays != null) {
        samples.add(new Sample("tls_cert_expiry_days", c.name(), labels, certDays, now));
      }
      if (cause != null) {
        log.debug("Check {} ({} {}) is down: {}", c.name(), c.method(), c.url(), quote(detail));
        samples.add(failure(c, now, cause));
      }
      return samples;
    } catch (IOException e) {
      if (calls.canceled()
          || (e instanceof InterruptedIOException && Thread.currentThread().isInterrupted())) {
        throw new Canceled(c.method().name(), c.url(), e);
      }
      Cause cause = cause(e);
      log.debug("Check {} ({} {}) is down: {}", c.name(), c.method(), c.url(), quote(e.toString()));
      return down(c, now, cause);
    } finally {
      calls.remove(call);
    }
  }

  /** Why the body does not meet the condition, or null if it does. */
  private @Nullable String bodyProblem(EndpointCheck c, ResponseBody body) throws IOException {
    EndpointCheck.BodyKind kind = requireNonNull(c.bodyKind());
    if (kind == EndpointCheck.BodyKind.CONTAINS) {
      String text;
      try (body) {
        BufferedSource source = CappedBody.open(body, maxBodyBytes);
        text = source.readUtf8();
      } catch (CappedBody.TooLarge e) {
        return String.valueOf(e.getMessage());
      } catch (CappedBody.NetworkFailure e) {
        throw e.network;
      }
      return text.contains(requireNonNull(c.bodyText())) ? null : "the body lacks the text";
    }
    JsonPointer pointer = requireNonNull(c.bodyPointer());
    JsonDocument doc;
    try {
      doc =
          new PickingConverterFactory(JsonPicker.of(List.of(pointer)), maxBodyBytes).convert(body);
    } catch (JsonProblem e) {
      return "not the JSON expected: " + e.rawDetail() + " at " + e.rawPath();
    }
    JsonPointer.Lookup found = doc.find(pointer);
    if (!found.found()) return "nothing at " + pointer + " (" + found.path() + ")";
    if (kind == EndpointCheck.BodyKind.JSON_EXISTS) return null;
    return matches(found.value(), requireNonNull(c.bodyText()))
        ? null
        : pointer + " is " + found.whatWasFound(secrets) + ", expected " + c.bodyText();
  }

  /**
   * True if a JSON value equals {@code expected}, as {@link EndpointCheck.Builder#bodyJsonEquals}.
   */
  static boolean matches(@Nullable Object value, String expected) {
    if (value == null) return expected.equals("null");
    if (value instanceof String s) return s.equals(expected);
    if (value instanceof Boolean b) return b.toString().equals(expected);
    if (value instanceof Number n) {
      Double e = PrometheusSource.number(expected);
      return e != null && Double.isFinite(e) && n.doubleValue() == e;
    }
    return false; // an object or array
  }

  /** A check that got no answer: {@code up} 0 and the cause; no status, no time. */
  private static List<Sample> down(EndpointCheck c, Instant now, Cause cause) {
    return List.of(new Sample("up", c.name(), labels(c), 0, now), failure(c, now, cause));
  }

  private static Sample failure(EndpointCheck c, Instant now, Cause cause) {
    Map<String, String> labels = new LinkedHashMap<>(labels(c));
    labels.put("cause", cause.label);
    return new Sample("check_failure", c.name(), labels, 1, now);
  }

  private static Map<String, String> labels(EndpointCheck c) {
    return Map.of("url", c.url(), "method", c.method().name());
  }

  /** The failure's cause, from the exception and its causes. */
  static Cause cause(IOException e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof SSLException) return Cause.TLS;
      if (t instanceof java.security.cert.CertificateException) return Cause.TLS;
      if (t.getCause() == t) break;
    }
    if (e instanceof ConnectException
        || e instanceof NoRouteToHostException
        || e instanceof UnknownHostException) {
      return Cause.CONNECT;
    }
    if (e instanceof InterruptedIOException) return Cause.TIMEOUT; // SocketTimeoutException too
    return Cause.CONNECT; // reset, closed early, a broken answer
  }

  /** Days from {@code now} to the end of the peer's leaf certificate, or null without TLS. */
  private static @Nullable Double certificateDays(@Nullable Handshake handshake, Instant now) {
    if (handshake == null) return null;
    List<Certificate> peer = handshake.peerCertificates();
    if (peer.isEmpty() || !(peer.get(0) instanceof X509Certificate leaf)) return null;
    @SuppressWarnings("JavaUtilDate") // X509Certificate speaks java.util.Date only
    long notAfter = leaf.getNotAfter().getTime();
    long millis = notAfter - now.toEpochMilli();
    return millis / 86_400_000.0;
  }

  private String quote(@Nullable String text) {
    return secrets.quote(String.valueOf(text), MAX_QUOTED_CHARS);
  }

  /**
   * Cancels the checks in flight and stops the worker threads, waiting up to 5 seconds; a poll in
   * progress ends with an {@link IllegalStateException}. Idempotent; keeps the interrupt status.
   */
  @Override
  public void close() {
    if (!closed.compareAndSet(false, true)) return;
    for (CallGroup calls : polls) calls.cancel();
    pool.close();
  }

  /** Describes the checks, without credentials. */
  @Override
  public String toString() {
    return "EndpointCheckSource{checks=" + checks + "}";
  }

  /**
   * Configures an {@link EndpointCheckSource}. Not thread safe. Setters reject bad values at once;
   * {@link #build()} rejects a source without checks with an {@link IllegalStateException}.
   */
  public static final class Builder {
    private final Map<String, EndpointCheck> checks = new LinkedHashMap<>();
    private @Nullable OkHttpClient client;
    private long maxBodyBytes = 1024 * 1024;
    private int concurrency = 8;
    private Ticker ticker = Ticker.system();

    private Builder() {}

    /**
     * Adds a check.
     *
     * @throws NullPointerException if {@code check} is null
     * @throws IllegalArgumentException if a check of that name was added already
     */
    public Builder check(EndpointCheck check) {
      requireNonNull(check, "check == null");
      if (checks.containsKey(check.name())) {
        throw new IllegalArgumentException("check already added: " + check.name());
      }
      checks.put(check.name(), check);
      return this;
    }

    /**
     * Uses the host's client through {@link OkHttpClient#newBuilder()}: its proxy, DNS and TLS
     * settings, such as an {@code sslSocketFactory} that trusts a private CA. Each check's timeout,
     * no redirects and no connection reuse are set on top. Never shut down by the source.
     *
     * @throws NullPointerException if {@code client} is null
     */
    public Builder client(OkHttpClient client) {
      this.client = requireNonNull(client, "client == null");
      return this;
    }

    /**
     * Sets the most bytes of a body read for a body condition; a larger body fails it ({@code
     * cause=body}). Default 1 MiB.
     *
     * @throws IllegalArgumentException if not positive
     */
    public Builder maxBodyBytes(long maxBodyBytes) {
      this.maxBodyBytes = SourceSettings.checkMaxBodyBytes(maxBodyBytes);
      return this;
    }

    /**
     * Sets the most checks in flight at once (the worker threads); default 8.
     *
     * @throws IllegalArgumentException if not between 1 and 256
     */
    public Builder concurrency(int concurrency) {
      this.concurrency = SourceSettings.checkConcurrency(concurrency, 256);
      return this;
    }

    /**
     * Sets the monotonic ticker that measures response times and the poll's deadline; default
     * {@link Ticker#system()}.
     *
     * @throws NullPointerException if {@code ticker} is null
     */
    public Builder ticker(Ticker ticker) {
      this.ticker = requireNonNull(ticker, "ticker == null");
      return this;
    }

    /**
     * Builds the source.
     *
     * @throws IllegalStateException if no check was added
     */
    public EndpointCheckSource build() {
      if (checks.isEmpty()) throw new IllegalStateException("no check: add one with check()");
      return new EndpointCheckSource(this);
    }
  }
}
