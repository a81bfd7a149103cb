package dev.vigil.http;

import com.squareup.moshi.JsonReader;
import dev.vigil.SourceException;
import dev.vigil.SourceException.Kind;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;
import okhttp3.HttpUrl;
import okhttp3.Response;
import okhttp3.ResponseBody;
import okio.Buffer;
import okio.BufferedSource;
import org.jspecify.annotations.Nullable;

/**
 * The one classification of what a request came back with, for every source of this package: 401
 * and 403 are {@link Kind#AUTH}; a 3xx is {@link Kind#HTTP_STATUS} naming where it pointed (a
 * redirect is never followed); any other non-2xx is a {@link StatusException} carrying the server's
 * {@code Retry-After}; an {@link InterruptedIOException} is {@link Kind#TIMEOUT} and any other
 * {@link IOException} {@link Kind#CONNECTION}. Every piece of server text (reason phrase, {@code
 * Location}, an error body's code and message, exception messages) is scrubbed of the source's
 * credentials, then escaped and cut.
 */
final class HttpFailures {
  private HttpFailures() {}

  /** The longest text from the outside world (reason phrases, exception text) in a message. */
  static final int MAX_QUOTED_CHARS = 256;

  /** The most bytes of an error body read for its code and message. */
  static final long MAX_ERROR_BODY_BYTES = 16 * 1024;

  /** The longest code or message taken from an error body. */
  private static final int MAX_DETAIL_CHARS = 200;

  /**
   * Where a provider puts its error's code and message in an error body, such as {@code
   * /error/code} and {@code /error/message} for {@code {"error":{"code":..,"message":..}}}.
   */
  record ErrorBody(JsonPointer code, JsonPointer message) {}

  /**
   * Returns the failure for a response that is not 2xx.
   *
   * @param errorBody the (capped) error body to read the provider's code and message from, or null
   *     to read nothing
   * @param where where to find them; null to read nothing
   * @param rateLimitReset true to take the wait of a 429 without {@code Retry-After} from {@code
   *     RateLimit-Reset} (epoch seconds, or delta seconds for values under 10^9)
   */
  static SourceException status(
      Response response,
      HttpUrl url,
      String method,
      Secrets secrets,
      Clock clock,
      @Nullable ResponseBody errorBody,
      @Nullable ErrorBody where,
      boolean rateLimitReset) {
    String shown = Urls.redact(url);
    int code = response.code();
    String reason = response.message();
    String status =
        "HTTP " + code + (reason.isEmpty() ? "" : " " + secrets.quote(reason, MAX_QUOTED_CHARS));
    String detail = where == null || errorBody == null ? null : detail(errorBody, where, secrets);
    String said = detail == null ? "" : " (the server said: " + detail + ")";
    if (code == 401 || code == 403) {
      return new SourceException(
          Kind.AUTH,
          method
              + " "
              + shown
              + ": "
              + status
              + ": the server refused the credentials (bearer token)"
              + said,
          shown,
          code,
          null,
          null);
    }
    if (code >= 300 && code < 400) {
      String raw = response.headers().get("Location");
      String location = raw == null ? null : secrets.scrub(raw);
      HttpUrl target = location == null ? null : url.resolve(location);
      String to =
          location == null
              ? "without a Location"
              : "to "
                  + (target != null
                      ? Urls.redact(target)
                      : secrets.quote(location, MAX_QUOTED_CHARS));
      return new SourceException(
          Kind.HTTP_STATUS,
          method
              + " "
              + shown
              + ": "
              + status
              + ": redirect "
              + to
              + " not followed (redirects are refused: they could take the bearer token elsewhere)",
          shown,
          code,
          null,
          null);
    }
    Duration retryAfter = RetryAfter.parse(response.headers().get("Retry-After"), clock);
    String wait = retryAfter == null ? "" : " (Retry-After " + retryAfter + ")";
    if (retryAfter == null && rateLimitReset && code == 429) {
      retryAfter = untilReset(response.headers().get("RateLimit-Reset"), clock);
      if (retryAfter != null) {
        wait =
            " (RateLimit-Remaining "
                + header(response, "RateLimit-Remaining", secrets)
                + " of "
                + header(response, "RateLimit-Limit", secrets)
                + ", RateLimit-Reset in "
                + retryAfter
                + ")";
      }
    }
    return new StatusException(
        method + " " + shown + ": " + status + wait + said, shown, code, retryAfter);
  }

  private static String header(Response response, String name, Secrets secrets) {
    String v = response.headers().get(name);
    return v == null ? "?" : secrets.quote(v, 20);
  }

  /**
   * The wait until {@code RateLimit-Reset}: epoch seconds (Hetzner, DigitalOcean) for values of
   * 10^9 and more, else delta seconds (the IETF draft); null if missing or not a number.
   */
  static @Nullable Duration untilReset(@Nullable String header, Clock clock) {
    if (header == null) return null;
    String v = header.trim();
    if (v.isEmpty() || v.length() > 12) return null;
    for (int i = 0; i < v.length(); i++) {
      if (v.charAt(i) < '0' || v.charAt(i) > '9') return null;
    }
    long n = Long.parseLong(v);
    if (n < 1_000_000_000L) return Duration.ofSeconds(n);
    Duration wait = Duration.between(clock.instant(), Instant.ofEpochSecond(n));
    return wait.isNegative() ? Duration.ZERO : wait;
  }

  /** "code: message" from an error body, scrubbed and cut; null if it has neither. */
  private static @Nullable String detail(ResponseBody body, ErrorBody where, Secrets secrets) {
    Object root;
    try {
      BufferedSource source = body.source();
      Buffer copy = new Buffer();
      source.read(copy, MAX_ERROR_BODY_BYTES);
      JsonReader reader = JsonReader.of(copy);
      root = reader.readJsonValue();
    } catch (IOException | RuntimeException e) {
      return null; // not JSON, or not whole: the status says enough
    }
    String code = text(at(root, where.code().tokens()), secrets);
    String message = text(at(root, where.message().tokens()), secrets);
    if (code == null && message == null) return null;
    if (code == null) return message;
    return message == null ? code : code + ": " + message;
  }

  private static @Nullable Object at(@Nullable Object node, List<String> tokens) {
    Object at = node;
    for (String t : tokens) {
      if (at instanceof Map<?, ?> map) {
        at = map.get(t);
      } else if (at instanceof List<?> list) {
        int i = JsonPointer.arrayIndex(t);
        at = i >= 0 && i < list.size() ? list.get(i) : null;
      } else {
        return null;
      }
    }
    return at;
  }

  private static @Nullable String text(@Nullable Object value, Secrets secrets) {
    if (value instanceof String s) return secrets.quote(s, MAX_DETAIL_CHARS);
    if (value instanceof Number || value instanceof Boolean) return value.toString();
    return null;
  }

  /**
   * Returns the failure for an I/O error: {@link Kind#TIMEOUT} for a timeout, else {@link
   * Kind#CONNECTION}. The cause is kept only if no message in its chain holds a credential, else a
   * scrubbed stand-in.
   */
  static SourceException io(String method, String shown, IOException failure, Secrets secrets) {
    return io(method + " " + shown, shown, failure, secrets, MAX_QUOTED_CHARS);
  }

  /**
   * The failure of a request that got no answer, its message starting with {@code head} (such as
   * {@code "GET <url>: query up"}), the exception's text scrubbed and cut to {@code maxQuoted}.
   */
  static SourceException io(
      String head, String shown, IOException failure, Secrets secrets, int maxQuoted) {
    // OkHttp quotes server text in some messages (a malformed status line, for one).
    Throwable cause = secrets.cause(failure);
    if (failure instanceof InterruptedIOException) { // SocketTimeoutException; interrupts: Canceled
      return new SourceException(
          Kind.TIMEOUT,
          head
              + ": timed out ("
              + secrets.quote(String.valueOf(failure.getMessage()), maxQuoted)
              + ")",
          shown,
          -1,
          null,
          cause);
    }
    return new SourceException(
        Kind.CONNECTION,
        head + ": connection failed: " + secrets.quote(failure.toString(), maxQuoted),
        shown,
        -1,
        null,
        cause);
  }

  /**
   * The first {@code max} of {@code items}, each as {@code shown} gives it, and how many more there
   * are: {@code "a", "b", ... (and 3 more)}; for the messages that name what a poll left unread.
   */
  static String named(List<String> items, int max, UnaryOperator<String> shown) {
    StringBuilder out = new StringBuilder();
    int n = Math.min(items.size(), max);
    for (int i = 0; i < n; i++) {
      if (i > 0) out.append(", ");
      out.append(shown.apply(items.get(i)));
    }
    if (items.size() > n) out.append(", ... (and ").append(items.size() - n).append(" more)");
    return out.toString();
  }

  /** A BAD_DATA failure at a JSON path, the whole message scrubbed once more. */
  static SourceException badData(
      String method, HttpUrl url, String path, String detail, Secrets secrets) {
    String shown = Urls.redact(url);
    // The parts are quoted already; scrubbing the whole again is the net under them.
    return new SourceException(
        Kind.BAD_DATA,
        secrets.scrub(method + " " + shown + ": bad data at " + path + ": " + detail),
        shown,
        -1,
        secrets.scrub(path),
        null);
  }
}
