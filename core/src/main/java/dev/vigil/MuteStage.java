package dev.vigil;

import static java.util.Objects.requireNonNull;

import java.time.Instant;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * One mute stage of delivery: says why a notification must not be sent now, or null. Like the mute
 * stages of Alertmanager's pipeline ({@code notify/notify.go}: {@code MuteStage} with a {@code
 * Muter}). A stage decides from the notification, the time and the active-alerts snapshot only; it
 * keeps no record of what any sink was told.
 */
@FunctionalInterface
interface MuteStage {

  /**
   * Returns why {@code notification} is muted at {@code now}, or null if this stage lets it pass.
   *
   * @param active the open alerts after the evaluation that raised it
   */
  @Nullable Muted mute(AlertNotification notification, Instant now, List<ActiveAlert> active);

  /** Why a notification was muted, and by which kind of stage. */
  record Muted(SuppressionKind kind, String reason) {
    public Muted {
      requireNonNull(kind, "kind == null");
      requireNonNull(reason, "reason == null");
    }
  }
}
