package dev.vigil.alerts;

import static java.util.Objects.requireNonNull;

import dev.vigil.AlertGroup;
import dev.vigil.AlertGroupSink;
import dev.vigil.AlertNotification;
import dev.vigil.AlertStatus;
import dev.vigil.PermanentDeliveryException;
import dev.vigil.internal.Templates;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * Posts one Adaptive Card per notification or group to a Microsoft Teams channel through a
 * Workflows webhook (the "Post to a channel when a webhook request is received" flow that replaces
 * Office 365 connectors).
 *
 * <pre>{@code
 * TeamsAlertSink teams = TeamsAlertSink.builder()
 *     .webhookUrl(System.getenv("TEAMS_WORKFLOW_URL")) // https://...logic.azure.com/workflows/...
 *     .build();
 * }</pre>
 *
 * <p><b>Message.</b> A {@code message} with one attachment of content type {@code
 * application/vnd.microsoft.card.adaptive}: an Adaptive Card 1.4 whose body is a bold {@code
 * TextBlock} with the title ({@code Attention} colour while an alert fires, {@code Good} when all
 * are resolved), then per alert (at most {@value #MAX_ALERTS}, the rest counted) a {@code
 * TextBlock} headline, the summary and description, and a {@code FactSet} (status, severity, value,
 * threshold, since, until). Teams renders a subset of Markdown in text blocks and fact values
 * (bold, italic, links, lists); Markdown in alert text is backslash-escaped (see {@link #escape}),
 * so a label shows as typed and cannot forge a link or emphasis.
 *
 * <p><b>Failure.</b> A workflow answers 202; 408, 429 and 5xx are transient (honouring {@code
 * Retry-After}), other statuses permanent. The workflow URL holds its signature ({@code sig=}):
 * only its scheme and host ever appear in messages, logs and {@link #toString()}.
 *
 * <p><b>Threading and lifecycle.</b> Thread safe; {@link #close()} stops the HTTP threads.
 */
public final class TeamsAlertSink implements AlertGroupSink {
  /** The most alerts one card lists; a Teams message holds at most about 28 KB. */
  static final int MAX_ALERTS = 20;

  /** Characters that open or close emphasis, code, strike-through or a link anywhere in a line. */
  private static final Pattern MARKDOWN = Pattern.compile("([\\\\`*_\\[\\]~])");

  /** A bullet, heading or quote marker at the start of a line (CommonMark 5.2, 4.2, 5.1). */
  private static final Pattern BLOCK_MARKER = Pattern.compile("(?m)^(\\s*)([-+#>])(?=\\s|$)");

  /** An ordered-list marker at the start of a line, {@code 1.} or {@code 1)} (CommonMark 5.2). */
  private static final Pattern ORDERED_MARKER =
      Pattern.compile("(?m)^(\\s*)([0-9]{1,9})([.)])(?=\\s|$)");

  private final Endpoint url;
  private final HttpTransport http;
  private volatile boolean closed;

  private TeamsAlertSink(Builder b, Endpoint url) {
    this.url = url;
    this.http = new HttpTransport("teams", b.http, Clock.systemUTC());
  }

  /** Returns a new builder. */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * Posts one card for {@code group}.
   *
   * @throws NullPointerException if {@code group} is null
   * @throws IllegalStateException if this sink is closed
   * @throws HttpStatusException if Teams answered 408, 429 or 5xx
   * @throws PermanentDeliveryException if it answered another status that is not 2xx
   * @throws IOException if the request failed or timed out
   */
  @Override
  public void deliverGroup(AlertGroup group) throws IOException, PermanentDeliveryException {
    requireNonNull(group, "group == null");
    if (closed) throw new IllegalStateException("TeamsAlertSink is closed");
    http.post(url, Map.of(), payload(group).getBytes(StandardCharsets.UTF_8), List.of());
  }

  /** Returns the message for {@code group}. */
  static String payload(AlertGroup group) {
    List<Object> body = new ArrayList<>();
    Map<String, @Nullable Object> title = AlertJson.object();
    title.put("type", "TextBlock");
    title.put("text", escape(Summaries.cut(Summaries.title(group), 200)));
    title.put("weight", "Bolder");
    title.put("size", "Medium");
    title.put("color", group.firing() > 0 ? "Attention" : "Good");
    title.put("wrap", true);
    body.add(title);
    List<AlertNotification> ns = group.notifications();
    for (AlertNotification n : ns.subList(0, Math.min(ns.size(), MAX_ALERTS))) {
      body.add(textBlock("**" + escape(Summaries.headline(n)) + "**", true));
      StringBuilder text = new StringBuilder(escape(Text.escape(n.summary())));
      n.description().lines().forEach(l -> text.append("\n\n").append(escape(Text.escape(l))));
      body.add(textBlock(text.toString(), false));
      List<Object> facts = new ArrayList<>();
      facts.add(fact("Status", n.status() == AlertStatus.RESOLVED ? "RESOLVED" : "FIRING"));
      facts.add(fact("Severity", n.severity().name()));
      facts.add(fact("Value", Templates.formatNumber(n.value())));
      facts.add(fact("Threshold", Templates.formatNumber(n.threshold())));
      facts.add(fact("Since", n.startsAt().toString()));
      if (n.endsAt() != null) facts.add(fact("Until", String.valueOf(n.endsAt())));
      body.add(AlertJson.object("type", "FactSet", "facts", facts));
    }
    if (ns.size() > MAX_ALERTS) {
      body.add(textBlock("and " + (ns.size() - MAX_ALERTS) + " more alerts", false));
    }
    Map<String, @Nullable Object> card = AlertJson.object();
    card.put("$schema", "http://adaptivecards.io/schemas/adaptive-card.json");
    card.put("type", "AdaptiveCard");
    card.put("version", "1.4");
    card.put("msteams", Map.of("width", "Full"));
    card.put("body", body);
    Map<String, @Nullable Object> attachment = AlertJson.object();
    attachment.put("contentType", "application/vnd.microsoft.card.adaptive");
    attachment.put("contentUrl", null);
    attachment.put("content", card);
    Map<String, @Nullable Object> message = AlertJson.object();
    message.put("type", "message");
    message.put("attachments", List.of(attachment));
    return Json.write(message);
  }

  private static Map<String, @Nullable Object> textBlock(String text, boolean spaced) {
    Map<String, @Nullable Object> b = AlertJson.object();
    b.put("type", "TextBlock");
    b.put("text", text);
    b.put("wrap", true);
    if (spaced) b.put("separator", true);
    return b;
  }

  private static Map<String, @Nullable Object> fact(String title, String value) {
    return AlertJson.object("title", title, "value", escape(Text.escape(value)));
  }

  /**
   * Backslash-escapes the Markdown that Teams renders in a {@code TextBlock} and in {@code Fact}
   * values, so that alert text shows literally: emphasis, code, strike-through and links ({@code \
   * ` * _ [ ] ~} anywhere) and list, heading and quote markers at the start of a line ({@code - + #
   * >}, {@code 1.}, {@code 1)} followed by a space).
   */
  static String escape(String s) {
    String inline = MARKDOWN.matcher(s).replaceAll("\\\\$1");
    String blocks = BLOCK_MARKER.matcher(inline).replaceAll("$1\\\\$2");
    return ORDERED_MARKER.matcher(blocks).replaceAll("$1$2\\\\$3");
  }

  /** Stops the HTTP threads. Idempotent. */
  @Override
  public void close() {
    closed = true;
    http.close();
  }

  /** Returns the workflow's host only: the rest of its URL is a credential. */
  @Override
  public String toString() {
    return "TeamsAlertSink{" + url + "}";
  }

  /** Builds a {@link TeamsAlertSink}. Not thread safe. {@link #webhookUrl} is required. */
  public static final class Builder {
    private @Nullable Endpoint url;
    private HttpSettings http = HttpSettings.ofDefaults();

    private Builder() {}

    /**
     * Sets the Workflows webhook URL. Required; https (plain http only for a loopback host).
     *
     * @throws NullPointerException if {@code url} is null
     * @throws IllegalArgumentException if {@code url} is not an https URL
     */
    public Builder webhookUrl(String url) {
      this.url = Endpoint.parse("webhookUrl", url, true, false);
      return this;
    }

    /**
     * Sets the HTTP timeouts, {@code Retry-After} limit and client.
     *
     * @throws NullPointerException if {@code http} is null
     */
    public Builder http(HttpSettings http) {
      this.http = requireNonNull(http, "http == null");
      return this;
    }

    /**
     * Returns a new sink.
     *
     * @throws IllegalStateException if {@code webhookUrl} is not set
     */
    public TeamsAlertSink build() {
      Endpoint u = url;
      if (u == null) {
        throw new IllegalStateException(
            "webhookUrl is not set: pass the URL of the Teams workflow's webhook trigger");
      }
      return new TeamsAlertSink(this, u);
    }
  }
}
