package dev.vigil;

/**
 * A sink that takes a whole {@link AlertGroup} in one delivery: one email, one chat message or one
 * webhook call for 200 resources that crossed a threshold together, or for what a budget held back.
 * The opt-in counterpart of {@link AlertSink}, whose plain implementations receive a group's
 * notifications one at a time.
 *
 * <p>The monitor hands it groups when a route groups ({@code Route.Builder#groupBy}) or the sink's
 * budget sends a digest; a notification that travels alone arrives through {@link
 * #deliver(AlertNotification)}, which by default delivers it as a group of one. A group is retried
 * as a whole, with the same back-off, permanent-failure and dead-letter rules as a notification
 * (see {@link AlertSink}); de-duplicate on {@link AlertGroup#idempotencyKey()}.
 *
 * <p><b>Threading and lifecycle</b> as for {@link AlertSink}: one delivery thread per sink.
 */
@FunctionalInterface
public interface AlertGroupSink extends AlertSink {

  /**
   * Delivers a group of notifications in one go.
   *
   * @param group the group; never null, never empty
   * @throws Exception if the group was not delivered; {@link PermanentDeliveryException} if
   *     retrying cannot help
   */
  void deliverGroup(AlertGroup group) throws Exception;

  /**
   * Delivers one notification that travels alone: by default as a group of one, of kind {@link
   * AlertGroup.Kind#GROUP}, whose key is the notification's fingerprint.
   *
   * @throws Exception if the notification was not delivered
   */
  @Override
  default void deliver(AlertNotification notification) throws Exception {
    deliverGroup(
        new AlertGroup(
            AlertGroup.Kind.GROUP,
            notification.fingerprint(),
            java.util.Map.of(),
            java.util.List.of(notification),
            notification.at()));
  }
}
