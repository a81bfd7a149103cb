package dev.vigil;

import java.util.ArrayList;
import java.util.List;

/**
 * What one evaluation produced, collected under the evaluator's lock and returned as one {@link
 * Evaluation}: the engine's stages add to it, nothing reads it back until the evaluation is done.
 */
final class Emitter {
  final List<AlertNotification> notifications = new ArrayList<>();
  final List<Evaluation.RuleFailure> ruleFailures = new ArrayList<>();

  void emit(AlertNotification n) {
    notifications.add(n);
  }

  void ruleFailed(String rule, String series, Throwable error) {
    ruleFailures.add(new Evaluation.RuleFailure(rule, series, error));
  }
}
