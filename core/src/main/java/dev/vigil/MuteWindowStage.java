package dev.vigil;

import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/** Mutes what an active {@link MuteWindow} matches, like Alertmanager's mute_time_intervals. */
final class MuteWindowStage implements MuteStage {
  private final List<MuteWindow> windows;

  MuteWindowStage(List<MuteWindow> windows) {
    this.windows = List.copyOf(windows);
    Set<String> names = new HashSet<>();
    for (MuteWindow w : this.windows) {
      if (!names.add(w.name())) {
        throw new IllegalArgumentException("two mute windows are named " + w.name());
      }
    }
  }

  List<MuteWindow> windows() {
    return windows;
  }

  @Override
  public @Nullable Muted mute(AlertNotification n, Instant now, List<ActiveAlert> active) {
    for (MuteWindow w : windows) {
      if (w.isActiveAt(now) && w.matches(n.labels())) {
        return new Muted(SuppressionKind.MUTE_WINDOW, "muted by window " + w.name());
      }
    }
    return null;
  }
}
