package dev.vigil;

/** What an {@link AlertNotification} announces. */
public enum AlertStatus {
  /** The rule's condition holds for the resource: the alert started (or is still) firing. */
  FIRING,
  /** The condition no longer holds: the alert that was firing has ended. */
  RESOLVED
}
