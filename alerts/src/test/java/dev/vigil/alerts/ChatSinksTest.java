package dev.vigil.alerts;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.vigil.AlertGroup;
import dev.vigil.AlertNotification;
import dev.vigil.AlertRule;
import dev.vigil.AlertStatus;
import dev.vigil.PermanentDeliveryException;
import dev.vigil.Severity;
import dev.vigil.testing.RuleTester;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;
import mockwebserver3.junit5.StartStop;
import org.junit.jupiter.api.Test;

/**
 * Payloads and failures of the chat and paging sinks against MockWebServer. Shapes follow the
 * receivers' documentation: Slack incoming webhooks and Block Kit ({@code
 * https://docs.slack.dev/messaging/sending-messages-using-incoming-webhooks}, header text at most
 * 150 characters, 50 blocks, {@code mrkdwn} escaping of {@code & < >}); Teams Workflows webhooks
 * ({@code message} with an {@code application/vnd.microsoft.card.adaptive} attachment); PagerDuty
 * Events API v2 ({@code https://developer.pagerduty.com/docs/send-alert-event}: {@code
 * routing_key}, {@code event_action} trigger/resolve, {@code dedup_key}, {@code payload.summary} at
 * most 1024 characters, severity critical/error/warning/info, 202 on success).
 */
class ChatSinksTest {
  @StartStop final MockWebServer server = new MockWebServer();

  private static AlertGroup group() {
    return WebhookAlertSinkTest.group();
  }

  private String post(AlertGroupSinkCall call, int status) throws Exception {
    server.enqueue(new MockResponse.Builder().code(status).build());
    call.run();
    RecordedRequest r = server.takeRequest();
    assertThat(r.getHeaders().get("Content-Type")).isEqualTo("application/json");
    return r.getBody().utf8();
  }

  @FunctionalInterface
  interface AlertGroupSinkCall {
    void run() throws Exception;
  }

  @Test
  void slackMessageIsBlockKitWithEscapedText() throws Exception {
    SlackAlertSink slack =
        SlackAlertSink.builder().webhookUrl(server.url("/services/T/B/x").toString()).build();
    try {
      String body = post(() -> slack.deliverGroup(group()), 200);
      assertThat(body).isEqualTo(WebhookAlertSinkTest.golden("slack-group.json"));
      AlertNotification hostile =
          Notifications.notification(
              AlertStatus.FIRING,
              Severity.CRITICAL,
              Map.of(),
              "<!channel> see <https://evil.example|login> & more");
      String one = post(() -> slack.deliver(hostile), 200);
      assertThat(one)
          .contains("&lt;!channel&gt; see &lt;https://evil.example|login&gt; &amp; more")
          .doesNotContain("<!channel>");
    } finally {
      slack.close();
    }
  }

  @Test
  void slackResolvedMessageSaysSo() throws Exception {
    String body = SlackAlertSink.payload(single(Notifications.resolved(Severity.WARNING)));
    assertThat(body)
        .contains("\"text\":\"RESOLVED WARNING HighCpu on vm-000001\"")
        .contains(":white_check_mark: *RESOLVED WARNING HighCpu on vm-000001*");
  }

  @Test
  void slackListsAtMostFortyAlertsAndCountsTheRest() {
    List<AlertNotification> many = new ArrayList<>();
    for (int i = 0; i < 55; i++) {
      many.add(
          Notifications.notification(
              AlertStatus.FIRING, Severity.WARNING, Map.of("i", "" + i), "s" + i));
    }
    String body =
        SlackAlertSink.payload(
            new AlertGroup(AlertGroup.Kind.DIGEST, "budget:slack", Map.of(), many, Instant.EPOCH));
    assertThat(body.split("\"type\":\"section\"", -1)).hasSize(41);
    assertThat(body).contains("and 15 more alerts").contains("Digest: 55 alerts: 55 FIRING");
  }

  @Test
  void slackRateLimitIsTransientAndArchivedChannelPermanent() {
    SlackAlertSink slack =
        SlackAlertSink.builder()
            .webhookUrl(server.url("/services/T/B/x").toString())
            .http(HttpSettings.builder().maxRetryAfter(Duration.ZERO).build())
            .build();
    try {
      server.enqueue(
          new MockResponse.Builder()
              .code(429)
              .addHeader("Retry-After", "30")
              .body("rate_limited")
              .build());
      assertThatThrownBy(() -> slack.deliverGroup(group()))
          .isInstanceOfSatisfying(
              HttpStatusException.class,
              e -> assertThat(e.retryAfter()).contains(Duration.ofSeconds(30)));
      server.enqueue(new MockResponse.Builder().code(410).body("channel_is_archived").build());
      assertThatThrownBy(() -> slack.deliverGroup(group()))
          .isInstanceOf(PermanentDeliveryException.class)
          .hasMessageContaining("channel_is_archived")
          .hasMessageContaining("http://")
          .hasMessageNotContaining("/services/T/B/x");
    } finally {
      slack.close();
    }
  }

  @Test
  void teamsMessageIsAnAdaptiveCardWithEscapedMarkdown() throws Exception {
    TeamsAlertSink teams =
        TeamsAlertSink.builder().webhookUrl(server.url("/workflows/w?sig=s").toString()).build();
    try {
      String body = post(() -> teams.deliverGroup(group()), 202);
      assertThat(body).isEqualTo(WebhookAlertSinkTest.golden("teams-group.json"));
    } finally {
      teams.close();
    }
    assertThat(TeamsAlertSink.escape("[login](https://evil)"))
        .isEqualTo("\\[login\\](https://evil)");
    assertThat(TeamsAlertSink.escape("vm-1 at 92.4% *now*")).isEqualTo("vm-1 at 92.4% \\*now\\*");
  }

  /**
   * Teams renders a subset of Markdown in {@code TextBlock}s and fact values (learn.microsoft.com
   * "Format cards in Teams": bold, italic, links, lists); alert text holding Markdown must show as
   * typed. The notification comes from the engine, its label and resource in the summary.
   */
  @Test
  void teamsShowsMarkdownInAlertTextLiterally() throws Exception {
    TeamsAlertSink teams =
        TeamsAlertSink.builder().webhookUrl(server.url("/workflows/w?sig=s").toString()).build();
    for (int i = 0; i < 2; i++) server.enqueue(new MockResponse.Builder().code(202).build());
    AlertRule rule =
        AlertRule.builder("High_Cpu")
            .metric("cpu_usage")
            .above(80)
            .summary("{labels.team} on {resource}: [click](http://evil.example) _y_ ~z~ `c`")
            .description("- not a list\n1. not a list\n# not a heading\n> not a quote")
            .build();
    try (RuleTester tester =
        RuleTester.builder()
            .rule(rule)
            .series("cpu_usage", "vm_**1**", Map.of("team", "**x**"), "90 10")
            .sink("teams", teams)
            .build()) {
      tester.run();
    }
    String firing = server.takeRequest().getBody().utf8();
    assertThat(firing).isEqualTo(WebhookAlertSinkTest.golden("teams-markdown.json"));
    assertThat(firing)
        .doesNotContain("[click]")
        .doesNotContain("**x**")
        .contains("\\\\*\\\\*x\\\\*\\\\*");
    assertThat(TeamsAlertSink.escape("-5 and 1.5")).as("not list markers").isEqualTo("-5 and 1.5");
    assertThat(TeamsAlertSink.escape("  - a")).isEqualTo("  \\- a");
    assertThat(TeamsAlertSink.escape("12) a")).isEqualTo("12\\) a");
  }

  /**
   * What Teams' desktop and web clients do with escaped text, checked with a CommonMark renderer
   * (commonmark-java): no emphasis, link, code, list, heading or quote, and every character shows.
   */
  @Test
  void teamsEscapedMarkdownRendersAsTypedInCommonMark() {
    org.commonmark.parser.Parser parser = org.commonmark.parser.Parser.builder().build();
    org.commonmark.renderer.text.TextContentRenderer text =
        org.commonmark.renderer.text.TextContentRenderer.builder().build();
    org.commonmark.renderer.html.HtmlRenderer html =
        org.commonmark.renderer.html.HtmlRenderer.builder().build();
    for (String typed :
        List.of(
            "**x**",
            "__x__",
            "_y_ and *y*",
            "[click](http://evil.example)",
            "![img](http://evil.example/x.png)",
            "`code`",
            "- item",
            "+ item",
            "* item",
            "1. one",
            "12) twelve",
            "# heading",
            "> quote",
            "back\\slash \\*",
            "vm_1_2 at 5*3*2")) {
      String escaped = TeamsAlertSink.escape(typed);
      String rendered = html.render(parser.parse(escaped));
      assertThat(rendered)
          .as("%s escaped as %s", typed, escaped)
          .startsWith("<p>")
          .doesNotContain(
              "<em>", "<strong>", "<a ", "<img", "<code>", "<li>", "<h1>", "<blockquote>");
      assertThat(text.render(parser.parse(escaped))).as(escaped).isEqualTo(typed);
    }
  }

  /**
   * Slack's {@code mrkdwn} has three control characters, {@code & < >} (docs.slack.dev "Formatting
   * message text": escape them, nothing else); links, mentions ({@code <!channel>}, {@code
   * <@U123>}) and dates all start with {@code <}.
   */
  @Test
  void slackCannotBeMadeToMentionOrLinkByAlertText() throws Exception {
    AlertNotification hostile =
        Notifications.notification(
            AlertStatus.FIRING,
            Severity.CRITICAL,
            Map.of(),
            "<!here> <@U024BE7LH> <#C024BE7LR> <!date^1392734382^{date}|x> &lt;!channel&gt;");
    String body = SlackAlertSink.payload(single(hostile));
    assertThat(body)
        .doesNotContain("<!")
        .doesNotContain("<@")
        .doesNotContain("<#")
        .contains("&lt;!here&gt; &lt;@U024BE7LH&gt; &lt;#C024BE7LR&gt;")
        .contains("&amp;lt;!channel&amp;gt;");
  }

  @Test
  void pagerDutyTriggersAndResolvesWithTheFingerprintAsDedupKey() throws Exception {
    PagerDutyAlertSink pd =
        PagerDutyAlertSink.builder()
            .routingKey("R0UTINGKEY0123456789abcdef012345")
            .url(server.url("/v2/enqueue").toString())
            .clientUrl("https://app.example.com/vigil")
            .build();
    try {
      String trigger = post(() -> pd.deliver(Notifications.firing(Severity.CRITICAL)), 202);
      assertThat(trigger).isEqualTo(WebhookAlertSinkTest.golden("pagerduty-trigger.json"));
      String resolve = post(() -> pd.deliver(Notifications.resolved(Severity.CRITICAL)), 202);
      assertThat(resolve)
          .isEqualTo(
              "{\"routing_key\":\"R0UTINGKEY0123456789abcdef012345\",\"event_action\":\"resolve\","
                  + "\"dedup_key\":\"8f3a6c0d1e2b4a59\"}");
      server.enqueue(
          new MockResponse.Builder()
              .code(400)
              .body(
                  "{\"status\":\"invalid event\",\"errors\":[\"R0UTINGKEY0123456789abcdef012345\"]}")
              .build());
      assertThatThrownBy(() -> pd.deliver(Notifications.firing(Severity.INFO)))
          .isInstanceOf(PermanentDeliveryException.class)
          .hasMessageContaining("invalid event")
          .hasMessageNotContaining("R0UTINGKEY");
      assertThat(pd.toString()).doesNotContain("R0UTINGKEY");
    } finally {
      pd.close();
    }
  }

  @Test
  void pagerDutySeverityIsMappedAndSummaryCapped() {
    assertThat(PagerDutyAlertSink.severity(Severity.CRITICAL)).isEqualTo("critical");
    assertThat(PagerDutyAlertSink.severity(Severity.WARNING)).isEqualTo("warning");
    assertThat(PagerDutyAlertSink.severity(Severity.INFO)).isEqualTo("info");
    AlertNotification big =
        Notifications.notification(AlertStatus.FIRING, Severity.INFO, Map.of(), "x".repeat(5000));
    String event = PagerDutyAlertSink.event(big, "k", "");
    int from = event.indexOf("\"summary\":\"") + 11;
    assertThat(event.substring(from, event.indexOf('"', from))).hasSize(1024).endsWith("…");
  }

  @Test
  void builtWithoutTheirUrlOrKeyTheSinksSayWhatIsMissing() {
    assertThatThrownBy(() -> SlackAlertSink.builder().build())
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("webhookUrl is not set");
    assertThatThrownBy(() -> TeamsAlertSink.builder().build())
        .hasMessageContaining("webhookUrl is not set");
    assertThatThrownBy(() -> PagerDutyAlertSink.builder().build())
        .hasMessageContaining("routingKey is not set");
    assertThatThrownBy(
            () -> SlackAlertSink.builder().webhookUrl("http://hooks.slack.com/services/T/B/x"))
        .hasMessageContaining("must use https")
        .hasMessageNotContaining("/services/T/B/x");
  }

  private static AlertGroup single(AlertNotification n) {
    return new AlertGroup(AlertGroup.Kind.GROUP, n.fingerprint(), Map.of(), List.of(n), n.at());
  }
}
