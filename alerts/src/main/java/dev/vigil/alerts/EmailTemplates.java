package dev.vigil.alerts;

import dev.vigil.AlertGroup;
import dev.vigil.AlertNotification;
import dev.vigil.internal.Templates;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;
import java.util.stream.Collectors;

/**
 * The values {@link EmailTemplate}s see, escaped for the part they write, and the built-in
 * template. The HTML is small tables with inline styles (mail clients drop style sheets).
 */
final class EmailTemplates {
  private EmailTemplates() {}

  /** The part of an email a template writes, and how values are escaped for it. */
  enum Part {
    /** As they are: the sink makes the whole subject header safe. */
    SUBJECT,
    /** Control characters escaped, so that each value stays on its line. */
    TEXT,
    /** HTML-escaped (and control characters escaped). */
    HTML;

    String escape(String s) {
      return switch (this) {
        case SUBJECT -> s;
        case TEXT -> Text.escape(s);
        case HTML -> escapeHtml(s);
      };
    }
  }

  /** The values of {@code n} for {@code part}, with {@code chart} as the chart markup. */
  static EmailTemplate.AlertValues values(AlertNotification n, Part part, String chart) {
    UnaryOperator<String> e = part::escape;
    Map<String, String> labels = new LinkedHashMap<>();
    n.labels().forEach((k, v) -> labels.put(e.apply(k), e.apply(v)));
    Instant endsAt = n.endsAt();
    return new EmailTemplate.AlertValues(
        e.apply(Summaries.headline(n)),
        n.status().name(),
        n.type().name(),
        n.severity().name(),
        e.apply(n.rule()),
        e.apply(n.resource()),
        e.apply(n.summary()),
        n.description().lines().map(e).collect(Collectors.joining("\n")),
        Templates.formatNumber(n.value()),
        Templates.formatNumber(n.threshold()),
        n.startsAt().toString(),
        endsAt == null ? "" : endsAt.toString(),
        Summaries.facts(n),
        e.apply(n.fingerprint()),
        labels,
        part == Part.HTML ? chart : "");
  }

  /** The values of {@code g} for {@code part}, with the chart markup of each notification. */
  static EmailTemplate.GroupValues values(AlertGroup g, Part part, List<String> charts) {
    UnaryOperator<String> e = part::escape;
    Map<String, String> groupLabels = new LinkedHashMap<>();
    g.groupLabels().forEach((k, v) -> groupLabels.put(e.apply(k), e.apply(v)));
    List<AlertNotification> ns = g.notifications();
    List<EmailTemplate.AlertValues> alerts =
        java.util.stream.IntStream.range(0, ns.size())
            .mapToObj(i -> values(ns.get(i), part, i < charts.size() ? charts.get(i) : ""))
            .toList();
    return new EmailTemplate.GroupValues(
        e.apply(Summaries.title(g)),
        g.kind().name(),
        g.firing(),
        g.resolved(),
        groupLabels,
        alerts);
  }

  // ---- The built-in template ----

  /**
   * The type, with the status in parentheses when the type does not imply it (a {@code
   * FLAPPING_STOPPED} alert that is resolved), severity, rule, resource and summary.
   */
  static String subject(EmailTemplate.AlertValues a) {
    StringBuilder s = new StringBuilder(128).append(a.type());
    String implied = a.type().equals("RESOLVED") ? "RESOLVED" : "FIRING";
    if (!a.status().equals(implied)) s.append(" (").append(a.status()).append(')');
    return s.append(' ')
        .append(a.severity())
        .append(' ')
        .append(a.rule())
        .append(" on ")
        .append(a.resource())
        .append(": ")
        .append(a.summary())
        .toString();
  }

  /** The summary, the description (if any, its lines kept), then one line per field. */
  static String text(EmailTemplate.AlertValues a) {
    StringBuilder b = new StringBuilder(512);
    b.append(a.summary()).append("\n\n");
    if (!a.description().isEmpty()) {
      a.description().lines().forEach(l -> b.append(l).append('\n'));
      b.append('\n');
    }
    line(b, "Status", a.status());
    line(b, "Type", a.type());
    line(b, "Severity", a.severity());
    line(b, "Rule", a.rule());
    line(b, "Resource", a.resource());
    line(b, "Value", a.value());
    line(b, "Threshold", a.threshold());
    line(b, "Starts at", a.startsAt());
    if (!a.endsAt().isEmpty()) line(b, "Ends at", a.endsAt());
    b.append("\nLabels:\n");
    a.labels().forEach((k, v) -> b.append("  ").append(k).append(" = ").append(v).append('\n'));
    b.append('\n');
    line(b, "Fingerprint", a.fingerprint());
    b.append("\n-- \nSent by Vigil.\n");
    return b.toString();
  }

  private static void line(StringBuilder b, String name, String value) {
    b.append(name).append(':');
    for (int i = name.length(); i < 12; i++) b.append(' ');
    b.append(value).append('\n');
  }

  /** The title, then per alert its headline, summary, facts and fingerprint. */
  static String digestText(EmailTemplate.GroupValues g) {
    StringBuilder b = new StringBuilder(128 * g.alerts().size());
    b.append(g.title()).append("\n\n");
    for (EmailTemplate.AlertValues a : g.alerts()) {
      b.append("* ").append(a.headline()).append('\n');
      b.append("  ").append(a.summary()).append('\n');
      b.append("  ").append(a.facts()).append('\n');
      b.append("  fingerprint ").append(a.fingerprint()).append("\n\n");
    }
    b.append("-- \nSent by Vigil.\n");
    return b.toString();
  }

  static String html(EmailTemplate.AlertValues a) {
    StringBuilder h = start(a.headline());
    alert(h, a, true);
    return end(h);
  }

  static String digestHtml(EmailTemplate.GroupValues g) {
    StringBuilder h = start(g.title());
    for (EmailTemplate.AlertValues a : g.alerts()) alert(h, a, false);
    return end(h);
  }

  private static StringBuilder start(String title) {
    return new StringBuilder(2048)
        .append("<!DOCTYPE html><html><head><meta charset=\"utf-8\"><title>")
        .append(title)
        .append("</title></head><body style=\"font-family:sans-serif\"><h2>")
        .append(title)
        .append("</h2>");
  }

  private static void alert(StringBuilder h, EmailTemplate.AlertValues a, boolean withLabels) {
    String colour = a.status().equals("RESOLVED") ? "#2e7d32" : "#c62828";
    h.append("<h3 style=\"color:").append(colour).append("\">");
    h.append(a.headline()).append("</h3><p>");
    h.append(a.summary()).append("</p>");
    if (!a.description().isEmpty()) {
      h.append("<p>");
      a.description().lines().forEach(l -> h.append(l).append("<br>"));
      h.append("</p>");
    }
    if (!a.chart().isEmpty()) h.append("<p>").append(a.chart()).append("</p>");
    h.append("<table style=\"border-collapse:collapse\">");
    row(h, "Status", a.status());
    row(h, "Type", a.type());
    row(h, "Severity", a.severity());
    row(h, "Rule", a.rule());
    row(h, "Resource", a.resource());
    row(h, "Value", a.value());
    row(h, "Threshold", a.threshold());
    row(h, "Starts at", a.startsAt());
    if (!a.endsAt().isEmpty()) row(h, "Ends at", a.endsAt());
    if (withLabels) a.labels().forEach((k, v) -> row(h, k, v));
    row(h, "Fingerprint", a.fingerprint());
    h.append("</table>");
  }

  private static void row(StringBuilder h, String name, String value) {
    h.append("<tr><th style=\"text-align:left;padding-right:1em\">")
        .append(name)
        .append("</th><td>")
        .append(value)
        .append("</td></tr>");
  }

  private static String end(StringBuilder h) {
    return h.append("<p style=\"color:#777\">Sent by Vigil.</p></body></html>").toString();
  }

  /**
   * Escapes text for an HTML element or a quoted attribute ({@code & < > " '}), and control
   * characters as {@link Text#escape} does.
   */
  static String escapeHtml(String s) {
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
