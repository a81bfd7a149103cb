package dev.vigil.http;

import dev.vigil.SourceException;
import org.jspecify.annotations.Nullable;

/**
 * A request stopped because its poll was interrupted or the source closed; never retried, and not
 * counted by the circuit breaker: it says nothing about the API.
 */
final class Canceled extends SourceException {
  private static final long serialVersionUID = 1L;

  Canceled(String method, String shownUrl, @Nullable Throwable cause) {
    super(
        Kind.CONNECTION,
        method + " " + shownUrl + ": canceled: the poll was interrupted or the source closed",
        shownUrl,
        -1,
        null,
        cause);
  }
}
