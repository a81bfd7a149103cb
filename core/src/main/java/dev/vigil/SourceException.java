package dev.vigil;

import static java.util.Objects.requireNonNull;

import java.io.IOException;
import org.jspecify.annotations.Nullable;

/**
 * A {@link MetricSource} could not read its data because the outside world failed: the API refused
 * the credentials, answered with an error status, timed out, or sent data that is not what the
 * source was told to expect.
 *
 * <p>The message names what failed (the URL without credentials, the HTTP status, the JSON path)
 * and never contains a secret. {@link #kind()} lets alerting and dashboards tell the causes apart.
 */
public class SourceException extends IOException {
  private static final long serialVersionUID = 1L;

  /** The class of failure. */
  public enum Kind {
    /** The credentials were refused (HTTP 401 or 403). */
    AUTH,
    /** The server answered with another error status (HTTP 429, 5xx, unexpected 4xx). */
    HTTP_STATUS,
    /** The server did not answer in time. */
    TIMEOUT,
    /** The data could not be read: malformed JSON, a wrong type, a missing field, too large. */
    BAD_DATA,
    /** The connection failed: refused, reset, closed early, TLS failure. */
    CONNECTION,
    /**
     * No request was sent: the source's circuit breaker is open after repeated failures, giving the
     * API a rest until it is tried again.
     */
    CIRCUIT_OPEN
  }

  private final Kind kind;
  private final @Nullable String url;
  private final int httpStatus;
  private final @Nullable String jsonPath;

  /**
   * Creates an exception.
   *
   * @param kind the class of failure
   * @param message what failed, without secrets
   * @param url the URL that failed, without credentials; null if none
   * @param httpStatus the HTTP status, or -1 if there was none
   * @param jsonPath the JSON path of bad data, such as {@code $.metrics.cpu_usage}; null if none
   * @param cause the underlying failure; null if none
   * @throws NullPointerException if {@code kind} or {@code message} is null
   */
  public SourceException(
      Kind kind,
      String message,
      @Nullable String url,
      int httpStatus,
      @Nullable String jsonPath,
      @Nullable Throwable cause) {
    super(requireNonNull(message, "message == null"), cause);
    this.kind = requireNonNull(kind, "kind == null");
    this.url = url;
    this.httpStatus = httpStatus;
    this.jsonPath = jsonPath;
  }

  /** The class of failure. */
  public Kind kind() {
    return kind;
  }

  /** The URL that failed, without credentials, or null. */
  public @Nullable String url() {
    return url;
  }

  /** The HTTP status the server answered with, or -1. */
  public int httpStatus() {
    return httpStatus;
  }

  /** The JSON path of bad data, such as {@code $.metrics.cpu_usage}, or null. */
  public @Nullable String jsonPath() {
    return jsonPath;
  }
}
