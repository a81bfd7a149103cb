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
}
