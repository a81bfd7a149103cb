package dev.vigil;

import java.time.Instant;

/**
 * What a {@link MetricSource} gets to know about the poll it is running.
 *
 * <p>Valid only during the {@link MetricSource#poll} call it was passed to; implementations are
 * thread safe, so a source may report errors from its own worker threads.
 */
public interface PollContext {

  /** The name the source was registered under. */
  String sourceName();

  /** The monitor's wall-clock time when the poll started: use it for samples without timestamps. */
  Instant now();

  /**
   * Reports that one resource could not be read while the others were. The monitor logs it and
   * passes it to its {@link MonitorListener}; the resource simply has no sample in this poll.
   *
   * @param resource the resource that failed, or the URL or name of what failed
   * @param error what went wrong; its message must not contain secrets
   */
  void reportError(String resource, Exception error);

  /**
   * Reports that this poll is incomplete as a whole although it returns samples: the source left
   * resources unread for a reason of its own rather than theirs, such as a sweep deadline that
   * passed or an open circuit breaker. The monitor evaluates the samples returned as usual and
   * fires the source's {@code SourceHealth} alert with {@code error} as its cause, as for a failed
   * poll; the next complete poll resolves it. The error's message becomes the alert's summary, so
   * it should name the resources left unread (or the first few, and how many); report each of them
   * through {@link #reportError} as well. Of several calls in one poll, the first counts. The
   * default does nothing.
   *
   * @param error why the poll is incomplete; its message must not contain secrets
   */
  default void reportIncomplete(Exception error) {}
}
