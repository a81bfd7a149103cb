package dev.vigil.http;

import dev.vigil.SourceException;
import java.time.Duration;
import org.jspecify.annotations.Nullable;

/**
 * An error status (kind {@link Kind#HTTP_STATUS}) that may carry the server's {@code Retry-After}:
 * the retry loop waits as told instead of its own back-off.
 */
final class StatusException extends SourceException {
  private static final long serialVersionUID = 1L;

  @SuppressWarnings("serial") // Duration is Serializable; the field type says Nullable only
  private final @Nullable Duration retryAfter;

  StatusException(String message, String url, int httpStatus, @Nullable Duration retryAfter) {
    super(Kind.HTTP_STATUS, message, url, httpStatus, null, null);
    this.retryAfter = retryAfter;
  }

  /** The wait the server asked for in {@code Retry-After}, or null if it did not. */
  @Nullable Duration retryAfter() {
    return retryAfter;
  }
}
