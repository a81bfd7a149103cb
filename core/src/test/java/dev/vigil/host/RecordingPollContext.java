package dev.vigil.host;

import dev.vigil.PollContext;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

/** A poll context at a fixed instant that records the errors reported to it. */
final class RecordingPollContext implements PollContext {
  final Instant now;
  final List<Map.Entry<String, Exception>> errors = new CopyOnWriteArrayList<>();

  RecordingPollContext(Instant now) {
    this.now = now;
  }

  @Override
  public String sourceName() {
    return "host";
  }

  @Override
  public Instant now() {
    return now;
  }

  @Override
  public void reportError(String resource, Exception error) {
    errors.add(Map.entry(resource, error));
  }
}
