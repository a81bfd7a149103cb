package dev.vigil;

/**
 * Where notifications go: a log, an email, a webhook, an Alertmanager.
 *
 * <p><b>Threading.</b> Each sink registered with a {@link ResourceMonitor} gets its own delivery
 * thread and queue, so {@link #deliver} is called from one thread at a time, in order, and a slow
 * or hanging sink never delays another sink or the polling of sources.
 *
 * <p><b>Failure.</b> Throw to say that the notification was not delivered: the monitor retries it
 * with exponential random back-off (see {@link ResourceMonitor.Builder#deliveryAttempts}) and then
 * hands it to {@link MonitorListener#onDeadLetter}, logging and counting both. Throw {@link
 * PermanentDeliveryException} when retrying cannot help (SMTP 550, HTTP 400): it is not retried.
 * Delivery is at least once: de-duplicate on {@link AlertNotification#idempotencyKey()}.
 *
 * <p><b>Lifecycle.</b> {@link #close()} is called once when the monitor closes, after the queue was
 * flushed, on a helper thread; one that does not return within 1 s is abandoned with one WARN.
 */
@FunctionalInterface
public interface AlertSink {

  /**
   * Delivers one notification.
   *
   * @param notification the notification; never null
   * @throws Exception if the notification was not delivered
   */
  void deliver(AlertNotification notification) throws Exception;

  /**
   * Releases what the sink holds. Called once by the monitor on close, after its queue was flushed;
   * the default does nothing.
   *
   * @throws Exception if releasing failed; the monitor logs it and goes on closing
   */
  default void close() throws Exception {}
}
