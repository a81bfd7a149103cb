package dev.vigil.alerts;

import dev.vigil.AlertGroup;
import dev.vigil.AlertNotification;
import dev.vigil.AlertStatus;
import dev.vigil.internal.Templates;
import java.time.Instant;
import java.util.Map;

/**
 * The HTML parts of {@link EmailAlertSink}'s emails: the same content as the plain text, as small
 * tables with inline styles (mail clients drop style sheets). Every value from an alert is
 * HTML-escaped ({@code & < > " '}), so a label holding {@code <script>} shows as text.
 */
final class HtmlBodies {
  private HtmlBodies() {}

  static String notification(AlertNotification n) {
    StringBuilder h = start(Summaries.headline(n));
    alert(h, n, true);
    return end(h);
  }

  static String digest(AlertGroup g) {
    StringBuilder h = start(Summaries.title(g));
    for (AlertNotification n : g.notifications()) alert(h, n, false);
    return end(h);
  }

  private static StringBuilder start(String title) {
    return new StringBuilder(2048)
        .append("<!DOCTYPE html><html><head><meta charset=\"utf-8\"><title>")
        .append(escape(title))
        .append("</title></head><body style=\"font-family:sans-serif\"><h2>")
        .append(escape(title))
        .append("</h2>");
  }

  private static void alert(StringBuilder h, AlertNotification n, boolean withLabels) {
    String colour = n.status() == AlertStatus.RESOLVED ? "#2e7d32" : "#c62828";
    h.append("<h3 style=\"color:").append(colour).append("\">");
    h.append(escape(Summaries.headline(n))).append("</h3><p>");
    h.append(escape(n.summary())).append("</p>");
    if (!n.description().isEmpty()) {
      h.append("<p>");
      n.description().lines().forEach(l -> h.append(escape(l)).append("<br>"));
      h.append("</p>");
    }
    h.append("<table style=\"border-collapse:collapse\">");
    row(h, "Status", n.status().name());
    row(h, "Type", n.type().name());
    row(h, "Severity", n.severity().name());
    row(h, "Rule", n.rule());
    row(h, "Resource", n.resource());
    row(h, "Value", Templates.formatNumber(n.value()));
    row(h, "Threshold", Templates.formatNumber(n.threshold()));
    row(h, "Starts at", n.startsAt().toString());
    Instant endsAt = n.endsAt();
    if (endsAt != null) row(h, "Ends at", endsAt.toString());
    if (withLabels) {
      for (Map.Entry<String, String> label : n.labels().entrySet()) {
        row(h, label.getKey(), label.getValue());
      }
    }
    row(h, "Fingerprint", n.fingerprint());
    h.append("</table>");
  }

  private static void row(StringBuilder h, String name, String value) {
    h.append("<tr><th style=\"text-align:left;padding-right:1em\">")
        .append(escape(name))
        .append("</th><td>")
        .append(escape(value))
        .append("</td></tr>");
  }

  private static String end(StringBuilder h) {
    return h.append("<p style=\"color:#777\">Sent by Vigil.</p></body></html>").toString();
  }

  /** Escapes text for an HTML element or a quoted attribute. */
  static String escape(String s) {
    StringBuilder out = new StringBuilder(s.length() + 16);
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '&' -> out.append("&amp;");
        case '<' -> out.append("&lt;");
        case '>' -> out.append("&gt;");
        case '"' -> out.append("&quot;");
        case '\'' -> out.append("&#39;");
        default -> out.append(c);
      }
    }
    return Text.escape(out.toString());
  }
}
