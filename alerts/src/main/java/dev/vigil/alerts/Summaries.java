package dev.vigil.alerts;

import dev.vigil.AlertGroup;
import dev.vigil.AlertNotification;
import dev.vigil.AlertStatus;
import dev.vigil.NotificationType;
import dev.vigil.internal.Templates;
import java.time.Instant;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;

/**
 * The one-line texts that chat sinks (Slack, Teams) and the email digest show for a notification
 * and a group, with untrusted text kept on one line.
 */
final class Summaries {
  private Summaries() {}

  /**
   * {@code FIRING WARNING HighCpu on vm-000001}, or {@code RESOLVED ...}; the type is shown when it
   * is not the plain firing or resolution ({@code REMINDER}, {@code SEVERITY_CHANGED}).
   */
  static String headline(AlertNotification n) {
    StringBuilder s = new StringBuilder(96).append(n.status());
    boolean plain =
        (n.type() == NotificationType.FIRING && n.status() == AlertStatus.FIRING)
            || (n.type() == NotificationType.RESOLVED && n.status() == AlertStatus.RESOLVED);
    if (!plain) s.append(" (").append(n.type()).append(')');
    s.append(' ').append(n.severity()).append(' ').append(n.rule()).append(" on ");
    s.append(n.resource());
    return Text.headerSafe(s.toString());
  }

  /**
   * The title of a group: the headline of a group of one; else {@code 3 alerts: 2 FIRING, 1
   * RESOLVED (HighCpu)} with the group labels, or the rules when they have none.
   */
  static String title(AlertGroup g) {
    if (g.notifications().size() == 1) return headline(g.notifications().get(0));
    StringBuilder s = new StringBuilder(96);
    s.append(g.notifications().size()).append(" alerts: ");
    if (g.firing() > 0) s.append(g.firing()).append(" FIRING");
    if (g.firing() > 0 && g.resolved() > 0) s.append(", ");
    if (g.resolved() > 0) s.append(g.resolved()).append(" RESOLVED");
    s.append(" (");
    if (!g.groupLabels().isEmpty()) {
      boolean first = true;
      for (Map.Entry<String, String> e : g.groupLabels().entrySet()) {
        if (!first) s.append(", ");
        first = false;
        s.append(e.getKey()).append('=').append(e.getValue());
      }
    } else {
      Set<String> rules = new LinkedHashSet<>();
      for (AlertNotification n : g.notifications()) rules.add(n.rule());
      s.append(String.join(", ", rules));
    }
    s.append(')');
    if (g.kind() == AlertGroup.Kind.DIGEST) s.insert(0, "Digest: ");
    return Text.headerSafe(s.toString());
  }

  /** {@code value 92.4, threshold 80, since 2026-11-24T00:00:00Z (until ...)}. */
  static String facts(AlertNotification n) {
    StringBuilder s =
        new StringBuilder(96)
            .append("value ")
            .append(Templates.formatNumber(n.value()))
            .append(", threshold ")
            .append(Templates.formatNumber(n.threshold()))
            .append(", since ")
            .append(n.startsAt());
    Instant endsAt = n.endsAt();
    if (endsAt != null) s.append(", until ").append(endsAt);
    return s.toString();
  }

  /**
   * Cuts {@code s} to at most {@code max} UTF-16 units on a grapheme boundary (an emoji with
   * joiners, a letter with combining marks stays whole), adding {@code …} when cut.
   */
  static String cut(String s, int max) {
    return Graphemes.cut(s, max);
  }
}
