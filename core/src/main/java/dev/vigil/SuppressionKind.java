package dev.vigil;

/** Why a notification was not delivered to the sinks; used in suppression counters. */
public enum SuppressionKind {
  /** An active {@link Silence} matched the alert. */
  SILENCE,
  /** An active {@link MuteWindow} matched the alert. */
  MUTE_WINDOW,
  /**
   * A firing CRITICAL alert on the same resource inhibited a less severe one, like an Alertmanager
   * inhibit rule.
   */
  INHIBITION,
  /** The notification came during the startup grace period. */
  GRACE
}
