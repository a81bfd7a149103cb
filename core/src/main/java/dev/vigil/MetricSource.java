package dev.vigil;

import java.util.List;

/**
 * Where samples come from: a cloud API, the host, Prometheus, or anything a host application can
 * read. A {@link ResourceMonitor} calls {@link #poll} on the source's {@link Schedule}.
 *
 * <p><b>Threading.</b> The monitor never polls one source concurrently with itself, so an
 * implementation needs no locking of its own for that; it may be called from different threads over
 * time. A poll may block (it runs on a poll thread, never on the scheduler thread) but should bound
 * its own waiting, for example with HTTP timeouts.
 *
 * <p><b>Failure.</b> Throw to report that the poll failed as a whole: the monitor logs it, tells
 * its {@link MonitorListener}, and polls again on the next tick. Prefer {@link SourceException}
 * (with its {@link SourceException.Kind}) for failures of the outside world. When only some
 * resources failed, return the good samples and report the others through {@link
 * PollContext#reportError}. Never return a made-up value (such as 0) for data you could not read.
 *
 * <p><b>Lifecycle.</b> {@link #close()} is called once when the monitor closes.
 */
@FunctionalInterface
public interface MetricSource {

  /**
   * Reads the current samples, for as many resources as this source covers.
   *
   * @param context the poll's context: its time, its source name, and a channel for partial errors
   * @return the samples of this poll; may be empty, never null
   * @throws Exception if the poll failed; the monitor reports it and polls again next tick
   */
  List<Sample> poll(PollContext context) throws Exception;

  /**
   * Releases what the source holds (threads, connections). Called once by the monitor on close; the
   * default does nothing.
   *
   * @throws Exception if releasing failed; the monitor logs it and goes on closing
   */
  default void close() throws Exception {}
}
