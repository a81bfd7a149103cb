package dev.vigil;

import dev.vigil.state.StateStore;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * This monitor instance's heartbeat in the {@link StateStore} (space {@code instances}), and the
 * takeover of instances that stopped beating: replicas sharing a store deliver what a replica that
 * died had queued. An instance is stopped once its heartbeat is {@link #ORPHAN_AFTER} old; its
 * outboxes are then adopted item by item ({@link SinkDispatcher#adopt}), and its heartbeat removed.
 * Beats at most every {@link #BEAT_EVERY}. Thread safe.
 */
final class InstanceLease {
  static final String SPACE = "instances";
  static final Duration BEAT_EVERY = Duration.ofSeconds(10);
  static final Duration ORPHAN_AFTER = Duration.ofMinutes(2);

  private final StateStore store;
  private final String instanceId;
  private final Clock clock;
  private final List<SinkDispatcher> sinks;
  private final StateErrors errors;
  private Instant lastBeat = Instant.MIN;

  InstanceLease(
      StateStore store,
      String instanceId,
      Clock clock,
      List<SinkDispatcher> sinks,
      StateErrors errors) {
    this.store = store;
    this.instanceId = instanceId;
    this.clock = clock;
    this.sinks = sinks;
    this.errors = errors;
  }

  /** Writes the heartbeat if it is due, and adopts the outboxes of stopped instances. */
  synchronized void beat() {
    Instant now = clock.instant();
    if (now.isBefore(lastBeat.plus(BEAT_EVERY))) return;
    lastBeat = now;
    Map<String, String> instances;
    try {
      store.put(SPACE, instanceId, now.toString());
      instances = store.load(SPACE);
    } catch (IOException e) {
      errors.failed("beat in", SPACE, e);
      return;
    }
    for (Map.Entry<String, String> i : instances.entrySet()) {
      if (i.getKey().equals(instanceId)) continue;
      Instant seen;
      try {
        seen = Instant.parse(i.getValue());
      } catch (RuntimeException e) {
        continue;
      }
      if (now.isBefore(seen.plus(ORPHAN_AFTER))) continue;
      for (SinkDispatcher d : sinks) d.adopt(i.getKey());
      try {
        store.replace(SPACE, i.getKey(), i.getValue(), "stopped " + seen);
      } catch (IOException e) {
        errors.failed("write", SPACE, e);
      }
    }
  }
}
