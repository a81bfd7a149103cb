package dev.vigil.alerts;

import static org.assertj.core.api.Assertions.assertThat;

import com.icegreen.greenmail.junit5.GreenMailExtension;
import dev.vigil.AlertGroup;
import dev.vigil.AlertNotification;
import dev.vigil.AlertStatus;
import dev.vigil.NotificationType;
import dev.vigil.Severity;
import jakarta.mail.internet.MimeMessage;
import jakarta.mail.internet.MimeMultipart;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * {@link EmailTemplate}: the built-in template writes what the sink wrote before templates existed
 * (golden files made from that code), a user template replaces one part and keeps the others, its
 * HTML values arrive escaped whatever it does with them, and a broken template never loses the
 * email.
 */
class EmailTemplateTest {
  @RegisterExtension
  static final GreenMailExtension greenMail = new GreenMailExtension(GreenMailSetups.smtp());

  /** A firing, a resolved and a reminder notification with hostile text in every field. */
  static AlertGroup hostileGroup() {
    Map<String, String> labels =
        Map.of(
            "alertname", "High<Cpu>",
            "resource", "vm-1 & <b>2</b>",
            "severity", "critical",
            "team", "<script>alert('x')</script>",
            "note\r\nBcc: evil@example.com", "a\u202Eb \uD83D\uDC69\u200D\uD83D\uDCBB \"q\"");
    AlertNotification firing =
        new AlertNotification(
            "High<Cpu>",
            AlertStatus.FIRING,
            Severity.CRITICAL,
            "vm-1 & <b>2</b>",
            labels,
            "CPU <img src=x onerror=alert(1)> is 92.4%\r\nBcc: evil@example.com",
            92.4,
            80,
            Instant.parse("2026-11-24T00:00:00Z"),
            null,
            "fp<1>\r\n",
            NotificationType.FIRING,
            "Runbook: https://wiki.example.com/cpu?a=1&b=2\nsecond <line>\n\nafter a blank");
    AlertNotification resolved =
        new AlertNotification(
            "High<Cpu>",
            AlertStatus.RESOLVED,
            Severity.CRITICAL,
            "vm-1 & <b>2</b>",
            labels,
            "CPU is back at 40%",
            40,
            80,
            Instant.parse("2026-11-24T00:00:00Z"),
            Instant.parse("2026-11-24T00:05:00Z"),
            "fp<1>\r\n",
            NotificationType.RESOLVED,
            "");
    AlertNotification reminder = firing.withType(NotificationType.REMINDER);
    return new AlertGroup(
        AlertGroup.Kind.GROUP,
        "{}:{alertname=\"High<Cpu>\"}",
        Map.of("alertname", "High<Cpu>"),
        List.of(firing, resolved, reminder),
        Instant.parse("2026-11-24T00:06:00Z"));
  }

  /** A golden file as it is, byte for byte (the bodies end with a line break). */
  private static String golden(String name) throws IOException {
    try (InputStream in =
        Objects.requireNonNull(EmailTemplateTest.class.getResourceAsStream("/golden/" + name))) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }

  private static EmailAlertSink.Builder sink() {
    return EmailAlertSink.builder()
        .smtpHost("127.0.0.1")
        .smtpPort(greenMail.getSmtp().getPort())
        .security(EmailAlertSink.Security.NONE)
        .from("vigil@example.com")
        .to("oncall@example.com");
  }

  private static String html(MimeMessage email) throws Exception {
    MimeMultipart parts = (MimeMultipart) email.getContent();
    return lf((String) parts.getBodyPart(1).getContent());
  }

  private static String text(MimeMessage email) throws Exception {
    MimeMultipart parts = (MimeMultipart) email.getContent();
    return lf((String) parts.getBodyPart(0).getContent());
  }

  /** Line breaks as the sink wrote them: SMTP carries CRLF. */
  private static String lf(String s) {
    return s.replace("\r\n", "\n");
  }

  @Test
  void builtInTemplateWritesTheSameEmailsAsBeforeTemplatesExisted() throws Exception {
    AlertGroup g = hostileGroup();
    AlertNotification firing = g.notifications().get(0);
    AlertNotification resolved = g.notifications().get(1);
    EmailAlertSink sink = sink().html(true).build();
    try {
      assertThat(text(sink.message(firing))).isEqualTo(golden("email-text.txt"));
      assertThat(text(sink.message(resolved))).isEqualTo(golden("email-resolved-text.txt"));
      assertThat(html(sink.message(firing))).isEqualTo(golden("email.html"));
      assertThat(html(sink.message(resolved))).isEqualTo(golden("email-resolved.html"));
      assertThat(text(sink.digest(g))).isEqualTo(golden("email-digest.txt"));
      assertThat(html(sink.digest(g))).isEqualTo(golden("email-digest.html"));
      String subjects =
          sink.subject(firing)
              + "\n"
              + sink.subject(resolved)
              + "\n"
              + sink.subject(g.notifications().get(2))
              + "\n"
              + sink.digest(g).getSubject()
              + "\n";
      assertThat(subjects).isEqualTo(golden("email-subjects.txt"));
    } finally {
      sink.close();
    }
  }

  @Test
  void userHtmlTemplateGetsEscapedValuesAndTheOtherPartsStayBuiltIn() throws Exception {
    EmailTemplate ours =
        new EmailTemplate() {
          @Override
          public String html(AlertValues a) {
            return "<h1>"
                + a.headline()
                + "</h1><p title=\""
                + a.labels().get("team")
                + "\">"
                + a.summary()
                + "</p>";
          }
        };
    AlertNotification firing = hostileGroup().notifications().get(0);
    EmailAlertSink sink = sink().html(true).template(ours).build();
    try {
      sink.deliver(firing);
    } finally {
      sink.close();
    }
    assertThat(greenMail.waitForIncomingEmail(5_000, 1)).isTrue();
    MimeMessage email = greenMail.getReceivedMessages()[0];
    assertThat(html(email))
        .isEqualTo(
            "<h1>FIRING CRITICAL High&lt;Cpu&gt; on vm-1 &amp; &lt;b&gt;2&lt;/b&gt;</h1>"
                + "<p title=\"&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;\">"
                + "CPU &lt;img src=x onerror=alert(1)&gt; is 92.4%\\r\\nBcc: evil@example.com</p>");
    assertThat(text(email)).isEqualTo(golden("email-text.txt"));
    assertThat(email.getSubject())
        .isEqualTo(golden("email-subjects.txt").lines().findFirst().get());
  }

  /** The example of docs/sinks.md, "Templates", as it is there. */
  @Test
  void documentedExampleWorksAsShown() throws Exception {
    EmailTemplate ours =
        new EmailTemplate() {
          @Override
          public String subject(AlertValues a) {
            return a.severity() + " " + a.resource() + ": " + a.summary();
          }

          @Override
          public String html(AlertValues a) {
            return "<h2>"
                + a.headline()
                + "</h2>"
                + "<p>"
                + a.summary()
                + "</p>"
                + a.chart() // the <img> of the chart, or ""
                + "<p>Team: "
                + a.labels().getOrDefault("team", "none")
                + "</p>"
                + "<p><a href=\"https://runbooks.example.com/cpu\">Runbook</a></p>";
          }

          @Override
          public String digestText(GroupValues g) {
            StringBuilder b = new StringBuilder(g.title()).append("\n\n");
            for (AlertValues a : g.alerts()) b.append("- ").append(a.headline()).append('\n');
            return b.toString();
          }
        };
    AlertGroup g = hostileGroup();
    EmailAlertSink sink = sink().html(true).template(ours).build();
    try {
      MimeMessage one = sink.message(g.notifications().get(0));
      assertThat(one.getSubject())
          .isEqualTo(
              "[Vigil] CRITICAL vm-1 & <b>2</b>: CPU <img src=x onerror=alert(1)> is 92.4%"
                  + " Bcc: evil@example.com");
      assertThat(html(one))
          .contains("<p>Team: &lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;</p>")
          .contains("<a href=\"https://runbooks.example.com/cpu\">Runbook</a>")
          .doesNotContain("<script>", "<b>2");
      assertThat(text(sink.digest(g)))
          .isEqualTo(
              "3 alerts: 2 FIRING, 1 RESOLVED (alertname=High<Cpu>)\n\n"
                  + "- FIRING CRITICAL High<Cpu> on vm-1 & <b>2</b>\n"
                  + "- RESOLVED CRITICAL High<Cpu> on vm-1 & <b>2</b>\n"
                  + "- FIRING (REMINDER) CRITICAL High<Cpu> on vm-1 & <b>2</b>\n");
    } finally {
      sink.close();
    }
  }

  @Test
  void userSubjectGetsThePrefixAndCannotBreakTheHeader() throws Exception {
    EmailTemplate ours =
        new EmailTemplate() {
          @Override
          public String subject(AlertValues a) {
            return a.severity() + " " + a.resource() + ": " + a.summary();
          }

          @Override
          public String digestSubject(GroupValues g) {
            return g.alerts().size() + " alerts, " + g.firing() + " firing";
          }
        };
    EmailAlertSink sink = sink().template(ours).build();
    try {
      AlertGroup g = hostileGroup();
      assertThat(sink.subject(g.notifications().get(0)))
          .isEqualTo(
              "[Vigil] CRITICAL vm-1 & <b>2</b>: CPU <img src=x onerror=alert(1)> is 92.4%"
                  + " Bcc: evil@example.com");
      sink.deliverGroup(g);
    } finally {
      sink.close();
    }
    assertThat(greenMail.waitForIncomingEmail(5_000, 1)).isTrue();
    MimeMessage email = greenMail.getReceivedMessages()[0];
    assertThat(email.getSubject()).isEqualTo("[Vigil] 3 alerts, 2 firing");
    assertThat(email.getAllRecipients()).hasSize(1);
  }

  @Test
  void templateThatThrowsOrReturnsNullFallsBackToTheBuiltInAndTheEmailGoesOut() throws Exception {
    EmailTemplate broken =
        new EmailTemplate() {
          @Override
          public String text(AlertValues a) {
            throw new IllegalStateException("template bug");
          }

          @SuppressWarnings(
              "NullAway") // the point of the test: a template that breaks its contract
          @Override
          public String subject(AlertValues a) {
            return null;
          }
        };
    AlertNotification firing = hostileGroup().notifications().get(0);
    try (CapturedStderr err = new CapturedStderr()) {
      EmailAlertSink sink = sink().template(broken).build();
      try {
        sink.deliver(firing);
      } finally {
        sink.close();
      }
      assertThat(greenMail.waitForIncomingEmail(5_000, 1)).isTrue();
      MimeMessage email = greenMail.getReceivedMessages()[0];
      // A single-part body loses its last line break to the SMTP end of data.
      assertThat(lf((String) email.getContent())).isEqualTo(golden("email-text.txt").strip());
      assertThat(email.getSubject())
          .isEqualTo(golden("email-subjects.txt").lines().findFirst().get());
      assertThat(err.text())
          .contains("EmailTemplate.text threw; using the built-in template")
          .contains("template bug")
          .contains("EmailTemplate.subject returned null");
    }
  }
}
