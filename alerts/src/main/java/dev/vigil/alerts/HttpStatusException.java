package dev.vigil.alerts;

import java.io.IOException;
import java.time.Duration;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * An HTTP sink's receiver answered with a status that is not 2xx. As an {@link IOException} it is
 * transient (408, 429 and 5xx: the monitor retries); for any other status the sink throws a {@link
 * dev.vigil.PermanentDeliveryException} whose cause is this exception.
 *
 * <p>The message names the method, the endpoint without its secret parts (a Slack or Teams webhook
 * URL is itself a credential: only its scheme, host and port are shown), the status and at most 200
 * characters of the response body, with every configured secret replaced by {@code ****}.
 */
public final class HttpStatusException extends IOException implements dev.vigil.RetryAfterHint {
  private static final long serialVersionUID = 1L;

  private final int status;
  private final @Nullable Duration retryAfter;

  HttpStatusException(String message, int status, @Nullable Duration retryAfter) {
    super(message);
    this.status = status;
    this.retryAfter = retryAfter;
  }

  /** The HTTP status code the receiver answered with. */
  public int status() {
    return status;
  }

  /** How long the receiver asked to wait ({@code Retry-After}), if it did. */
  @Override
  public Optional<Duration> retryAfter() {
    return Optional.ofNullable(retryAfter);
  }

  /** True for the statuses worth retrying: 408, 429 and 5xx. */
  static boolean isTransient(int status) {
    return status == 408 || status == 429 || (status >= 500 && status <= 599);
  }
}
