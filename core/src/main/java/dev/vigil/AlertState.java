package dev.vigil;

/**
 * Where an alert is in its lifecycle: {@code INACTIVE -> PENDING -> FIRING -> RESOLVED}, with
 * {@code NO_DATA} when its data stopped arriving (see {@link MissingData#MISSING}).
 */
public enum AlertState {
  /** The condition does not hold. */
  INACTIVE,
  /** The condition holds, but not yet for the rule's {@code for} duration or M-of-N datapoints. */
  PENDING,
  /** The condition held long enough: the alert is firing and was notified. */
  FIRING,
  /** The alert stopped firing; it behaves as {@link #INACTIVE} until it breaches again. */
  RESOLVED,
  /** No data arrived for the rule's staleness period. */
  NO_DATA
}
