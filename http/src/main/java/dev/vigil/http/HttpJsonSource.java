package dev.vigil.http;

import static java.util.Objects.requireNonNull;

import com.squareup.moshi.Moshi;
import dev.vigil.Matcher;
import dev.vigil.MetricSource;
import dev.vigil.PollContext;
import dev.vigil.Sample;
import dev.vigil.SourceException;
import dev.vigil.SourceException.Kind;
import dev.vigil.Ticker;
import dev.vigil.internal.Labels;
import dev.vigil.internal.NamedThreadFactory;
import dev.vigil.internal.Throwables;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import io.github.resilience4j.core.IntervalFunction;
import io.github.resilience4j.retry.Retry;
import io.github.resilience4j.retry.RetryConfig;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReferenceArray;
import java.util.function.Supplier;
import okhttp3.HttpUrl;
import okhttp3.OkHttpClient;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A {@link MetricSource} that reads a paginated JSON listing of resources from an HTTP API, then
 * each resource's metrics as JSON, authenticating every request with a bearer token.
 *
 * <pre>{@code
 * HttpJsonSource cloud = HttpJsonSource.builder()
 *     .baseUrl("https://api.example.com/")
 *     .bearerToken(() -> tokenStore.current())          // asked before every request
 *     .resourcesPath("/v1/resources/page-1.json")        // follows "next" links
 *     .resourceLabel("region", "/region")
 *     .metricsPath("/v1/resources/{id}/metrics")
 *     .metric("cpu_usage", "/metrics/cpu_usage")
 *     .timestampPointer("/timestamp")
 *     .build();
 * }</pre>
 *
 * <p><b>What a poll does.</b> It gets the listing page by page as {@link Builder#pagination} says
 * (by default following the {@code next} link of each page, relative or absolute, until it is null
 * or missing; or an RFC 8288 {@code Link} header, a page token, or offset and limit); a next page
 * on another origin than the base URL is refused, because it would receive the bearer token.
 * Resources that do not match the {@link Builder#resourceFilter resource filters} are left out.
 * Every poll reads the listing afresh: a resource that appears is read from that poll on, and one
 * that is gone (or stops matching) simply has no samples, so the monitor resolves its alerts once
 * the rule's staleness period has passed, as "resource gone", rather than reporting missing data.
 * For the same reason HTTP redirects are never followed, not even by a client passed to {@link
 * Builder#client}: a 3xx answer is an error of kind {@link Kind#HTTP_STATUS} naming the status. A
 * listing failure fails the whole poll with a {@link SourceException}. Then it gets every
 * resource's metrics on at most {@link Builder#concurrency} worker threads. A resource or metric
 * that cannot be read is reported through {@link PollContext#reportError} while the others still
 * give samples; if every resource failed, the poll throws the first failure, with the others (at
 * most {@value #MAX_SUPPRESSED}) as suppressed exceptions. A value that cannot be read is never
 * replaced by 0.
 *
 * <p><b>Limits.</b> Whatever the API sends, a poll reads at most {@link Builder#maxPages} pages
 * (default 1,000) and {@link Builder#maxResources} listing items (default 100,000), each body at
 * most {@link Builder#maxBodyBytes}; going over fails the poll as {@link Kind#BAD_DATA}. A resource
 * id longer than {@link Builder#maxIdLength} (default 256 chars) or holding a control character is
 * bad data for that item only; a label value longer than {@link Builder#maxLabelValueLength}
 * (default 1,024 chars) is reported and the label left out, never cut.
 *
 * <p><b>Memory.</b> Bodies are never held whole and no JSON tree is built: each body is read as a
 * stream, at most {@link Builder#maxBodyBytes} bytes of it, and only the values at the configured
 * JSON Pointers are kept (the metrics, the timestamp, the next link, and each listing item's id and
 * labels), compiled once when the source is built; everything else is skipped as it passes. The
 * heap one poll holds in flight is therefore bounded by
 *
 * <pre>
 *   concurrency × (buffers + selected values) + listing
 *   buffers         ≈ 32 KiB per request (Okio segments between socket, TLS and JSON reader)
 *   selected values ≈ (metrics + 1) × 100 bytes; a selected string is read whole, so at most
 *                     maxBodyBytes when a server sends a huge one
 *   listing         ≈ listed resources × (id + label values + 200 bytes), at most maxResources
 * </pre>
 *
 * <p>so the size of a metrics body does not matter: eight concurrent 50 MiB bodies are read in a
 * heap of 256 MiB ({@code BoundedMemoryTest}). Malformed JSON anywhere in a body is still bad data;
 * a duplicate key is noticed only where a value is selected.
 *
 * <p><b>Errors.</b> Every failure of the outside world is a {@link SourceException}: {@link
 * Kind#AUTH} for HTTP 401 and 403 and for a bad token from the token supplier, {@link
 * Kind#HTTP_STATUS} for other non-2xx answers (redirects included), {@link Kind#TIMEOUT} (the sweep
 * deadline included), {@link Kind#CONNECTION}, {@link Kind#CIRCUIT_OPEN} for a request the open
 * circuit breaker did not send, and {@link Kind#BAD_DATA} for malformed JSON, wrong types (a
 * numeric string is not a number), missing fields, NaN and infinities, and data over the limits
 * above. Messages and {@link SourceException#url()} name the URL without user info and with
 * secret-looking query parameters redacted; {@link SourceException#jsonPath()} names the JSON path
 * Moshi style ({@code $.metrics.cpu_usage}). Text that comes from the API (JSON keys in paths,
 * values, ids, reason phrases) is escaped and cut before it goes into a message or log line, so it
 * cannot break a line or forge one. The bearer token never appears in messages, logs or {@link
 * #toString()}.
 *
 * <p><b>Resilience.</b> Requests are retried with back-off or as {@code Retry-After} says, within a
 * retry budget per poll, through a circuit breaker per source, at most {@link
 * Builder#requestsPerSecond} and {@link Builder#concurrency} at once, and every poll ends by its
 * {@link Builder#sweepTimeout}; server text is scrubbed of the credentials before it is reported.
 * See {@code docs/http.md}.
 *
 * <p><b>Threads and lifecycle.</b> This class is thread safe and immutable after {@link
 * Builder#build()}. The requests run on worker threads, daemon threads named {@code vigil-http-N},
 * created when first needed, which end after a minute without work; the polling thread only waits
 * for them. A poll hands each worker one task that reads resource after resource, so a sweep costs
 * no thread hand-off per resource, and a client the source builds itself keeps {@link
 * Builder#concurrency} idle connections (OkHttp's default is 5), so a sweep does not re-open
 * connections. Interrupting the polling thread cancels the poll's requests at once: the poll throws
 * {@link InterruptedException} and leaves the interrupt status set. {@link #close()} cancels the
 * requests in flight, stops the workers within a bounded time and, if the source built its own
 * {@link OkHttpClient}, evicts that client's idle connections; a client passed by the host is never
 * shut down. A closed source cannot be polled.
 */
public final class HttpJsonSource implements MetricSource {
  private static final Logger log = LoggerFactory.getLogger(HttpJsonSource.class);

  /** At most this many failures are attached as suppressed exceptions when a poll fails. */
  public static final int MAX_SUPPRESSED = 100;

  /**
   * Label names the engine sets on every alert itself ({@code Evaluator.alertLabels}, and {@code
   * AlertRule.Builder#label} refuses them too): a resource label of that name would be overwritten.
   */
  /** At most this many resources are named in the message of an incomplete poll. */
  static final int MAX_NAMED_RESOURCES = 10;

  /** The longest text from the outside world (ids, reason phrases, exception text) in a message. */
  private static final int MAX_QUOTED_CHARS = HttpFailures.MAX_QUOTED_CHARS;

  private static final Duration CLOSE_TIMEOUT = Duration.ofSeconds(5);

  private final HttpUrl baseUrl;
  private final BearerAuth auth;
  private final HttpUrl resourcesUrl;
  private final JsonPointer itemsPointer;
  private final JsonPointer idPointer;
  private final Pagination pagination;
  private final List<Matcher> resourceFilters;
  private final Map<String, JsonPointer> labels;
  private final String metricsPath;
  private final Map<String, JsonPointer> metrics;
  private final @Nullable JsonPointer timestampPointer;
  private final OkHttpClient client;
  private final boolean ownsClient;
  private final PickingConverterFactory converter;
  private final @Nullable MetricsUrlTemplate metricsTemplate;
  private final RequestPolicy policy;
  private final SourceSettings settings;
  private final Clock clock;
  private final Duration sweepTimeout;
  private final int concurrency;
  private final int maxPages;
  private final int maxResources;
  private final int maxIdLength;
  private final int maxLabelValueLength;
  private final long maxBodyBytes;
  private final Set<Thread> threads = ConcurrentHashMap.newKeySet();
  private final ThreadPoolExecutor pool;
  private final AtomicBoolean closed = new AtomicBoolean();

  /** The credentials in use, scrubbed from every server text that reaches a message or log. */
  private final Secrets secrets;

  /** The calls of every poll in progress, cancelled by close(). */
  private final Set<CallGroup> polls = ConcurrentHashMap.newKeySet();

  private HttpJsonSource(
      Builder b, HttpUrl baseUrl, BearerAuth auth, Secrets secrets, HttpUrl resourcesUrl) {
    this.baseUrl = baseUrl;
    this.auth = auth;
    this.secrets = secrets;
    this.resourcesUrl = resourcesUrl;
    this.itemsPointer = b.itemsPointer;
    this.idPointer = b.idPointer;
    this.pagination = b.pagination;
    this.resourceFilters = List.copyOf(b.resourceFilters);
    this.labels = Map.copyOf(b.labels);
    this.metricsPath = requireNonNull(b.metricsPath);
    this.metrics = Collections.unmodifiableMap(new LinkedHashMap<>(b.metrics));
    this.timestampPointer = b.timestampPointer;
    this.concurrency = b.concurrency;
    this.maxPages = b.maxPages;
    this.maxResources = b.maxResources;
    this.maxIdLength = b.maxIdLength;
    this.maxLabelValueLength = b.maxLabelValueLength;
    SourceSettings settings = b.http.build();
    this.maxBodyBytes = settings.maxBodyBytes();
    this.ownsClient = b.client == null;
    this.client = settings.client(b.client, baseUrl, concurrency, List.of());
    this.converter = new PickingConverterFactory(picker(b), maxBodyBytes);
    this.metricsTemplate = MetricsUrlTemplate.of(baseUrl, metricsPath);
    this.policy = settings.policy("vigil-http");
    this.clock = settings.clock();
    this.sweepTimeout = settings.sweepTimeout();
    this.settings = settings;
    ThreadFactory named = new NamedThreadFactory("http");
    ThreadFactory tracking =
        r -> {
          Thread t = named.newThread(r);
          threads.removeIf(old -> !old.isAlive());
          threads.add(t);
          return t;
        };
    this.pool =
        new ThreadPoolExecutor(
            concurrency, concurrency, 60, TimeUnit.SECONDS, new LinkedBlockingQueue<>(), tracking);
    pool.allowCoreThreadTimeOut(true);
  }

  /**
   * The one picker for every body: the listing's pointers (next link, items with their ids and
   * labels) and the metrics' pointers, compiled once. One converter serves both kinds of request,
   * so a listing page is also searched for the metric pointers and a metrics body for the listing
   * ones; a value found where it is not asked for is ignored.
   */
  private static JsonPicker picker(Builder b) {
    List<JsonPointer> item = new ArrayList<>();
    item.add(b.idPointer);
    item.addAll(b.labels.values());
    List<JsonPointer> top = new ArrayList<>();
    JsonPointer paging = b.pagination.pointer();
    if (paging != null) top.add(paging);
    top.addAll(b.metrics.values());
    if (b.timestampPointer != null) top.add(b.timestampPointer);
    return JsonPicker.withItems(
        top,
        b.itemsPointer,
        JsonPicker.of(item),
        b.maxResources,
        "the listing has more than maxResources=" + b.maxResources + " resources");
  }

  /** Returns a new builder. */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * Returns the retry configuration used when no {@link Builder#retry} is set: 3 attempts with
   * exponential random back-off (jitter) from 500 ms, doubling, each wait drawn from ±50% around
   * its mean, for timeouts, connection failures, HTTP 408, 429 and 5xx only; never for {@link
   * Kind#AUTH}, {@link Kind#BAD_DATA} or other statuses. A {@code Retry-After} header replaces the
   * back-off of that wait (see {@link Builder#maxRetryAfter}). Derive variations with {@code
   * RetryConfig.from(defaultRetryConfig())}.
   */
  public static RetryConfig defaultRetryConfig() {
    return RetryConfig.custom()
        .maxAttempts(3)
        .intervalFunction(
            IntervalFunction.ofExponentialRandomBackoff(Duration.ofMillis(500), 2.0, 0.5))
        .retryOnException(HttpJsonSource::isTransient)
        .build();
  }

  /**
   * Returns the circuit breaker configuration used when no {@link Builder#circuitBreaker} is set,
   * sized for polls once a minute rather than for a busy service: a count-based window of the last
   * 10 requests, judged from 5 requests on; at 50% failures (timeouts, connection failures, 408,
   * 429 and 5xx; not 4xx or bad data) the circuit opens for 30 seconds, during which requests fail
   * at once with {@link Kind#CIRCUIT_OPEN} without being sent; then 2 trial requests decide whether
   * it closes or opens again. The default breaker measures its open state on the source's {@link
   * Builder#ticker}. Derive variations with {@code CircuitBreakerConfig.from(...)}.
   */
  public static CircuitBreakerConfig defaultCircuitBreakerConfig() {
    return CircuitBreakerConfig.custom()
        .slidingWindowType(CircuitBreakerConfig.SlidingWindowType.COUNT_BASED)
        .slidingWindowSize(10)
        .minimumNumberOfCalls(5)
        .failureRateThreshold(50)
        .waitDurationInOpenState(Duration.ofSeconds(30))
        .permittedNumberOfCallsInHalfOpenState(2)
        .recordException(HttpJsonSource::isTransient)
        .build();
  }

  /** True for failures worth another attempt: timeouts, connection failures, 408, 429 and 5xx. */
  static boolean isTransient(Throwable t) {
    if (!(t instanceof SourceException e) || t instanceof Canceled) return false;
    return switch (e.kind()) {
      case TIMEOUT, CONNECTION -> true;
      case HTTP_STATUS -> e.httpStatus() == 408 || e.httpStatus() == 429 || e.httpStatus() >= 500;
      default -> false;
    };
  }

  /**
   * Reads the listing, then every listed resource's metrics.
   *
   * @return one sample per readable metric of every readable resource, in listing order
   * @throws SourceException if the listing could not be read, or if every listed resource failed
   * @throws InterruptedException if the calling thread is interrupted (or was on entry): the poll
   *     cancels its requests, is not retried, and ends at once, leaving the thread's interrupt
   *     status set so that the caller sees it too
   * @throws IllegalStateException if this source is closed, or was closed during the poll
   */
  @Override
  public List<Sample> poll(PollContext context) throws SourceException, InterruptedException {
    requireNonNull(context, "context == null");
    if (closed.get()) throw new IllegalStateException("HttpJsonSource is closed");
    if (Thread.currentThread().isInterrupted()) {
      throw new InterruptedException("interrupted before the poll started"); // status kept
    }
    SweepBudget sweep = settings.newSweep();
    CallGroup calls = new CallGroup();
    polls.add(calls);
    try {
      if (closed.get()) calls.cancel(); // close() ran between the check and polls.add
      return poll(context, sweep, calls);
    } finally {
      polls.remove(calls);
    }
  }

  private List<Sample> poll(PollContext context, SweepBudget sweep, CallGroup calls)
      throws SourceException, InterruptedException {
    List<Outcome> outcomes = new ArrayList<>();
    List<String> late = new ArrayList<>();
    @Nullable Future<Listing> listingFuture = null;
    try {
      // The listing runs on a worker too, so that this thread only waits, interruptibly.
      listingFuture = submit(() -> listResources(sweep, calls));
      Listing listing = awaitBy(listingFuture, sweep);
      if (listing == null) {
        calls.cancel();
        listingFuture.cancel(true);
        throw new SourceException(
            Kind.TIMEOUT,
            "GET "
                + Urls.redact(resourcesUrl)
                + ": the listing did not end before the sweep deadline (sweepTimeout="
                + sweepTimeout
                + ")",
            Urls.redact(resourcesUrl),
            -1,
            null,
            null);
      }
      outcomes.addAll(listing.failedItems());
      Instant now = context.now();
      // The metrics: a few runners on the workers take one resource after the other; this thread
      // is woken once, when all are read or the deadline passes (no task or Future per resource).
      List<Resource> resources = listing.resources();
      AtomicReferenceArray<@Nullable Outcome> read = new AtomicReferenceArray<>(resources.size());
      SweepRunners runners =
          new SweepRunners(
              resources.size(),
              i -> read.set(i, readResource(resources.get(i), now, sweep, calls)));
      calls.track(runners);
      try {
        runners.start(pool, concurrency);
      } catch (RejectedExecutionException e) {
        throw closedDuringPoll(e);
      }
      if (runners.await(sweep.remainingNanos())) {
        if (!runners.complete()) throw closedDuringPoll(null); // stopped by close()
        for (int i = 0; i < read.length(); i++) outcomes.add(requireNonNull(read.get(i)));
      } else {
        // What is not read now is late: taken before cancelling, which turns a stalled request
        // into a Canceled outcome, not a sweep-deadline one.
        for (int i = 0; i < read.length(); i++) {
          Outcome o = read.get(i);
          if (o == null) {
            String id = resources.get(i).id();
            o = Outcome.failed(id, sweepDeadlinePassed(id));
            late.add(id);
          }
          outcomes.add(o);
        }
        // The poll is over: what is still running or not started would only be thrown away.
        calls.cancel();
        log.debug(
            "Sweep deadline of {} passed: {} of {} resources unread",
            sweepTimeout,
            late.size(),
            read.length());
      }
    } catch (InterruptedException e) {
      calls.cancel();
      if (listingFuture != null) listingFuture.cancel(true);
      Thread.currentThread().interrupt(); // the caller (a monitor's poll thread) must see it too
      throw e;
    }
    if (closed.get()) throw closedDuringPoll(null);

    boolean allFailed = !outcomes.isEmpty();
    for (Outcome o : outcomes) allFailed &= o.failed();
    SourceException incomplete = incomplete(outcomes, late);
    if (allFailed) {
      SourceException first = incomplete != null ? incomplete : outcomes.get(0).errors().get(0);
      int suppressed = 0;
      for (Outcome o : outcomes) {
        for (SourceException e : o.errors()) {
          if (e != first && suppressed++ < MAX_SUPPRESSED) first.addSuppressed(e);
        }
      }
      throw first;
    }
    List<Sample> samples = new ArrayList<>();
    for (Outcome o : outcomes) {
      samples.addAll(o.samples());
      for (SourceException e : o.errors()) context.reportError(o.resource(), e);
    }
    // The source's health alert names what this poll left unread for reasons of the source.
    if (incomplete != null) context.reportIncomplete(incomplete);
    return samples;
  }

  /**
   * Why the poll left resources unread for reasons of the source rather than theirs, naming them:
   * the open circuit breaker refused their requests, or the sweep deadline passed before they
   * answered. Null if neither happened.
   */
  private @Nullable SourceException incomplete(List<Outcome> outcomes, List<String> late) {
    List<String> refused = new ArrayList<>();
    @Nullable SourceException firstRefusal = null;
    @Nullable SourceException before = null; // the first other failure: why the circuit opened
    for (Outcome o : outcomes) {
      boolean wasRefused = false;
      for (SourceException e : o.errors()) {
        if (e.kind() == Kind.CIRCUIT_OPEN) {
          wasRefused = true;
          if (firstRefusal == null) firstRefusal = e;
        } else if (before == null && isTransient(e)) {
          before = e;
        }
      }
      if (wasRefused) refused.add(o.resource());
    }
    String shown = Urls.redact(resourcesUrl);
    if (firstRefusal != null) {
      return new SourceException(
          Kind.CIRCUIT_OPEN,
          "circuit breaker open: "
              + refused.size()
              + " of "
              + outcomes.size()
              + " resources not read: "
              + names(refused)
              + " ("
              + firstRefusal.getMessage()
              + (before == null ? "" : "; it opened after failures such as: " + before.getMessage())
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
              + sweepTimeout
              + ") passed: "
              + late.size()
              + " of "
              + outcomes.size()
              + " resources did not answer: "
              + names(late),
          shown,
          -1,
          null,
          null);
    }
    return null;
  }

  /** The first few resource names, quoted, and how many more there are. */
  private String names(List<String> resources) {
    return HttpFailures.named(resources, MAX_NAMED_RESOURCES, this::quote);
  }

  private <T> Future<T> submit(Callable<T> task) {
    try {
      return pool.submit(task);
    } catch (RejectedExecutionException e) {
      throw closedDuringPoll(e);
    }
  }

  private SourceException sweepDeadlinePassed(String id) {
    String shown;
    try {
      shown = Urls.redact(metricsUrl(id));
    } catch (SourceException e) {
      shown = Urls.redact(baseUrl);
    }
    return new SourceException(
        Kind.TIMEOUT,
        "GET "
            + shown
            + ": no answer before the sweep deadline (sweepTimeout="
            + sweepTimeout
            + "); resource "
            + quote(id)
            + " left unread in this poll",
        shown,
        -1,
        null,
        null);
  }

  /**
   * Waits for a worker's result until the sweep deadline; null if it passed first. A listing
   * failure is rethrown as the SourceException it is.
   */
  private <T> @Nullable T awaitBy(Future<T> f, SweepBudget sweep)
      throws SourceException, InterruptedException {
    try {
      long remaining = sweep.remainingNanos();
      if (remaining <= 0 && !f.isDone()) return null;
      return f.get(Math.max(0, remaining), TimeUnit.NANOSECONDS);
    } catch (TimeoutException e) {
      return null;
    } catch (CancellationException e) {
      throw closedDuringPoll(e);
    } catch (ExecutionException e) {
      if (closed.get()) throw closedDuringPoll(e.getCause());
      if (e.getCause() instanceof SourceException source) throw source;
      // readResource catches everything, listResources throws only SourceExceptions: a bug.
      throw new IllegalStateException("reading the resources failed unexpectedly", e.getCause());
    }
  }

  private static IllegalStateException closedDuringPoll(@Nullable Throwable cause) {
    return new IllegalStateException("HttpJsonSource was closed during the poll", cause);
  }

  /** Reads every page of the listing; bad items become failed outcomes. */
  private Listing listResources(SweepBudget sweep, CallGroup calls) throws SourceException {
    List<Resource> resources = new ArrayList<>();
    List<Outcome> failedItems = new ArrayList<>();
    Set<String> ids = new HashSet<>();
    Set<HttpUrl> seen = new HashSet<>();
    HttpUrl first = pagination.first(resourcesUrl);
    HttpUrl page = first;
    String nextPath = "$";
    int pages = 0;
    int filteredOut = 0;
    while (page != null) {
      if (++pages > maxPages) {
        throw badData(page, "$", "the listing has more than maxPages=" + maxPages + " pages", null);
      }
      if (!seen.add(page)) {
        throw badData(page, nextPath, "the next page loops back to a page already read", null);
      }
      log.debug("Reading listing page {}", Urls.redact(page));
      JsonDocument doc = fetch(page, sweep, calls);
      JsonPointer.Lookup items = doc.find(itemsPointer);
      if (items.value() != JsonPicker.Container.ARRAY) {
        throw badData(page, items.path(), "expected an array but was " + what(items), null);
      }
      for (JsonDocument item : doc.items()) {
        String itemPath = item.path();
        if (resources.size() + failedItems.size() >= maxResources) {
          throw badData(
              page,
              itemPath,
              "the listing has more than maxResources=" + maxResources + " resources",
              null);
        }
        JsonPointer.Lookup id = item.find(idPointer);
        String problem = idProblem(id, maxIdLength);
        if (problem != null) {
          failedItems.add(
              Outcome.failed(
                  Urls.redact(page) + " " + id.path(), badData(page, id.path(), problem, null)));
          continue;
        }
        String resourceId = (String) requireNonNull(id.value());
        if (!ids.add(resourceId)) {
          log.debug("Resource {} listed twice; reading it once", quote(resourceId));
          continue;
        }
        Map<String, String> resourceLabels = new LinkedHashMap<>();
        List<SourceException> warnings = new ArrayList<>();
        for (Map.Entry<String, JsonPointer> label : labels.entrySet()) {
          JsonPointer.Lookup l = item.find(label.getValue());
          Object v = l.value();
          if (v instanceof String text && secrets.contains(text)) {
            warnings.add(
                badData(
                    page,
                    l.path(),
                    "label value holds a credential of this source: "
                        + what(l)
                        + "; label "
                        + label.getKey()
                        + " left out",
                    null));
          } else if (v instanceof String text && text.length() > maxLabelValueLength) {
            warnings.add(
                badData(
                    page,
                    l.path(),
                    "label value of "
                        + text.length()
                        + " chars exceeds maxLabelValueLength="
                        + maxLabelValueLength
                        + ": "
                        + what(l)
                        + "; label "
                        + label.getKey()
                        + " left out",
                    null));
          } else if (v instanceof String || v instanceof Boolean) {
            resourceLabels.put(label.getKey(), v.toString());
          } else if (v instanceof Number n) {
            resourceLabels.put(label.getKey(), formatNumber(n));
          } else if (l.found() && v != null) {
            warnings.add(
                badData(
                    page,
                    l.path(),
                    "expected a label value (string, number or boolean) but was "
                        + what(l)
                        + "; label "
                        + label.getKey()
                        + " left out",
                    null));
          }
        }
        if (!accepted(resourceId, resourceLabels)) {
          filteredOut++;
          continue;
        }
        resources.add(new Resource(resourceId, resourceLabels, warnings));
      }
      Pagination.Next next =
          pagination.next(
              new Pagination.Page(
                  first, page, pages, doc, doc.links(), doc.items().size(), secrets));
      nextPath = next.path();
      page = checkedNextPage(page, next);
    }
    if (filteredOut > 0) {
      log.debug("{} listed resource(s) left out by the resource filters", filteredOut);
    }
    return new Listing(resources, failedItems);
  }

  private @Nullable String idProblem(JsonPointer.Lookup id, int maxIdLength) {
    if (id.value() instanceof String s && secrets.contains(s)) {
      // An id becomes the resource name in alerts and notifications.
      return "resource id holds a credential of this source: " + what(id) + "; refused";
    }
    if (!(id.value() instanceof String s)) {
      return "expected a resource id string but was " + what(id);
    }
    if (s.length() > maxIdLength) {
      return "resource id of "
          + s.length()
          + " chars exceeds maxIdLength="
          + maxIdLength
          + ": "
          + what(id);
    }
    if (s.isBlank()) return "expected a resource id string but was a blank " + what(id);
    if (s.equals(".") || s.equals("..")) {
      return "resource id " + what(id) + " cannot be used as a URL path segment";
    }
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (Character.isISOControl(c) || c == '\u2028' || c == '\u2029') {
        return "resource id " + what(id) + " holds a control character (at index " + i + ")";
      }
    }
    return null;
  }

  private static String formatNumber(Number n) {
    double d = n.doubleValue();
    if (d == Math.rint(d) && Math.abs(d) < 1e15) return Long.toString((long) d);
    return n.toString();
  }

  /** True if the resource passes every resource filter; its id matches as label "resource". */
  private boolean accepted(String id, Map<String, String> resourceLabels) {
    if (resourceFilters.isEmpty()) return true;
    Map<String, String> matched = new LinkedHashMap<>(resourceLabels);
    matched.put("resource", id);
    for (Matcher m : resourceFilters) {
      if (!m.matches(matched)) return false;
    }
    return true;
  }

  /** The next page, if any: never on another origin, which would receive the bearer token. */
  private @Nullable HttpUrl checkedNextPage(HttpUrl page, Pagination.Next next)
      throws SourceException {
    String problem = next.problem();
    if (problem != null) throw badData(page, next.path(), problem, null);
    HttpUrl resolved = next.url();
    if (resolved == null) return null;
    if (!Urls.sameOrigin(resolved, baseUrl)) {
      throw badData(
          page,
          next.path(),
          "the next link points to another origin ("
              + Urls.origin(resolved)
              + ") than baseUrl ("
              + Urls.origin(baseUrl)
              + "); refused, it would receive the bearer token",
          null);
    }
    return resolved;
  }

  /** Reads one resource's metrics; never throws but for a VirtualMachineError. */
  private Outcome readResource(Resource r, Instant now, SweepBudget sweep, CallGroup calls) {
    try {
      HttpUrl url = metricsUrl(r.id());
      List<SourceException> errors = new ArrayList<>(r.warnings());
      JsonDocument doc;
      try {
        doc = fetch(url, sweep, calls);
      } catch (SourceException e) {
        errors.add(e);
        return new Outcome(r.id(), List.of(), errors);
      }
      Instant timestamp = now;
      if (timestampPointer != null) {
        JsonPointer.Lookup ts = doc.find(timestampPointer);
        Instant parsed = ts.value() instanceof String s ? parseInstant(s) : null;
        if (parsed == null) {
          errors.add(
              badData(url, ts.path(), "expected an ISO-8601 timestamp but was " + what(ts), null));
          return new Outcome(r.id(), List.of(), errors);
        }
        timestamp = parsed;
      }
      List<Sample> samples = new ArrayList<>(metrics.size());
      for (Map.Entry<String, JsonPointer> metric : metrics.entrySet()) {
        JsonPointer.Lookup m = doc.find(metric.getValue());
        if (m.value() instanceof Number n && Double.isFinite(n.doubleValue())) {
          samples.add(new Sample(metric.getKey(), r.id(), r.labels(), n.doubleValue(), timestamp));
        } else {
          errors.add(badData(url, m.path(), "expected a number but was " + what(m), null));
        }
      }
      return new Outcome(r.id(), samples, errors);
    } catch (SourceException e) {
      return Outcome.failed(r.id(), e);
    } catch (Throwable t) {
      Throwables.rethrowIfFatal(t);
      log.warn("Reading resource {} failed unexpectedly", quote(r.id()), t);
      return Outcome.failed(
          r.id(),
          new SourceException(
              Kind.BAD_DATA,
              "reading " + quote(r.id()) + " failed unexpectedly: " + quote(t.toString()),
              null,
              -1,
              null,
              t));
    }
  }

  private static @Nullable Instant parseInstant(String s) {
    Instant fast = Timestamps.parseUtc(s);
    if (fast != null) return fast;
    try {
      return Instant.parse(s);
    } catch (DateTimeParseException e) {
      return null;
    }
  }

  private HttpUrl metricsUrl(String id) throws SourceException {
    MetricsUrlTemplate template = metricsTemplate;
    if (template != null) return template.url(id); // the path resolved once, only {id} set
    String path = metricsPath.replace("{id}", Urls.encodePathSegment(id));
    HttpUrl url = baseUrl.resolve(path);
    if (url == null || !Urls.sameOrigin(url, baseUrl)) {
      throw new SourceException(
          Kind.BAD_DATA,
          "resource id \"" + quote(id) + "\" does not give a metrics URL on the origin of baseUrl",
          Urls.redact(baseUrl),
          -1,
          null,
          null);
    }
    return url;
  }

  /** GETs one JSON document, with retries. */
  private JsonDocument fetch(HttpUrl url, SweepBudget sweep, CallGroup calls)
      throws SourceException {
    String shown = Urls.redact(url);
    String[] used = new String[1]; // the token the last attempt sent
    try {
      try {
        return policy.execute(() -> fetchOnce(url, calls, used), sweep, shown);
      } catch (SourceException e) {
        String rejected = used[0];
        // The token may have been revoked before it expired: a new one, and one more try.
        if (e.httpStatus() != 401 || rejected == null || !auth.invalidate(rejected)) throw e;
        log.debug("GET {}: HTTP 401; trying once more with a new OAuth2 token", shown);
        return policy.execute(() -> fetchOnce(url, calls, used), sweep, shown);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt(); // keep the status; Canceled is never retried
      throw new Canceled("GET", shown, e);
    }
  }

  private JsonDocument fetchOnce(HttpUrl url, CallGroup calls, String[] used)
      throws SourceException {
    String shown = Urls.redact(url);
    if (calls.canceled()) throw new Canceled("GET", shown, null);
    String token = auth.token("GET", shown);
    used[0] = token;
    // OkHttp directly: the URL is built once, not resolved again from a string as Retrofit's @Url
    // would, and an error body is closed unread instead of buffered.
    okhttp3.Call call =
        client.newCall(
            new okhttp3.Request.Builder()
                .url(url)
                .header("Authorization", "Bearer " + token)
                .build());
    calls.add(call);
    try (okhttp3.Response response = call.execute()) {
      return checked(url, response);
    } catch (JsonProblem e) {
      // Path and detail come from the body: scrubbed of credentials, then escaped and cut. The
      // JsonProblem is not kept as the cause: its own message is escaped and cut but not scrubbed.
      throw badData(
          url,
          secrets.quote(e.rawPath(), JsonProblem.MAX_PATH_CHARS),
          secrets.quote(e.rawDetail(), JsonProblem.MAX_DETAIL_CHARS),
          null);
    } catch (SourceException e) {
      throw e; // from checked(): the status, already classified
    } catch (IOException e) {
      if (calls.canceled()
          || (e instanceof InterruptedIOException && Thread.currentThread().isInterrupted())) {
        throw new Canceled("GET", shown, e);
      }
      throw HttpFailures.io("GET", shown, e, secrets);
    } finally {
      calls.remove(call);
    }
  }

  /** Returns the body of a 2xx response; anything else is a SourceException. */
  private JsonDocument checked(HttpUrl url, okhttp3.Response response)
      throws SourceException, IOException {
    if (!response.isSuccessful()) {
      // The body is closed unread with the response.
      throw HttpFailures.status(response, url, "GET", secrets, clock, null, null, false);
    }
    if (response.code() == 204 || response.code() == 205) {
      throw badData(url, "$", "expected a JSON document but the body was empty", null);
    }
    JsonDocument body = converter.convert(response.body());
    body.links(response.headers("Link")); // for Pagination.linkHeader()
    return body;
  }

  /** Outside-world text made safe for one message or log line: scrubbed, escaped and cut. */
  private String quote(String text) {
    return secrets.quote(text, MAX_QUOTED_CHARS);
  }

  /** What a lookup found, its string values scrubbed of credentials before they are cut. */
  private String what(JsonPointer.Lookup lookup) {
    return lookup.whatWasFound(secrets);
  }

  private SourceException badData(
      HttpUrl url, String path, String detail, @Nullable Throwable cause) {
    SourceException e = HttpFailures.badData("GET", url, path, detail, secrets);
    if (cause != null) e.initCause(cause);
    return e;
  }

  /**
   * Cancels the requests in flight, stops the worker threads, waiting up to 5 seconds for them to
   * end, and evicts the idle connections of the client if this source built it. A host's client is
   * left alone (only this source's own calls are cancelled). A poll in progress on another thread
   * ends at once with an {@link IllegalStateException}. Idempotent; restores the interrupt flag if
   * interrupted while waiting.
   */
  @Override
  public void close() {
    if (!closed.compareAndSet(false, true)) return;
    for (CallGroup calls : polls) calls.cancel();
    // Tasks that never started: cancel their futures, or a poll waiting for them would hang.
    for (Runnable neverStarted : pool.shutdownNow()) {
      if (neverStarted instanceof Future<?> f) f.cancel(false);
    }
    long deadline = System.nanoTime() + CLOSE_TIMEOUT.toNanos();
    try {
      pool.awaitTermination(CLOSE_TIMEOUT.toNanos(), TimeUnit.NANOSECONDS);
      for (Thread t : threads) {
        long remaining = deadline - System.nanoTime();
        if (remaining > 0) TimeUnit.NANOSECONDS.timedJoin(t, remaining);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    threads.removeIf(t -> !t.isAlive());
    if (!threads.isEmpty())
      log.warn("{} vigil-http thread(s) still running after close", threads.size());
    if (ownsClient) client.connectionPool().evictAll();
  }

  /** Describes the configuration, without the bearer token. */
  @Override
  public String toString() {
    return "HttpJsonSource{baseUrl="
        + Urls.redact(baseUrl)
        + ", resources="
        + Urls.redact(resourcesUrl)
        + ", metricsPath="
        + metricsPath
        + ", metrics="
        + metrics.keySet()
        + ", labels="
        + labels.keySet()
        + ", concurrency="
        + concurrency
        + ", maxPages="
        + maxPages
        + ", maxResources="
        + maxResources
        + ", maxBodyBytes="
        + maxBodyBytes
        + ", bearerToken=REDACTED}";
  }

  /** What reading the listing gave: the resources to read, and the items that were unreadable. */
  private record Listing(List<Resource> resources, List<Outcome> failedItems) {}

  /** A listed resource. */
  private record Resource(String id, Map<String, String> labels, List<SourceException> warnings) {}

  /** What reading one resource (or one bad listing item) gave. */
  private record Outcome(String resource, List<Sample> samples, List<SourceException> errors) {
    static Outcome failed(String resource, SourceException error) {
      return new Outcome(resource, List.of(), List.of(error));
    }

    boolean failed() {
      return samples.isEmpty() && !errors.isEmpty();
    }
  }

  /**
   * Configures an {@link HttpJsonSource}. Not thread safe. Setters reject bad values at once with a
   * {@link NullPointerException} or {@link IllegalArgumentException} naming the setting; {@link
   * #build()} rejects missing settings with an {@link IllegalStateException}.
   */
  public static final class Builder {
    private @Nullable HttpUrl baseUrl;
    private @Nullable Supplier<String> tokenSupplier;
    private @Nullable String resourcesPath;
    private JsonPointer itemsPointer = JsonPointer.parse("/items", "itemsPointer");
    private JsonPointer idPointer = JsonPointer.parse("/id", "idPointer");
    private Pagination pagination = Pagination.nextLink("/next");
    private boolean nextPointerSet;
    private boolean paginationSet;
    private final List<Matcher> resourceFilters = new ArrayList<>();
    private final Map<String, JsonPointer> labels = new LinkedHashMap<>();
    private @Nullable String metricsPath;
    private final Map<String, JsonPointer> metrics = new LinkedHashMap<>();
    private @Nullable JsonPointer timestampPointer;
    private @Nullable OkHttpClient client;
    private final SourceSettings.Builder http = SourceSettings.builder();
    private int concurrency = 8;
    private int maxPages = 1000;
    private int maxResources = 100_000;
    private int maxIdLength = 256;
    private int maxLabelValueLength = 1024;
    private @Nullable OAuth2ClientCredentials oauth2;

    private Builder() {}

    /**
     * Sets the base URL: the origin every request goes to. Paths are resolved against it like links
     * (so an absolute path replaces its path).
     *
     * @throws NullPointerException if {@code baseUrl} is null
     * @throws IllegalArgumentException if {@code baseUrl} is not an http or https URL
     */
    public Builder baseUrl(String baseUrl) {
      requireNonNull(baseUrl, "baseUrl == null");
      HttpUrl parsed = HttpUrl.parse(baseUrl);
      if (parsed == null) {
        throw new IllegalArgumentException(
            "baseUrl is not an http or https URL: " + Urls.redactUnparsed(baseUrl));
      }
      return baseUrl(parsed);
    }

    /**
     * Sets the base URL: the origin every request goes to.
     *
     * @throws NullPointerException if {@code baseUrl} is null
     * @throws IllegalArgumentException if {@code baseUrl} is not an http or https URL
     */
    public Builder baseUrl(HttpUrl baseUrl) {
      requireNonNull(baseUrl, "baseUrl == null");
      if (!baseUrl.scheme().equals("http") && !baseUrl.scheme().equals("https")) {
        throw new IllegalArgumentException(
            "baseUrl is not an http or https URL: " + Urls.redact(baseUrl));
      }
      this.baseUrl = baseUrl;
      return this;
    }

    /**
     * Sets a fixed bearer token, sent as {@code Authorization: Bearer <token>} on every request.
     *
     * @throws NullPointerException if {@code token} is null
     * @throws IllegalArgumentException if {@code token} is blank or holds CR, LF, whitespace or
     *     another character not allowed in an HTTP header (the message does not show the token)
     */
    public Builder bearerToken(String token) {
      this.tokenSupplier = BearerAuth.fixed(token);
      return this;
    }

    /**
     * Sets a supplier of the bearer token, asked before every request (including retries), for
     * tokens that rotate. It is called from worker threads, so it must be thread safe. A null,
     * blank or malformed token, or a supplier that throws, fails that request with a {@link
     * SourceException} of kind {@link Kind#AUTH}.
     *
     * @throws NullPointerException if {@code tokenSupplier} is null
     */
    public Builder bearerToken(Supplier<String> tokenSupplier) {
      this.tokenSupplier = requireNonNull(tokenSupplier, "bearerToken == null");
      return this;
    }

    /**
     * Sets the path (or URL on the base URL's origin) of the first page of the resource listing.
     *
     * @throws NullPointerException if {@code path} is null
     * @throws IllegalArgumentException if {@code path} is blank
     */
    public Builder resourcesPath(String path) {
      requireNonNull(path, "resourcesPath == null");
      if (path.isBlank()) throw new IllegalArgumentException("resourcesPath is blank");
      this.resourcesPath = path;
      return this;
    }

    /**
     * Sets the JSON Pointer to the array of resources in a listing page; default {@code /items}.
     *
     * @throws NullPointerException if {@code pointer} is null
     * @throws IllegalArgumentException if {@code pointer} is not a JSON Pointer
     */
    public Builder itemsPointer(String pointer) {
      this.itemsPointer = pointer("itemsPointer", pointer);
      return this;
    }

    /**
     * Sets the JSON Pointer to the resource id (a string) in a listing item; default {@code /id}.
     *
     * @throws NullPointerException if {@code pointer} is null
     * @throws IllegalArgumentException if {@code pointer} is not a JSON Pointer
     */
    public Builder idPointer(String pointer) {
      this.idPointer = pointer("idPointer", pointer);
      return this;
    }

    /**
     * Sets the JSON Pointer to the link to the next listing page; default {@code /next}. A null or
     * missing link ends the listing.
     *
     * @throws NullPointerException if {@code pointer} is null
     * @throws IllegalArgumentException if {@code pointer} is not a JSON Pointer
     */
    public Builder nextPointer(String pointer) {
      this.pagination = new Pagination.NextLink(pointer("nextPointer", pointer));
      this.nextPointerSet = true;
      return this;
    }

    /**
     * Sets how the next listing page is found; default {@link Pagination#nextLink
     * nextLink("/next")}: a link in the body, or an RFC 8288 {@code Link} header, a page token, or
     * offset and limit.
     *
     * @throws NullPointerException if {@code pagination} is null
     */
    public Builder pagination(Pagination pagination) {
      this.pagination = requireNonNull(pagination, "pagination == null");
      this.paginationSet = true;
      return this;
    }

    /**
     * Adds a filter on the listing: only resources whose labels (from {@link #resourceLabel}, and
     * the id as label {@code resource}) match every filter are read, as in {@code
     * Matcher.equal("region", "eu-west-1")} or {@code Matcher.regex("resource", "vm-.*")}. A
     * resource that stops matching is no longer read, and its alerts resolve as for a resource gone
     * from the listing.
     *
     * @throws NullPointerException if {@code filter} is null
     */
    public Builder resourceFilter(Matcher filter) {
      resourceFilters.add(requireNonNull(filter, "resourceFilter == null"));
      return this;
    }

    /**
     * Adds a label taken from each listing item: a string, number or boolean at {@code pointer}. A
     * missing or null value leaves the label out; an object or array, or a string longer than
     * {@link #maxLabelValueLength}, is reported as bad data and leaves it out.
     *
     * @throws NullPointerException if an argument is null
     * @throws IllegalArgumentException if {@code name} is blank, already added, or reserved by the
     *     engine ({@code alertname}, {@code resource}, {@code severity}), or {@code pointer} is not
     *     a JSON Pointer
     */
    public Builder resourceLabel(String name, String pointer) {
      requireNonNull(name, "resourceLabel name == null");
      if (name.isBlank()) throw new IllegalArgumentException("resourceLabel name is blank");
      if (Labels.RESERVED.contains(name)) {
        throw new IllegalArgumentException(
            "resourceLabel name is reserved: "
                + name
                + " (the engine sets "
                + String.join(", ", Labels.RESERVED)
                + " itself)");
      }
      if (labels.containsKey(name)) {
        throw new IllegalArgumentException("resourceLabel already added: " + name);
      }
      labels.put(name, pointer("resourceLabel " + name, pointer));
      return this;
    }

    /**
     * Sets the path of a resource's metrics; {@code {id}} is replaced by the resource id, encoded
     * as one URL path segment.
     *
     * @throws NullPointerException if {@code path} is null
     * @throws IllegalArgumentException if {@code path} does not contain {@code {id}} exactly once
     */
    public Builder metricsPath(String path) {
      requireNonNull(path, "metricsPath == null");
      int at = path.indexOf("{id}");
      if (at < 0 || path.indexOf("{id}", at + 1) >= 0) {
        throw new IllegalArgumentException(
            "metricsPath must contain {id} exactly once: \"" + path + "\"");
      }
      this.metricsPath = path;
      return this;
    }

    /**
     * Adds a metric: its name and the JSON Pointer to its number in the metrics body.
     *
     * @throws NullPointerException if an argument is null
     * @throws IllegalArgumentException if {@code name} is blank or already added, or {@code
     *     pointer} is not a JSON Pointer
     */
    public Builder metric(String name, String pointer) {
      requireNonNull(name, "metric name == null");
      if (name.isBlank()) throw new IllegalArgumentException("metric name is blank");
      if (metrics.containsKey(name))
        throw new IllegalArgumentException("metric already added: " + name);
      metrics.put(name, pointer("metric " + name, pointer));
      return this;
    }

    /**
     * Sets the JSON Pointer to an ISO-8601 timestamp in the metrics body, such as {@code
     * 2026-11-24T00:00:00Z}. Without it, samples carry {@link PollContext#now()}.
     *
     * @throws NullPointerException if {@code pointer} is null
     * @throws IllegalArgumentException if {@code pointer} is not a JSON Pointer
     */
    public Builder timestampPointer(String pointer) {
      this.timestampPointer = pointer("timestampPointer", pointer);
      return this;
    }

    /**
     * Uses the host's client (its connection pool, proxy, TLS and interceptors) through {@link
     * OkHttpClient#newBuilder()} with this builder's timeouts and with redirects turned off. The
     * source never shuts it down.
     *
     * @throws NullPointerException if {@code client} is null
     */
    public Builder client(OkHttpClient client) {
      this.client = requireNonNull(client, "client == null");
      return this;
    }

    /**
     * Formerly the Moshi that built JSON trees; ignored now that bodies are streamed.
     *
     * @deprecated bodies are read as a stream with Moshi's {@code JsonReader}, which needs no
     *     adapters, and only the selected values are kept; this setting has no effect
     * @throws NullPointerException if {@code moshi} is null
     */
    @Deprecated
    public Builder moshi(Moshi moshi) {
      requireNonNull(moshi, "moshi == null");
      return this;
    }

    /**
     * Sets the connect timeout; default 10 seconds.
     *
     * @throws NullPointerException if {@code timeout} is null
     * @throws IllegalArgumentException if {@code timeout} is not positive or too long
     */
    public Builder connectTimeout(Duration timeout) {
      http.connectTimeout(timeout);
      return this;
    }

    /**
     * Sets the read timeout: the longest wait for bytes; default 10 seconds.
     *
     * @throws NullPointerException if {@code timeout} is null
     * @throws IllegalArgumentException if {@code timeout} is not positive or too long
     */
    public Builder readTimeout(Duration timeout) {
      http.readTimeout(timeout);
      return this;
    }

    /**
     * Sets the call timeout: the longest a single request attempt may take; default 30 seconds.
     *
     * @throws NullPointerException if {@code timeout} is null
     * @throws IllegalArgumentException if {@code timeout} is not positive or too long
     */
    public Builder callTimeout(Duration timeout) {
      http.callTimeout(timeout);
      return this;
    }

    /**
     * Sets the most metric requests in flight at once, which is also the number of worker threads;
     * default 8.
     *
     * @throws IllegalArgumentException if {@code concurrency} is not between 1 and 256
     */
    public Builder concurrency(int concurrency) {
      this.concurrency = SourceSettings.checkConcurrency(concurrency, 256);
      return this;
    }

    /**
     * Sets the largest response body read; a larger one is bad data. Default 8 MiB.
     *
     * @throws IllegalArgumentException if {@code maxBodyBytes} is not positive
     */
    public Builder maxBodyBytes(long maxBodyBytes) {
      http.maxBodyBytes(maxBodyBytes);
      return this;
    }

    /**
     * Sets the most listing pages read in one poll, a guard against endless next links; default
     * 1,000. A longer listing fails the poll with a {@link SourceException} of kind {@link
     * Kind#BAD_DATA} naming the first page left unread.
     *
     * @throws IllegalArgumentException if {@code maxPages} is not positive
     */
    public Builder maxPages(int maxPages) {
      if (maxPages < 1)
        throw new IllegalArgumentException("maxPages must be positive: " + maxPages);
      this.maxPages = maxPages;
      return this;
    }

    /**
     * Sets the most listing items (resources, and items that could not be read) taken in one poll;
     * default 100,000. A longer listing fails the poll with a {@link SourceException} of kind
     * {@link Kind#BAD_DATA} naming the page and the first item over the limit: reading only part of
     * it would make the other resources look gone.
     *
     * @throws IllegalArgumentException if {@code maxResources} is not positive
     */
    public Builder maxResources(int maxResources) {
      if (maxResources < 1) {
        throw new IllegalArgumentException("maxResources must be positive: " + maxResources);
      }
      this.maxResources = maxResources;
      return this;
    }

    /**
     * Sets the longest resource id accepted, in chars; default 256. A longer id is reported as bad
     * data for that listing item (through {@link PollContext#reportError}) and the resource is not
     * read; the other resources are.
     *
     * @throws IllegalArgumentException if {@code maxIdLength} is not positive
     */
    public Builder maxIdLength(int maxIdLength) {
      if (maxIdLength < 1)
        throw new IllegalArgumentException("maxIdLength must be positive: " + maxIdLength);
      this.maxIdLength = maxIdLength;
      return this;
    }

    /**
     * Sets the longest label value accepted, in chars; default 1,024. A longer value is never cut
     * (a cut value could merge two resources' series): it is reported as bad data and the label is
     * left out, as for a value of the wrong type, while the resource is still read.
     *
     * @throws IllegalArgumentException if {@code maxLabelValueLength} is not positive
     */
    public Builder maxLabelValueLength(int maxLabelValueLength) {
      if (maxLabelValueLength < 1) {
        throw new IllegalArgumentException(
            "maxLabelValueLength must be positive: " + maxLabelValueLength);
      }
      this.maxLabelValueLength = maxLabelValueLength;
      return this;
    }

    /**
     * Sets the retry applied to every request; default {@link #defaultRetryConfig()}. Use {@code
     * Retry.of("x", RetryConfig.custom().maxAttempts(1).build())} for a single attempt.
     *
     * @throws NullPointerException if {@code retry} is null
     */
    public Builder retry(Retry retry) {
      http.retry(retry);
      return this;
    }

    /**
     * Authenticates with bearer tokens from an OAuth2 token endpoint (client credentials grant),
     * cached and refreshed before they expire, and once when the API answers 401. Instead of {@link
     * #bearerToken}.
     *
     * @throws NullPointerException if {@code credentials} is null
     */
    public Builder oauth2(OAuth2ClientCredentials credentials) {
      this.oauth2 = requireNonNull(credentials, "oauth2 == null");
      return this;
    }

    /**
     * Sets the circuit breaker every request attempt goes through; default one per source with
     * {@link #defaultCircuitBreakerConfig()}. While it is open, requests fail at once with {@link
     * Kind#CIRCUIT_OPEN}: the listing (so the whole poll) or the resources, each reported.
     *
     * @throws NullPointerException if {@code circuitBreaker} is null
     */
    public Builder circuitBreaker(CircuitBreaker circuitBreaker) {
      http.circuitBreaker(circuitBreaker);
      return this;
    }

    /**
     * Sets the longest {@code Retry-After} the source waits for within a poll; default 30 seconds.
     * When a 429, 503 or other retryable answer carries a {@code Retry-After} (delta-seconds or an
     * HTTP-date), the next attempt waits exactly that long instead of the retry's back-off; when it
     * asks for longer than this, the request is not retried in this poll (the next poll tries
     * again), so the server is never asked again earlier than it said.
     *
     * @throws NullPointerException if {@code max} is null
     * @throws IllegalArgumentException if {@code max} is negative
     */
    public Builder maxRetryAfter(Duration max) {
      http.maxRetryAfter(max);
      return this;
    }

    /**
     * Sets how many retries one poll may spend; default {@link RetryBudget#ofDefaults()} (10 plus
     * 10% of the poll's requests). A request whose retry would go over it fails with its last
     * error.
     *
     * @throws NullPointerException if {@code budget} is null
     */
    public Builder retryBudget(RetryBudget budget) {
      http.retryBudget(budget);
      return this;
    }

    /**
     * Sets the sweep deadline: the longest one poll may take, listing, retries and waits included;
     * default 50 seconds, under a once-a-minute schedule. When it passes, the resources that
     * answered are returned as usual and every other one is reported through {@link
     * PollContext#reportError} with a {@link Kind#TIMEOUT} error naming it (it has no sample: never
     * a made-up value); their requests are cancelled. A listing that does not end in time fails the
     * poll. Retries and rate-limit waits that would end after the deadline are not made.
     *
     * @throws NullPointerException if {@code timeout} is null
     * @throws IllegalArgumentException if {@code timeout} is not positive
     */
    public Builder sweepTimeout(Duration timeout) {
      http.sweepTimeout(timeout);
      return this;
    }

    /**
     * Limits the requests this source sends to at most {@code requestsPerSecond}, retries and
     * listing pages included, spaced evenly; default 0, no limit. Together with {@link
     * #concurrency} (the most requests in flight at once) it sets the source's quota on the API.
     *
     * @throws IllegalArgumentException if {@code requestsPerSecond} is negative, NaN or over
     *     1,000,000
     */
    public Builder requestsPerSecond(double requestsPerSecond) {
      http.requestsPerSecond(requestsPerSecond);
      return this;
    }

    /**
     * Sets the wall clock, used to read {@code Retry-After} dates; default {@link
     * Clock#systemUTC()}.
     *
     * @throws NullPointerException if {@code clock} is null
     */
    public Builder clock(Clock clock) {
      http.clock(clock);
      return this;
    }

    /**
     * Sets the monotonic ticker for the sweep deadline and the rate limit; default {@link
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
     * @throws IllegalStateException if baseUrl, bearerToken, resourcesPath or metricsPath is not
     *     set, no metric was added, or a path does not resolve to the origin of baseUrl
     */
    public HttpJsonSource build() {
      HttpUrl base = baseUrl;
      if (base == null) throw new IllegalStateException("baseUrl is not set");
      Secrets secrets = new Secrets();
      BearerAuth auth = BearerAuth.of(tokenSupplier, oauth2, secrets);
      if (resourcesPath == null) throw new IllegalStateException("resourcesPath is not set");
      if (metricsPath == null) throw new IllegalStateException("metricsPath is not set");
      if (metrics.isEmpty()) throw new IllegalStateException("no metric: add one with metric()");
      HttpUrl resources = base.resolve(resourcesPath);
      if (resources == null || !Urls.sameOrigin(resources, base)) {
        throw new IllegalStateException(
            "resourcesPath does not resolve to a URL on the origin of baseUrl: " + resourcesPath);
      }
      if (nextPointerSet && paginationSet) {
        throw new IllegalStateException(
            "nextPointer and pagination are both set: use pagination(Pagination.nextLink(...))");
      }
      String paging = pagination.problem(resources, maxResources);
      if (paging != null) throw new IllegalStateException(paging);
      for (Matcher m : resourceFilters) {
        if (!m.name().equals("resource") && !labels.containsKey(m.name())) {
          throw new IllegalStateException(
              "resourceFilter "
                  + m
                  + " names label "
                  + m.name()
                  + ", which no resourceLabel sets (known: resource"
                  + (labels.isEmpty() ? "" : ", " + String.join(", ", labels.keySet()))
                  + ")");
        }
      }
      HttpUrl sampleMetrics = base.resolve(metricsPath.replace("{id}", "x"));
      if (sampleMetrics == null || !Urls.sameOrigin(sampleMetrics, base)) {
        throw new IllegalStateException(
            "metricsPath does not resolve to a URL on the origin of baseUrl: " + metricsPath);
      }
      return new HttpJsonSource(this, base, auth, secrets, resources);
    }

    private static JsonPointer pointer(String setting, String pointer) {
      requireNonNull(pointer, setting + " == null");
      return JsonPointer.parse(pointer, setting);
    }

    /** Describes the configuration, without the bearer token. */
    @Override
    public String toString() {
      return "HttpJsonSource.Builder{baseUrl="
          + (baseUrl == null ? null : Urls.redact(baseUrl))
          + ", resourcesPath="
          + resourcesPath
          + ", metricsPath="
          + metricsPath
          + ", metrics="
          + metrics.keySet()
          + ", bearerToken="
          + (tokenSupplier == null ? "unset" : "REDACTED")
          + "}";
    }
  }
}
