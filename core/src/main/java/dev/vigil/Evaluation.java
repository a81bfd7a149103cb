package dev.vigil;

import static java.util.Objects.requireNonNull;

import java.time.Instant;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * What one evaluation handed to delivery: the alert transitions it caused, in order, and the open
 * alerts afterwards. The one value that crosses from the engine to delivery; nothing comes back.
 *
 * @param sequence numbers the evaluations from 1 in the order the engine made them, so that
 *     delivery keeps that order even when several poll threads hand theirs on at once
 * @param at when the evaluation ran (the poll's start on the wall clock), for timestamps
 * @param nanos the same on the monotonic {@link Ticker}, for durations (reminders, grace): only
 *     differences between two evaluations' readings mean something, and a step of the wall clock
 *     changes none of them
 * @param notifications the transitions, in the order they happened
 * @param ruleFailures rules that threw meanwhile
 * @param active the alerts that may be open in a sink after this evaluation: firing, without data
 *     or flapping, and the health alerts of failing sources
 * @param failure an unexpected failure of the evaluation itself (a bug), or null
 * @param states the alert states this evaluation changed, for the state store: written by the poll
 *     thread after the hand-off, outside the engine's lock
 */
record Evaluation(
    long sequence,
    Instant at,
    long nanos,
    List<AlertNotification> notifications,
    List<RuleFailure> ruleFailures,
    List<ActiveAlert> active,
    @Nullable Throwable failure,
    List<AlertStates.Saved> states) {

  Evaluation {
    requireNonNull(at, "at == null");
    notifications = List.copyOf(notifications);
    ruleFailures = List.copyOf(ruleFailures);
    active = List.copyOf(active);
    states = List.copyOf(states);
  }

  /** A rule threw while evaluating {@code series}. */
  record RuleFailure(String rule, String series, Throwable error) {}
}
