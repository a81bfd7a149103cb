package dev.vigil;

/** Why an {@link AlertNotification} was sent. */
public enum NotificationType {
  /** The alert started firing. Status {@link AlertStatus#FIRING}. */
  FIRING,
  /** The alert stopped firing (or its resource is gone). Status {@link AlertStatus#RESOLVED}. */
  RESOLVED,
  /** The alert is still firing; sent every repeat interval. Status {@link AlertStatus#FIRING}. */
  REMINDER,
  /** A firing alert escalated or de-escalated. Status {@link AlertStatus#FIRING}. */
  SEVERITY_CHANGED,
  /** No data arrived for the rule's staleness period. Status {@link AlertStatus#FIRING}. */
  NO_DATA,
  /**
   * The alert started flapping; its firing and resolved notifications are held until it stops.
   * Status {@link AlertStatus#FIRING}.
   */
  FLAPPING_STARTED,
  /**
   * The alert stopped flapping. Status {@link AlertStatus#FIRING} if it is firing now, else {@link
   * AlertStatus#RESOLVED}.
   */
  FLAPPING_STOPPED
}
