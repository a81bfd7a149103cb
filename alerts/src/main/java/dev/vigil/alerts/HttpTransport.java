package dev.vigil.alerts;

import dev.vigil.PermanentDeliveryException;
import dev.vigil.internal.NamedThreadFactory;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Flow;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.jspecify.annotations.Nullable;

/**
 * Posts JSON for the HTTP sinks with the JDK's {@link HttpClient}: one deadline per request, a
 * capped response body, redirects never followed, {@code Retry-After} honoured as {@link
 * HttpSettings} describes, and every error message free of secrets. Thread safe. {@link #close()}
 * stops the threads of a client it built (daemon threads {@code vigil-<name>-http-N}); a host's
 * client is left alone.
 */
final class HttpTransport implements AutoCloseable {
  /** The most characters of a response body that go into an exception message. */
  static final int MAX_BODY_TEXT = 200;

  private static final int MAX_BODY_BYTES = 8 * 1024;

  /** A response: its status, its {@code Retry-After} (if any) and the start of its body. */
  record Response(int status, @Nullable Duration retryAfter, String body) {}

  private final HttpSettings settings;
  private final HttpClient client;
  private final @Nullable ExecutorService ownExecutor;
  private final Clock clock;

  HttpTransport(String name, HttpSettings settings, Clock clock) {
    this.settings = settings;
    this.clock = clock;
    HttpClient host = settings.client;
    if (host != null) {
      this.client = host;
      this.ownExecutor = null;
    } else {
      this.ownExecutor = Executors.newCachedThreadPool(new NamedThreadFactory(name + "-http"));
      this.client =
          HttpClient.newBuilder()
              .connectTimeout(settings.connectTimeout)
              .followRedirects(HttpClient.Redirect.NEVER)
              // HTTP/1.1: no h2c upgrade dance on plain http; https endpoints all speak it.
              .version(HttpClient.Version.HTTP_1_1)
              .executor(ownExecutor)
              .build();
    }
  }

  /**
   * Posts {@code body} to {@code endpoint} and returns on a 2xx; waits out one short {@code
   * Retry-After} and tries once more, with the same headers.
   *
   * @param headers request headers; their values are treated as secrets in error text
   * @param secrets further strings never to show (tokens, routing keys)
   * @throws HttpStatusException for 408, 429, 5xx (transient)
   * @throws PermanentDeliveryException for any other status, with an {@link HttpStatusException}
   *     cause
   * @throws IOException if the request failed or timed out (transient)
   */
  void post(Endpoint endpoint, Map<String, String> headers, byte[] body, List<String> secrets)
      throws IOException, PermanentDeliveryException {
    List<String> hidden = new ArrayList<>(endpoint.secrets);
    hidden.addAll(headers.values());
    hidden.addAll(secrets);
    hidden.removeIf(s -> s.length() < 4);
    hidden.sort((a, b) -> b.length() - a.length());
    Response r = send(endpoint, headers, body, hidden);
    if (isOk(r)) return;
    Duration wait = r.retryAfter();
    if (HttpStatusException.isTransient(r.status())
        && wait != null
        && wait.compareTo(settings.maxRetryAfter) <= 0) {
      try {
        settings.pauser.pause(wait);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new InterruptedIOException("interrupted waiting out Retry-After of " + endpoint);
      }
      r = send(endpoint, headers, body, hidden);
      if (isOk(r)) return;
    }
    fail(endpoint, r, hidden);
  }

  private static boolean isOk(Response r) {
    return r.status() >= 200 && r.status() <= 299;
  }

  /** Throws the exception for a response that is not 2xx. */
  private static void fail(Endpoint endpoint, Response r, List<String> hidden)
      throws IOException, PermanentDeliveryException {
    String text = Secrets.scrub(r.body(), hidden);
    String message =
        "POST "
            + endpoint
            + " answered "
            + r.status()
            + (r.retryAfter() != null ? " (Retry-After " + r.retryAfter() + ")" : "")
            + (text.isEmpty() ? "" : ": " + cut(text));
    HttpStatusException e = new HttpStatusException(message, r.status(), r.retryAfter());
    if (HttpStatusException.isTransient(r.status())) throw e;
    String why =
        r.status() >= 300 && r.status() <= 399
            ? " (redirects are never followed: configure the final URL)"
            : " (not retried)";
    throw new PermanentDeliveryException(message + why, e);
  }

  private static String cut(String s) {
    return s.length() <= MAX_BODY_TEXT ? s : s.substring(0, MAX_BODY_TEXT) + "...";
  }

  private Response send(
      Endpoint endpoint, Map<String, String> headers, byte[] body, List<String> hidden)
      throws IOException {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(endpoint.uri)
            .timeout(settings.timeout)
            .header("Content-Type", "application/json")
            .header("User-Agent", "Vigil")
            .POST(HttpRequest.BodyPublishers.ofByteArray(body));
    headers.forEach(request::header);
    CompletableFuture<HttpResponse<String>> call =
        client.sendAsync(request.build(), info -> new CappedBody());
    HttpResponse<String> response;
    try {
      response = call.get(settings.timeoutMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      call.cancel(true);
      Thread.currentThread().interrupt();
      throw new InterruptedIOException("interrupted posting to " + endpoint);
    } catch (TimeoutException e) {
      call.cancel(true);
      throw new IOException("POST " + endpoint + ": no response within " + settings.timeout);
    } catch (ExecutionException e) {
      Throwable cause = e.getCause() != null ? e.getCause() : e;
      if (cause instanceof java.net.http.HttpTimeoutException
          && !(cause instanceof java.net.http.HttpConnectTimeoutException)) {
        // The JDK's own request timeout (until the headers) fired before our whole-call deadline.
        throw new IOException("POST " + endpoint + ": no response within " + settings.timeout);
      }
      throw Secrets.scrubbedIo("POST " + endpoint + " failed", cause, hidden);
    }
    return new Response(
        response.statusCode(),
        retryAfter(response.headers().firstValue("Retry-After").orElse(null), clock),
        response.body());
  }

  /**
   * Parses {@code Retry-After} (RFC 9110 section 10.2.3): delta-seconds or an HTTP-date; null for
   * anything else.
   */
  static @Nullable Duration retryAfter(@Nullable String header, Clock clock) {
    if (header == null) return null;
    String value = header.trim();
    if (value.isEmpty()) return null;
    if (value.chars().allMatch(c -> c >= '0' && c <= '9')) {
      if (value.length() > 9) return Duration.ofDays(365);
      return Duration.ofSeconds(Long.parseLong(value));
    }
    try {
      Instant at = ZonedDateTime.parse(value, DateTimeFormatter.RFC_1123_DATE_TIME).toInstant();
      Duration wait = Duration.between(clock.instant(), at);
      return wait.isNegative() ? Duration.ZERO : wait;
    } catch (DateTimeParseException e) {
      return null;
    }
  }

  @Override
  public void close() {
    ExecutorService e = ownExecutor;
    if (e != null) e.shutdownNow();
  }

  /** Reads at most {@value #MAX_BODY_BYTES} bytes of the body, then cancels the rest. */
  private static final class CappedBody implements HttpResponse.BodySubscriber<String> {
    private final CompletableFuture<String> result = new CompletableFuture<>();
    private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    private Flow.@Nullable Subscription subscription;

    @Override
    public CompletionStage<String> getBody() {
      return result;
    }

    @Override
    public void onSubscribe(Flow.Subscription s) {
      subscription = s;
      s.request(Long.MAX_VALUE);
    }

    @Override
    public void onNext(List<ByteBuffer> items) {
      for (ByteBuffer b : items) {
        int n = Math.min(b.remaining(), MAX_BODY_BYTES - bytes.size());
        byte[] chunk = new byte[n];
        b.get(chunk);
        bytes.write(chunk, 0, n);
      }
      if (bytes.size() >= MAX_BODY_BYTES) {
        Flow.Subscription s = subscription;
        if (s != null) s.cancel();
        onComplete();
      }
    }

    @Override
    public void onError(Throwable t) {
      result.completeExceptionally(t);
    }

    @Override
    public void onComplete() {
      result.complete(new String(bytes.toByteArray(), StandardCharsets.UTF_8));
    }
  }
}
