package dev.vigil;

import java.time.Instant;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * A snapshot of a {@link ResourceMonitor}'s counters, from {@link ResourceMonitor#stats()}.
 * Immutable; counters only grow over the life of a monitor, gauges ({@code rulesWithoutData},
 * {@link SinkStats#pending()}, {@link SinkStats#waiting()}) say how things are now.
 *
 * @param sources counters per source, by source name
 * @param sinks counters per sink, by sink name
 * @param suppressed notifications suppressed so far, by kind of suppression
 * @param rulesWithoutData a gauge: the rules reading a metric that no source had reported once
 *     every source was polled successfully ({@link MonitorListener#onUnreportedMetric}), and that
 *     is still unreported; 0 before that check and once each such metric was reported. A health
 *     check can require it to be 0.
 * @param notifications notifications sent so far (to at least one sink), by type
 */
public record MonitorStats(
    Map<String, SourceStats> sources,
    Map<String, SinkStats> sinks,
    Map<SuppressionKind, Long> suppressed,
    int rulesWithoutData,
    Map<NotificationType, Long> notifications) {

  /** Copies the maps. */
  public MonitorStats {
    sources = Map.copyOf(sources);
    sinks = Map.copyOf(sinks);
    suppressed = Map.copyOf(suppressed);
    notifications = Map.copyOf(notifications);
  }

  /**
   * Counters of one source.
   *
   * @param polls polls that returned samples (possibly with partial errors)
   * @param failures polls that threw
   * @param resourceErrors resources reported as failed through {@link PollContext#reportError}
   * @param skippedTicks ticks skipped because the previous poll was still running
   * @param lastSuccess when the last successful poll started, or null if none
   * @param lastError the message of the last failure, or null if none
   * @param pollTime the time spent in the source's {@link MetricSource#poll} over all {@code polls}
   *     and {@code failures}, on the monitor's ticker
   */
  public record SourceStats(
      long polls,
      long failures,
      long resourceErrors,
      long skippedTicks,
      @Nullable Instant lastSuccess,
      @Nullable String lastError,
      java.time.Duration pollTime) {}

  /**
   * Counters of one sink.
   *
   * @param delivered notifications delivered
   * @param failedAttempts delivery attempts that threw (each retry counts)
   * @param dropped notifications given up on: dead-lettered, queue full, or closed unflushed
   * @param pending notifications queued or being delivered now
   * @param retried attempts that were followed by another one
   * @param deadLettered notifications handed to {@link MonitorListener#onDeadLetter} (part of
   *     {@code dropped})
   * @param droppedByReason {@code dropped} by reason: {@code dead letter}, {@code queue full
   *     (reminder)}, {@code queue full}, {@code budget full (reminder)}, {@code budget full},
   *     {@code monitor closing}, {@code closed before delivery}
   * @param muted notifications muted for this sink, by kind of mute stage
   * @param groups groups flushed for this sink by its routes' grouping
   * @param digests digests of held-back notifications sent when its budget refilled
   * @param grouped notifications that went out in a group or a digest
   * @param heldBack notifications held back because the sink's budget was spent
   * @param decided notifications decided for this sink (past the mute stages, its routes and its
   *     notification log); every one is, or will be, {@code delivered} or {@code dropped}: {@code
   *     decided == delivered + dropped + pending + waiting} once nothing is in flight
   * @param waiting notifications decided for this sink that wait now, in a group for its timer or
   *     behind the budget (not yet queued, so not in {@code pending})
   */
  public record SinkStats(
      long delivered,
      long failedAttempts,
      long dropped,
      int pending,
      long retried,
      long deadLettered,
      Map<String, Long> droppedByReason,
      Map<SuppressionKind, Long> muted,
      long groups,
      long digests,
      long grouped,
      long heldBack,
      long decided,
      int waiting) {

    /** Copies the maps. */
    public SinkStats {
      droppedByReason = Map.copyOf(droppedByReason);
      muted = Map.copyOf(muted);
    }
  }
}
