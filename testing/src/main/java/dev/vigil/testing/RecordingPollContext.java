package dev.vigil.testing;

import static java.util.Objects.requireNonNull;

import dev.vigil.MetricSource;
import dev.vigil.PollContext;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * A {@link PollContext} for unit-testing a {@link MetricSource} without a monitor: it gives the
 * source a name and a time, and records the errors the source reports.
 *
 * <pre>{@code
 * RecordingPollContext context = RecordingPollContext.create("cloud", clock);
 * List<Sample> samples = source.poll(context);
 * assertThat(context.errors()).extracting(Map.Entry::getKey).containsExactly("vm-2");
 * }</pre>
 *
 * <p>Thread safe: a source may report errors from its own worker threads.
 *
 * <p>{@link #incomplete()} is the first error passed to {@link #reportIncomplete}, as the monitor
 * keeps it.
 */
public final class RecordingPollContext implements PollContext {
  private final String sourceName;
  private final Clock clock;
  private final List<Map.Entry<String, Exception>> errors = new ArrayList<>();
  private @Nullable Exception incomplete;

  private RecordingPollContext(String sourceName, Clock clock) {
    this.sourceName = sourceName;
    this.clock = clock;
  }

  /**
   * Returns a context for a source named {@code sourceName} whose {@link #now()} reads {@code
   * clock}.
   *
   * @throws NullPointerException if an argument is null
   */
  public static RecordingPollContext create(String sourceName, Clock clock) {
    return new RecordingPollContext(
        requireNonNull(sourceName, "sourceName == null"), requireNonNull(clock, "clock == null"));
  }

  @Override
  public String sourceName() {
    return sourceName;
  }

  @Override
  public Instant now() {
    return clock.instant();
  }

  @Override
  public synchronized void reportError(String resource, Exception error) {
    errors.add(
        Map.entry(
            requireNonNull(resource, "resource == null"), requireNonNull(error, "error == null")));
  }

  @Override
  public synchronized void reportIncomplete(Exception error) {
    requireNonNull(error, "error == null");
    if (incomplete == null) incomplete = error;
  }

  /**
   * The first error reported through {@link #reportIncomplete}: why the source said the poll is
   * incomplete as a whole; null if it did not.
   */
  public synchronized @Nullable Exception incomplete() {
    return incomplete;
  }

  /** The errors reported so far, as (resource, error) pairs in order. */
  public synchronized List<Map.Entry<String, Exception>> errors() {
    return List.copyOf(errors);
  }

  @Override
  public String toString() {
    return "RecordingPollContext{" + sourceName + ", " + errors().size() + " error(s)}";
  }
}
