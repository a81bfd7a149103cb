package dev.vigil;

import static java.util.Objects.requireNonNull;

import java.time.Duration;

/**
 * One open alert in an {@link Evaluation}'s snapshot: what inhibition reads, and what reminders and
 * held-back announcements are made of.
 *
 * @param current a FIRING notification rendered with the alert's current value
 * @param state FIRING or NO_DATA (or any state while flapping)
 * @param flapping whether its notifications are held because it flaps
 * @param repeatInterval the rule's reminder interval; zero for none
 */
record ActiveAlert(
    AlertNotification current, AlertState state, boolean flapping, Duration repeatInterval) {

  ActiveAlert {
    requireNonNull(current, "current == null");
    requireNonNull(state, "state == null");
    requireNonNull(repeatInterval, "repeatInterval == null");
  }

  String fingerprint() {
    return current.fingerprint();
  }

  /** Firing and not flapping: may inhibit others, is reminded and announced. */
  boolean firing() {
    return state == AlertState.FIRING && !flapping;
  }
}
