package dev.vigil;

import java.time.Instant;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * Mutes a notification that an {@link InhibitRule} says a firing alert of the snapshot inhibits,
 * like Alertmanager's {@code Inhibitor} ({@code inhibit/inhibit.go}), which reads the alert store
 * and not the rules. A silenced or muted source alert still inhibits, as in Alertmanager.
 */
final class InhibitStage implements MuteStage {
  private final List<InhibitRule> rules;

  InhibitStage(List<InhibitRule> rules) {
    this.rules = List.copyOf(rules);
  }

  @Override
  public @Nullable Muted mute(AlertNotification n, Instant now, List<ActiveAlert> active) {
    for (InhibitRule rule : rules) {
      if (!rule.isTarget(n.labels())) continue;
      for (ActiveAlert a : active) {
        if (a.state() != AlertState.FIRING) continue;
        AlertNotification source = a.current();
        if (source.fingerprint().equals(n.fingerprint())) continue; // never by itself
        if (rule.inhibits(source.labels(), n.labels())) {
          return new Muted(
              SuppressionKind.INHIBITION,
              "inhibited by "
                  + source.severity()
                  + " "
                  + source.rule()
                  + " on "
                  + source.resource());
        }
      }
    }
    return null;
  }
}
