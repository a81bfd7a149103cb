package dev.vigil.alerts;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.icegreen.greenmail.junit5.GreenMailExtension;
import com.icegreen.greenmail.util.GreenMailUtil;
import dev.vigil.AlertGroup;
import dev.vigil.AlertNotification;
import dev.vigil.AlertRule;
import dev.vigil.AlertStatus;
import dev.vigil.MonitorStats;
import dev.vigil.PermanentDeliveryException;
import dev.vigil.Severity;
import dev.vigil.testing.RuleTester;
import jakarta.mail.MessagingException;
import jakarta.mail.internet.MimeMessage;
import jakarta.mail.internet.MimeMultipart;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * {@link EmailAlertSink} as a production sink: reply classes per RFC 5321 section 4.2.1 (2yz done,
 * 4yz transient, 5yz permanent), a message accepted after {@code DATA} is delivered whatever
 * happens at {@code QUIT} (section 4.1.1.10), partial recipients, digests, HTML, subjects cut on
 * grapheme clusters (Unicode UAX #29), and {@link EmailAlertSink#verify()}.
 */
class EmailAlertSinkDeliveryTest {
  @RegisterExtension
  static final GreenMailExtension greenMail = new GreenMailExtension(GreenMailSetups.smtp());

  private static EmailAlertSink.Builder sinkOn(int port) {
    return EmailAlertSink.builder()
        .smtpHost("127.0.0.1")
        .smtpPort(port)
        .security(EmailAlertSink.Security.NONE)
        .from("vigil@example.com")
        .to("oncall@example.com");
  }

  /**
   * Runs one breach and its recovery through the engine, with three delivery attempts and no
   * back-off, and returns the email sink's stats.
   */
  private static MonitorStats.SinkStats throughTheEngine(EmailAlertSink sink, String values) {
    try (RuleTester tester =
        RuleTester.builder()
            .rule(AlertRule.builder("HighCpu").metric("cpu_usage").above(80).build())
            .series("cpu_usage", "vm-1", Map.of("team", "<script>alert(1)</script>"), values)
            .sink("email", sink)
            .monitor(m -> m.deliveryAttempts(3).deliveryBackoff(Duration.ZERO, Duration.ZERO))
            .build()) {
      tester.run();
      return tester.monitor().stats().sinks().get("email");
    }
  }

  @Test
  void monitorCountsAnEmailWhoseQuitFailedAsDeliveredOnceAndDoesNotRetry() throws Exception {
    try (ScriptedSmtpServer server = new ScriptedSmtpServer()) {
      server.next(new ScriptedSmtpServer.Script("250 2.0.0 queued", true, Map.of()));
      MonitorStats.SinkStats stats = throughTheEngine(sinkOn(server.port()).build(), "95");
      assertThat(server.accepted()).isEqualTo(1);
      assertThat(server.connections()).isEqualTo(1);
      assertThat(stats.delivered()).isEqualTo(1);
      assertThat(stats.failedAttempts()).isZero();
      assertThat(stats.retried()).isZero();
      assertThat(stats.dropped()).isZero();
    }
  }

  @Test
  void monitorDeadLettersA550AfterOneAttempt() throws Exception {
    try (ScriptedSmtpServer server = new ScriptedSmtpServer()) {
      server.next(
          new ScriptedSmtpServer.Script(
              "250 ok", false, Map.of("oncall@example.com", "550 5.1.1 mailbox unavailable")));
      MonitorStats.SinkStats stats = throughTheEngine(sinkOn(server.port()).build(), "95");
      assertThat(server.connections()).as("not retried").isEqualTo(1);
      assertThat(server.accepted()).isZero();
      assertThat(stats.deadLettered()).isEqualTo(1);
      assertThat(stats.retried()).isZero();
      assertThat(stats.delivered()).isZero();
    }
  }

  @Test
  void serverThatAcceptsDataThenFailsQuitGetsOneMessageAndTheSinkReportsDelivered()
      throws Exception {
    try (ScriptedSmtpServer server = new ScriptedSmtpServer()) {
      server.next(new ScriptedSmtpServer.Script("250 2.0.0 queued", true, Map.of()));
      EmailAlertSink sink = sinkOn(server.port()).build();
      try {
        sink.deliver(Notifications.firing(Severity.WARNING)); // does not throw
      } finally {
        sink.close();
      }
      assertThat(server.accepted()).isEqualTo(1);
      assertThat(server.connections()).isEqualTo(1);
    }
  }

  @Test
  void mailboxUnavailable550IsPermanentAndNotRetried() throws Exception {
    try (ScriptedSmtpServer server = new ScriptedSmtpServer()) {
      server.next(
          new ScriptedSmtpServer.Script(
              "250 ok", false, Map.of("oncall@example.com", "550 5.1.1 mailbox unavailable")));
      EmailAlertSink sink = sinkOn(server.port()).build();
      try {
        assertThatThrownBy(() -> sink.deliver(Notifications.firing(Severity.WARNING)))
            .isInstanceOf(PermanentDeliveryException.class)
            .hasMessageContaining("550 5.1.1 mailbox unavailable")
            .hasMessageContaining("not retried")
            .hasCauseInstanceOf(MessagingException.class);
      } finally {
        sink.close();
      }
      assertThat(server.accepted()).isZero();
    }
  }

  @Test
  void temporaryFailure451IsTransient() throws Exception {
    try (ScriptedSmtpServer server = new ScriptedSmtpServer()) {
      server.next(new ScriptedSmtpServer.Script("451 4.3.0 try again later", false, Map.of()));
      EmailAlertSink sink = sinkOn(server.port()).build();
      try {
        assertThatThrownBy(() -> sink.deliver(Notifications.firing(Severity.WARNING)))
            .isInstanceOf(MessagingException.class)
            .hasMessageContaining("451");
      } finally {
        sink.close();
      }
    }
  }

  @Test
  void rejectedRecipientIsReportedWhileTheOthersGetTheEmail() throws Exception {
    try (ScriptedSmtpServer server = new ScriptedSmtpServer();
        CapturedStderr err = new CapturedStderr()) {
      server.next(
          new ScriptedSmtpServer.Script(
              "250 2.0.0 queued", false, Map.of("gone@example.com", "550 5.1.1 no such user")));
      EmailAlertSink sink = sinkOn(server.port()).to("gone@example.com").build();
      try {
        sink.deliver(Notifications.firing(Severity.WARNING)); // delivered to oncall@
      } finally {
        sink.close();
      }
      assertThat(server.accepted()).isEqualTo(1);
      assertThat(err.text()).contains("rejected [gone@example.com]").contains("550 5.1.1");
    }
  }

  @Test
  void htmlPartEscapesAScriptInALabel() throws Exception {
    throughTheEngine(sinkOn(greenMail.getSmtp().getPort()).html(true).build(), "95");
    assertThat(greenMail.waitForIncomingEmail(5_000, 1)).isTrue();
    MimeMessage email = greenMail.getReceivedMessages()[0];
    assertThat(email.getContentType()).startsWith("multipart/alternative");
    MimeMultipart parts = (MimeMultipart) email.getContent();
    assertThat(parts.getCount()).isEqualTo(2);
    assertThat(parts.getBodyPart(0).getContentType()).startsWith("text/plain");
    assertThat(parts.getBodyPart(1).getContentType()).startsWith("text/html");
    String html = (String) parts.getBodyPart(1).getContent();
    assertThat(html).contains("&lt;script&gt;alert(1)&lt;/script&gt;").doesNotContain("<script>");
    assertThat((String) parts.getBodyPart(0).getContent()).contains("<script>alert(1)</script>");
  }

  @Test
  void aGroupOfFiftyIsOneDigestEmail() throws Exception {
    List<AlertNotification> fifty = new ArrayList<>();
    for (int i = 0; i < 50; i++) {
      AlertNotification n = Notifications.firing(Severity.WARNING);
      fifty.add(
          new AlertNotification(
              n.rule(),
              AlertStatus.FIRING,
              n.severity(),
              String.format("vm-%06d", i),
              Map.of("alertname", "HighCpu", "resource", String.format("vm-%06d", i)),
              "CPU usage is high on vm " + i,
              90 + i / 10.0,
              80,
              n.startsAt(),
              null,
              "fp-" + i));
    }
    AlertGroup group =
        new AlertGroup(
            AlertGroup.Kind.GROUP,
            "{}:{alertname=\"HighCpu\"}",
            Map.of("alertname", "HighCpu"),
            fifty,
            Instant.parse("2026-11-24T00:01:00Z"));
    EmailAlertSink sink = sinkOn(greenMail.getSmtp().getPort()).build();
    try {
      sink.deliverGroup(group);
      sink.deliverGroup(group); // a retry: the same Message-ID
    } finally {
      sink.close();
    }
    assertThat(greenMail.waitForIncomingEmail(5_000, 2)).isTrue();
    MimeMessage[] received = greenMail.getReceivedMessages();
    assertThat(received[0].getSubject())
        .isEqualTo("[Vigil] 50 alerts: 50 FIRING (alertname=HighCpu)");
    assertThat(received[0].getHeader("Message-ID"))
        .containsExactly("<" + group.idempotencyKey() + "@vigil>")
        .isEqualTo(received[1].getHeader("Message-ID"));
    String body = GreenMailUtil.getBody(received[0]).replace("\r\n", "\n");
    for (int i = 0; i < 50; i++) {
      assertThat(body).contains(String.format("HighCpu on vm-%06d\n", i));
    }
  }

  @Test
  void subjectIsCappedOnAGraphemeBoundaryAndKeepsJoinedEmoji() throws Exception {
    String coder = "\uD83D\uDC69\u200D\uD83D\uDCBB"; // 👩‍💻 woman technologist: three code points
    String summary = coder.repeat(300_000); // about 1.5 MiB
    EmailAlertSink sink = sinkOn(greenMail.getSmtp().getPort()).build();
    try {
      for (int shift = 0; shift < 5; shift++) {
        String subject =
            sink.subject(
                Notifications.notification(
                    AlertStatus.FIRING, Severity.WARNING, Map.of(), "x".repeat(shift) + summary));
        assertThat(subject.length()).isLessThanOrEqualTo(EmailAlertSink.MAX_SUBJECT);
        assertThat(subject).endsWith("…").contains(coder);
        String kept = subject.substring(subject.indexOf(": ") + 2 + shift, subject.length() - 1);
        assertThat(kept.replace(coder, "")).as("only whole emoji, shift %d", shift).isEmpty();
      }
      sink.deliver(
          Notifications.notification(AlertStatus.FIRING, Severity.WARNING, Map.of(), summary));
    } finally {
      sink.close();
    }
    assertThat(greenMail.waitForIncomingEmail(10_000, 1)).isTrue();
    MimeMessage email = greenMail.getReceivedMessages()[0];
    assertThat(email.getSubject()).hasSizeLessThanOrEqualTo(EmailAlertSink.MAX_SUBJECT);
    assertThat(GreenMailUtil.getBody(email)).hasSizeGreaterThan(1_000_000); // the body keeps it
  }

  @Test
  void combiningMarksStayWithTheirLetterAndBidiOverridesStayNeutralised() {
    String accented = "e\u0301"; // é as e + combining acute
    String cut = Graphemes.cut("ab" + accented.repeat(100), 11);
    assertThat(cut.substring(0, cut.length() - 1).substring(2).replace(accented, "")).isEmpty();
    assertThat(Text.headerSafe("a\u202Eb\r\nc")).isEqualTo("a b c");
    assertThat(Text.headerSafe("dev \uD83D\uDC69\u200D\uD83D\uDCBB")).contains("\u200D");
  }

  @Test
  void verifyFailsClearlyAgainstAServerWithoutStarttls() {
    EmailAlertSink sink =
        sinkOn(greenMail.getSmtp().getPort())
            .security(EmailAlertSink.Security.STARTTLS)
            .credentials("alerts", "s3cret-passw0rd")
            .build();
    try {
      assertThatThrownBy(sink::verify)
          .isInstanceOf(MessagingException.class)
          .hasMessageContaining("SMTP settings do not work: 127.0.0.1:")
          .hasMessageContaining("(STARTTLS, user alerts)")
          .hasMessageContaining("STARTTLS is required")
          .hasMessageNotContaining("s3cret-passw0rd");
    } finally {
      sink.close();
    }
    assertThat(greenMail.getReceivedMessages()).isEmpty();
  }

  @Test
  void verifyPassesAgainstAWorkingServerAndSendsNothing() throws Exception {
    EmailAlertSink sink = sinkOn(greenMail.getSmtp().getPort()).build();
    try {
      sink.verify();
    } finally {
      sink.close();
    }
    assertThat(greenMail.getReceivedMessages()).isEmpty();
  }
}
