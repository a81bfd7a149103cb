package dev.vigil;

import static java.util.Objects.requireNonNull;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import org.jspecify.annotations.Nullable;

/**
 * Mutes what an active {@link Silence} matches, like Alertmanager's silences. Holds the silences;
 * those yet to start wait, expired ones are forgotten lazily. Thread safe.
 */
final class SilenceStage implements MuteStage {
  private final ConcurrentMap<String, Silence> silences = new ConcurrentHashMap<>();

  void add(Silence silence) {
    requireNonNull(silence, "silence == null");
    silences.put(silence.id(), silence);
  }

  boolean expire(String id) {
    Silence s = silences.remove(requireNonNull(id, "id == null"));
    if (s == null) return false;
    s.expire();
    return true;
  }

  /** Silences active at {@code now} or yet to start, earliest start first. */
  List<Silence> current(Instant now) {
    silences.values().removeIf(s -> s.isExpired(now));
    List<Silence> out = new ArrayList<>(silences.values());
    out.sort(Comparator.comparing(Silence::startsAt).thenComparing(Silence::id));
    return out;
  }

  @Override
  public @Nullable Muted mute(AlertNotification n, Instant now, List<ActiveAlert> active) {
    for (Silence s : current(now)) {
      if (s.isActiveAt(now) && s.matches(n.labels())) {
        return new Muted(
            SuppressionKind.SILENCE, "silenced by " + s.id() + " (" + s.comment() + ")");
      }
    }
    return null;
  }
}
