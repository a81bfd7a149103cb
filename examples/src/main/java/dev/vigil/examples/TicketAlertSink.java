package dev.vigil.examples;

import static java.util.Objects.requireNonNull;

import dev.vigil.AlertNotification;
import dev.vigil.AlertSink;
import dev.vigil.AlertStatus;
import dev.vigil.PermanentDeliveryException;
import java.io.IOException;

/**
 * An example of a custom sink: opens a ticket per firing alert and closes it on resolution, through
 * a ticket system's API. Its test, {@code TicketAlertSinkContractTest}, runs Vigil's {@code
 * AlertSinkContract} against it. The points every sink gets right: throw {@link
 * PermanentDeliveryException} when retrying cannot help (the API refused the request), any other
 * exception when it can (the API is down); use the alert's fingerprint as the key, so that a retry
 * updates the same ticket; keep credentials out of messages and {@code toString()}.
 *
 * <p>Thread safe if the API is.
 */
public final class TicketAlertSink implements AlertSink {

  /** The ticket system: answers an HTTP-like status. */
  public interface TicketApi {
    /**
     * Opens the ticket {@code key} (or updates it, if it is open), or closes it.
     *
     * @return the status: 2xx done, 429 or 5xx try later, other 4xx refused
     * @throws IOException if the ticket system could not be reached
     */
    int upsert(String key, String title, boolean open) throws IOException;
  }

  private final TicketApi api;

  /** Creates a sink that files tickets through {@code api}. */
  public TicketAlertSink(TicketApi api) {
    this.api = requireNonNull(api, "api == null");
  }

  @Override
  public void deliver(AlertNotification n) throws IOException, PermanentDeliveryException {
    String title = n.rule() + " on " + n.resource() + ": " + n.summary();
    int status = api.upsert(n.fingerprint(), title, n.status() == AlertStatus.FIRING);
    if (status >= 200 && status <= 299) return;
    if (status == 429 || status >= 500) {
      throw new IOException("ticket system answered " + status + ", will retry");
    }
    throw new PermanentDeliveryException("ticket system refused the ticket: " + status);
  }

  @Override
  public String toString() {
    return "TicketAlertSink";
  }
}
