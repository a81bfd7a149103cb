package dev.vigil;

import static java.util.Objects.requireNonNull;

import java.time.Instant;

/**
 * One change of an alert's state, as kept in its bounded history ({@link
 * ResourceMonitor#alertHistory(String)}).
 *
 * @param at when the change happened
 * @param from the state before
 * @param to the state after
 * @param value the value evaluated then, or NaN if there was none
 * @param reason why, for people: "condition held for PT5M", "resource gone", ...
 */
public record AlertTransition(
    Instant at, AlertState from, AlertState to, double value, String reason) {

  /**
   * Validates the components.
   *
   * @throws NullPointerException if a component is null
   */
  public AlertTransition {
    requireNonNull(at, "at == null");
    requireNonNull(from, "from == null");
    requireNonNull(to, "to == null");
    requireNonNull(reason, "reason == null");
  }
}
