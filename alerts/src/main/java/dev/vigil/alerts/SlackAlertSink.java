package dev.vigil.alerts;

import static java.util.Objects.requireNonNull;

import dev.vigil.AlertGroup;
import dev.vigil.AlertGroupSink;
import dev.vigil.AlertNotification;
import dev.vigil.AlertStatus;
import dev.vigil.PermanentDeliveryException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * Posts one Slack message per notification or group to an incoming webhook, as Block Kit blocks.
 *
 * <pre>{@code
 * SlackAlertSink slack = SlackAlertSink.builder()
 *     .webhookUrl(System.getenv("SLACK_WEBHOOK_URL")) // https://hooks.slack.com/services/T.../B.../...
 *     .build();
 * }</pre>
 *
 * <p><b>Message.</b> {@code text} holds the title as the notification fallback; {@code blocks} are
 * a {@code header} with the title (at most 150 characters), then one {@code section} per alert (at
 * most {@value #MAX_ALERTS}; a {@code context} block counts the rest) with its headline in bold,
 * the summary, the description and a line of facts (value, threshold, since, until). A resolved
 * alert's section starts with {@code :white_check_mark: RESOLVED}, a firing one with {@code
 * :rotating_light: FIRING}. Text from alerts is escaped for {@code mrkdwn} ({@code &}, {@code <},
 * {@code >}), so a label cannot mention {@code @channel} or forge a link.
 *
 * <p><b>Failure.</b> Slack answers 200 {@code ok}; 429 and 5xx are transient (honouring {@code
 * Retry-After}); 400 {@code invalid_payload}, 403 {@code action_prohibited}, 404 {@code
 * channel_not_found}, 410 {@code channel_is_archived} and other statuses are permanent. The webhook
 * URL is a credential: only {@code https://hooks.slack.com/…} ever appears in messages, logs and
 * {@link #toString()}.
 *
 * <p><b>Threading and lifecycle.</b> Thread safe; {@link #close()} stops the HTTP threads.
 */
public final class SlackAlertSink implements AlertGroupSink {
  /** The most alerts one message lists; Slack allows 50 blocks. */
  static final int MAX_ALERTS = 40;

  private static final int MAX_HEADER = 150;
  private static final int MAX_SECTION = 3000;

  private final Endpoint url;
  private final HttpTransport http;
  private volatile boolean closed;

  private SlackAlertSink(Builder b, Endpoint url) {
    this.url = url;
    this.http = new HttpTransport("slack", b.http, Clock.systemUTC());
  }

  /** Returns a new builder. */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * Posts one message for {@code group}.
   *
   * @throws NullPointerException if {@code group} is null
   * @throws IllegalStateException if this sink is closed
   * @throws HttpStatusException if Slack answered 429 or 5xx
   * @throws PermanentDeliveryException if it answered another status that is not 2xx
   * @throws IOException if the request failed or timed out
   */
  @Override
  public void deliverGroup(AlertGroup group) throws IOException, PermanentDeliveryException {
    requireNonNull(group, "group == null");
    if (closed) throw new IllegalStateException("SlackAlertSink is closed");
    http.post(url, Map.of(), payload(group).getBytes(StandardCharsets.UTF_8), List.of());
  }

  /** Returns the message for {@code group}. */
  static String payload(AlertGroup group) {
    String title = Summaries.title(group);
    List<Object> blocks = new ArrayList<>();
    blocks.add(
        AlertJson.object(
            "type", "header", "text", text("plain_text", Summaries.cut(title, MAX_HEADER))));
    List<AlertNotification> ns = group.notifications();
    for (AlertNotification n : ns.subList(0, Math.min(ns.size(), MAX_ALERTS))) {
      Map<String, @Nullable Object> section = AlertJson.object();
      section.put("type", "section");
      section.put("text", text("mrkdwn", Summaries.cut(section(n), MAX_SECTION)));
      blocks.add(section);
    }
    if (ns.size() > MAX_ALERTS) {
      blocks.add(
          AlertJson.object(
              "type",
              "context",
              "elements",
              List.of(text("mrkdwn", "and " + (ns.size() - MAX_ALERTS) + " more alerts"))));
    }
    Map<String, @Nullable Object> doc = AlertJson.object();
    doc.put("text", escape(title));
    doc.put("blocks", blocks);
    return Json.write(doc);
  }

  private static String section(AlertNotification n) {
    String icon = n.status() == AlertStatus.RESOLVED ? ":white_check_mark: " : ":rotating_light: ";
    StringBuilder s = new StringBuilder(256).append(icon).append('*');
    s.append(escape(Summaries.headline(n))).append("*\n").append(escape(Text.escape(n.summary())));
    if (!n.description().isEmpty()) {
      s.append('\n');
      n.description().lines().forEach(l -> s.append(escape(Text.escape(l))).append('\n'));
    } else {
      s.append('\n');
    }
    return s.append('_').append(escape(Summaries.facts(n))).append('_').toString();
  }

  private static Map<String, Object> text(String type, String text) {
    Map<String, Object> t = new java.util.LinkedHashMap<>();
    t.put("type", type);
    t.put("text", text);
    if (type.equals("plain_text")) t.put("emoji", true);
    return t;
  }

  /** Escapes the three characters Slack's mrkdwn reads as control sequences. */
  static String escape(String s) {
    return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
  }

  /** Stops the HTTP threads. Idempotent. */
  @Override
  public void close() {
    closed = true;
    http.close();
  }

  /** Returns the webhook's host only: the rest of its URL is a credential. */
  @Override
  public String toString() {
    return "SlackAlertSink{" + url + "}";
  }

  /** Builds a {@link SlackAlertSink}. Not thread safe. {@link #webhookUrl} is required. */
  public static final class Builder {
    private @Nullable Endpoint url;
    private HttpSettings http = HttpSettings.ofDefaults();

    private Builder() {}

    /**
     * Sets the incoming webhook URL. Required; https (plain http only for a loopback host).
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
    public SlackAlertSink build() {
      Endpoint u = url;
      if (u == null) {
        throw new IllegalStateException(
            "webhookUrl is not set: pass the incoming webhook URL from the Slack app's settings");
      }
      return new SlackAlertSink(this, u);
    }
  }
}
