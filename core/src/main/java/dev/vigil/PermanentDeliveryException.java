package dev.vigil;

/**
 * Thrown by an {@link AlertSink} when a notification can never be delivered as it is (an SMTP 550,
 * an HTTP 400): the monitor does not retry it, and hands it to {@link MonitorListener#onDeadLetter}
 * at once. Anything else a sink throws counts as transient and is retried.
 */
public class PermanentDeliveryException extends Exception {
  private static final long serialVersionUID = 1L;

  /**
   * @param message what the receiver said, without secrets
   */
  public PermanentDeliveryException(String message) {
    super(message);
  }

  /**
   * @param message what the receiver said, without secrets
   * @param cause the underlying failure
   */
  public PermanentDeliveryException(String message, Throwable cause) {
    super(message, cause);
  }
}
