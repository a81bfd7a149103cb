package dev.vigil;

import java.time.Duration;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * Observes what a {@link ResourceMonitor} does: polls, skipped ticks, source errors, deliveries.
 * For metrics, health checks and tests. Every method has a no-op default, so implement only what
 * you need; {@link #NONE} does nothing.
 *
 * <p><b>Threading.</b> Methods are called from the monitor's poll and delivery threads, possibly
 * concurrently: implementations must be thread safe and quick. An exception thrown by a listener is
 * logged and otherwise ignored.
 */
public interface MonitorListener {

  /** A listener that does nothing. */
  MonitorListener NONE = new MonitorListener() {};

  /**
   * A poll of {@code source} returned {@code samples} samples after {@code took}.
   *
   * @param source the source's name
   * @param samples how many samples it returned
   * @param took how long the poll took, measured by the monitor's ticker
   */
  default void onPollSucceeded(String source, int samples, Duration took) {}

  /**
   * A poll of {@code source} failed as a whole, or failed for one resource.
   *
   * @param source the source's name
   * @param resource the resource that failed, or null if the whole poll failed
   * @param error what went wrong
   */
  default void onSourceError(String source, @Nullable String resource, Throwable error) {}

  /**
   * A tick of {@code source} was skipped because its previous poll was still running.
   *
   * @param source the source's name
   */
  default void onTickSkipped(String source) {}

  /**
   * A rule threw while evaluating; the rule's state for that sample is unchanged.
   *
   * @param rule the rule's name
   * @param error what went wrong
   */
  default void onRuleError(String rule, Throwable error) {}

  /**
   * Rule {@code rule} reads {@code metric}, which no source reported in the polls until every
   * source had a successful, complete poll: most often a typo ({@code metric("cpu")} when the
   * source emits {@code cpu_usage}), which would otherwise raise nothing at all. Called once per
   * rule and metric, after one WARN line for the rule; counted in {@link
   * MonitorStats#rulesWithoutData()} until the metric is reported (then logged at INFO). Absent
   * rules are not checked: their own alert fires for a metric that nobody reports.
   *
   * @param rule the rule's name
   * @param metric the metric no source reported
   * @param seen the metric names the sources did report, sorted (at most 10,000); unmodifiable
   */
  default void onUnreportedMetric(String rule, String metric, Set<String> seen) {}

  /**
   * A notification was raised and queued for every sink.
   *
   * @param notification the notification
   */
  default void onNotification(AlertNotification notification) {}

  /**
   * {@code notification} was suppressed and goes to no sink: silenced, muted, inhibited, or sent
   * during the startup grace period. Counted in {@link MonitorStats#suppressed()}.
   *
   * @param notification the notification
   * @param reason why, for people: {@code "muted by window nightly"}
   */
  default void onSuppressed(AlertNotification notification, String reason) {}

  /**
   * {@code notification} is not sent to {@code sink}: a mute stage stopped it for that sink (it may
   * still go to others). Counted in {@link MonitorStats.SinkStats#muted()}; when it goes to no sink
   * at all, {@link #onSuppressed} follows once.
   *
   * @param sink the sink's name
   * @param notification the notification
   * @param reason why, for people: {@code "silenced by <id> (<comment>)"}
   */
  default void onMuted(String sink, AlertNotification notification, String reason) {}

  /**
   * {@code group} was flushed for {@code sink}: a route's group when its timer came, or a digest of
   * what the sink's budget held back. Its notifications then go to the sink's queue: together for
   * an {@link AlertGroupSink}, one by one for any other sink. Counted in {@link
   * MonitorStats.SinkStats#groups()} or {@link MonitorStats.SinkStats#digests()}.
   *
   * @param sink the sink's name
   * @param group the group
   */
  default void onGrouped(String sink, AlertGroup group) {}

  /**
   * {@code notification} for {@code sink} is held back because the sink's budget is spent; it goes
   * out in the next digest. Counted in {@link MonitorStats.SinkStats#heldBack()}.
   *
   * @param sink the sink's name
   * @param notification the notification
   */
  default void onHeldBack(String sink, AlertNotification notification) {}

  /**
   * {@code sink} delivered {@code notification}.
   *
   * @param sink the sink's name
   * @param notification the notification
   */
  default void onDelivered(String sink, AlertNotification notification) {}

  /**
   * An attempt of {@code sink} to deliver {@code notification} failed.
   *
   * @param sink the sink's name
   * @param notification the notification
   * @param error what went wrong
   * @param willRetry whether the monitor will try again; if false the notification is given up and
   *     goes to {@link #onDeadLetter}
   */
  default void onDeliveryFailed(
      String sink, AlertNotification notification, Throwable error, boolean willRetry) {}

  /**
   * {@code notification} was dropped before {@code sink} could deliver it: its queue was full, or
   * the monitor closed before the queue was flushed.
   *
   * @param sink the sink's name
   * @param notification the notification
   * @param reason why, for people
   */
  default void onDropped(String sink, AlertNotification notification, String reason) {}

  /**
   * {@code sink} finally gave up on {@code notification}: it threw a {@link
   * PermanentDeliveryException}, ran out of attempts, or its delivery thread died of an error on
   * the last attempt. Every notification a sink was due either reaches {@link #onDelivered}, this
   * method or {@link #onDropped}; none is lost silently.
   *
   * @param sink the sink's name
   * @param notification the notification, with its {@link AlertNotification#idempotencyKey()}
   * @param cause the last failure
   */
  default void onDeadLetter(String sink, AlertNotification notification, Throwable cause) {}
}
