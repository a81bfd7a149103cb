package dev.vigil;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * Mutes a notification that an {@link InhibitRule} says a firing alert of the snapshot inhibits,
 * like Alertmanager's {@code Inhibitor} ({@code inhibit/inhibit.go}), which reads the alert store
 * and not the rules. A silenced or muted source alert still inhibits, as in Alertmanager.
 *
 * <p>Costs: once per snapshot, O(active alerts x rules) to index the source alerts by their {@code
 * equal} label values; then O(rules) per notification. Thread safe.
 */
final class InhibitStage implements MuteStage {
  private final List<InhibitRule> rules;

  /** The snapshot the index was built from, compared by identity. */
  private @Nullable List<ActiveAlert> indexed;

  /** Per rule: source alerts by their values of the rule's equal labels. */
  private List<Map<List<String>, List<AlertNotification>>> index = List.of();

  InhibitStage(List<InhibitRule> rules) {
    this.rules = List.copyOf(rules);
  }

  @Override
  public synchronized @Nullable Muted mute(
      AlertNotification n, Instant now, List<ActiveAlert> active) {
    if (indexed != active) reindex(active);
    for (int i = 0; i < rules.size(); i++) {
      InhibitRule rule = rules.get(i);
      if (!rule.isTarget(n.labels())) continue;
      List<AlertNotification> sources = index.get(i).get(key(rule, n.labels()));
      if (sources == null) continue;
      for (AlertNotification source : sources) {
        if (source.fingerprint().equals(n.fingerprint())) continue; // never by itself
        return new Muted(
            SuppressionKind.INHIBITION,
            "inhibited by " + source.severity() + " " + source.rule() + " on " + source.resource());
      }
    }
    return null;
  }

  private void reindex(List<ActiveAlert> active) {
    List<Map<List<String>, List<AlertNotification>>> next = new ArrayList<>(rules.size());
    for (InhibitRule rule : rules) {
      Map<List<String>, List<AlertNotification>> byKey = new HashMap<>();
      for (ActiveAlert a : active) {
        if (a.state() != AlertState.FIRING) continue;
        AlertNotification source = a.current();
        if (!rule.isSource(source.labels())) continue;
        byKey.computeIfAbsent(key(rule, source.labels()), k -> new ArrayList<>()).add(source);
      }
      next.add(byKey);
    }
    index = next;
    indexed = active;
  }

  private static List<String> key(InhibitRule rule, Map<String, String> labels) {
    List<String> key = new ArrayList<>(rule.equal().size());
    for (String name : rule.equal()) key.add(labels.getOrDefault(name, ""));
    return key;
  }
}
