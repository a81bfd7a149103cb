package dev.vigil.http;

import dev.vigil.PollContext;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

/** A poll context that records reported errors. */
final class RecordingPollContext implements PollContext {
  static final Instant NOW = Instant.parse("2030-01-01T00:00:00Z");

  final List<Map.Entry<String, Exception>> errors = new CopyOnWriteArrayList<>();

  @Override
  public String sourceName() {
    return "cloud";
  }

  @Override
  public Instant now() {
    return NOW;
  }

  @Override
  public void reportError(String resource, Exception error) {
    errors.add(Map.entry(resource, error));
  }

  List<String> failedResources() {
    return errors.stream().map(Map.Entry::getKey).toList();
  }
}
