package dev.vigil;

import static java.util.Objects.requireNonNull;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.jspecify.annotations.Nullable;

/** Mutes everything before {@code startedAt + grace}: a restart pages nobody for what was known. */
final class GraceStage implements MuteStage {
  private final Duration grace;
  private volatile Instant endsAt;

  GraceStage(Instant now, Duration grace) {
    this.grace = requireNonNull(grace, "grace == null");
    if (grace.isNegative()) {
      throw new IllegalArgumentException("grace period is negative: " + grace);
    }
    this.endsAt = now.plus(grace);
  }

  void started(Instant startedAt) {
    endsAt = requireNonNull(startedAt, "startedAt == null").plus(grace);
  }

  Instant endsAt() {
    return endsAt;
  }

  @Override
  public @Nullable Muted mute(AlertNotification n, Instant now, List<ActiveAlert> active) {
    return now.isBefore(endsAt) ? new Muted(SuppressionKind.GRACE, "startup grace period") : null;
  }
}
