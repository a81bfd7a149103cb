package dev.vigil.alerts;

import static dev.vigil.alerts.Notifications.FINGERPRINT;
import static dev.vigil.alerts.Notifications.STARTS_AT;
import static dev.vigil.alerts.Notifications.firing;
import static dev.vigil.alerts.Notifications.resolved;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import com.icegreen.greenmail.junit5.GreenMailExtension;
import com.icegreen.greenmail.util.GreenMailUtil;
import dev.vigil.AlertNotification;
import dev.vigil.AlertStatus;
import dev.vigil.NotificationType;
import dev.vigil.PermanentDeliveryException;
import dev.vigil.Severity;
import jakarta.mail.AuthenticationFailedException;
import jakarta.mail.Message;
import jakarta.mail.MessagingException;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeMessage;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class EmailAlertSinkTest {
  private static final String PASSWORD = "s3cret-Pa55word";

  @RegisterExtension
  static final GreenMailExtension greenMail = new GreenMailExtension(GreenMailSetups.smtp());

  private EmailAlertSink.Builder plainSink() {
    return EmailAlertSink.builder()
        .smtpHost("127.0.0.1")
        .smtpPort(greenMail.getSmtp().getPort())
        .security(EmailAlertSink.Security.NONE)
        .from("vigil@example.com")
        .to("oncall@example.com");
  }

  @Test
  void firingEmailHasSubjectAndPlainTextBody() throws Exception {
    EmailAlertSink sink = plainSink().build();

    sink.deliver(firing(Severity.WARNING));

    assertThat(greenMail.waitForIncomingEmail(5_000, 1)).isTrue();
    MimeMessage[] received = greenMail.getReceivedMessages();
    assertThat(received).hasSize(1);
    MimeMessage email = received[0];
    assertThat(email.getSubject())
        .isEqualTo("[Vigil] FIRING WARNING HighCpu on vm-000001: CPU usage on vm-000001 is 92.4%");
    assertThat(email.getFrom()).containsExactly(new InternetAddress("vigil@example.com"));
    assertThat(email.getRecipients(Message.RecipientType.TO))
        .containsExactly(new InternetAddress("oncall@example.com"));
    assertThat(email.getContentType()).startsWith("text/plain").containsIgnoringCase("utf-8");
    assertThat(email.getHeader("Message-ID"))
        .containsExactly("<" + FINGERPRINT + "." + STARTS_AT.toEpochMilli() + "@vigil>");
    assertThat(email.getHeader("In-Reply-To")).isNull();
    assertThat(GreenMailUtil.getBody(email).replace("\r\n", "\n"))
        .contains("CPU usage on vm-000001 is 92.4%")
        .contains("Status:      FIRING\n")
        .contains("Severity:    WARNING\n")
        .contains("Rule:        HighCpu\n")
        .contains("Resource:    vm-000001\n")
        .contains("Value:       92.4\n")
        .contains("Threshold:   80\n")
        .contains("Starts at:   2026-11-24T00:00:00Z\n")
        .doesNotContain("Ends at")
        .contains("  region = eu-west-1\n")
        .contains("  alertname = HighCpu\n")
        .contains("Fingerprint: " + FINGERPRINT);
  }

  @Test
  void resolvedEmailRepliesToFiringEmail() throws Exception {
    EmailAlertSink sink = plainSink().subjectPrefix("[Prod]").build();

    sink.deliver(firing(Severity.CRITICAL));
    sink.deliver(resolved(Severity.CRITICAL));

    assertThat(greenMail.waitForIncomingEmail(5_000, 2)).isTrue();
    MimeMessage[] received = greenMail.getReceivedMessages();
    assertThat(received).hasSize(2);
    String firingId = received[0].getHeader("Message-ID")[0];
    MimeMessage resolvedEmail = received[1];
    assertThat(resolvedEmail.getSubject())
        .isEqualTo(
            "[Prod] RESOLVED CRITICAL HighCpu on vm-000001: CPU usage on vm-000001 is 92.4%");
    assertThat(resolvedEmail.getHeader("In-Reply-To")).containsExactly(firingId);
    assertThat(resolvedEmail.getHeader("References")).containsExactly(firingId);
    assertThat(resolvedEmail.getHeader("Message-ID")).singleElement().isNotEqualTo(firingId);
    assertThat(GreenMailUtil.getBody(resolvedEmail))
        .contains("Status:      RESOLVED")
        .contains("Ends at:     2026-11-24T00:05:00Z");
  }

  @Test
  void reminderEmailSaysWhyItWasSentAndCarriesTheDescription() throws Exception {
    EmailAlertSink sink = plainSink().build();

    sink.deliver(
        Notifications.ofType(
            NotificationType.REMINDER,
            Severity.WARNING,
            "Runbook: https://wiki/HighCpu\nStep 2: ssh\u0007 in"));

    assertThat(greenMail.waitForIncomingEmail(5_000, 1)).isTrue();
    MimeMessage email = greenMail.getReceivedMessages()[0];
    assertThat(email.getSubject())
        .isEqualTo(
            "[Vigil] REMINDER WARNING HighCpu on vm-000001: CPU usage on vm-000001 is 92.4%");
    assertThat(GreenMailUtil.getBody(email).replace("\r\n", "\n"))
        .contains(
            "CPU usage on vm-000001 is 92.4%\n\nRunbook: https://wiki/HighCpu\nStep 2: ssh\\u0007 in\n\n")
        .contains("Status:      FIRING\n")
        .contains("Type:        REMINDER\n");
  }

  @Test
  void subjectNamesTheNotificationTypeAndTheStatusWhereTheTypeDoesNotImplyIt() {
    EmailAlertSink sink = plainSink().build();

    for (NotificationType type : NotificationType.values()) {
      assertThat(sink.subject(Notifications.ofType(type, Severity.CRITICAL, "")))
          .as("%s", type)
          .startsWith("[Vigil] " + type + " CRITICAL HighCpu on vm-000001: ");
    }
    assertThat(
            sink.subject(
                Notifications.ofType(
                    NotificationType.FLAPPING_STOPPED, AlertStatus.RESOLVED, Severity.INFO, "")))
        .startsWith("[Vigil] FLAPPING_STOPPED (RESOLVED) INFO HighCpu on vm-000001: ");
  }

  @Test
  void bodyWithoutDescriptionGoesFromSummaryToStatus() {
    assertThat(EmailAlertSink.body(firing(Severity.WARNING)))
        .startsWith(
            "CPU usage on vm-000001 is 92.4%\n\nStatus:      FIRING\nType:        FIRING\n");
  }

  @Test
  void everyEmailHasItsOwnMessageIdAndFollowUpsReplyToTheFiringEmail() throws Exception {
    EmailAlertSink sink = plainSink().build();
    AlertNotification firing = Notifications.ofType(NotificationType.FIRING, Severity.WARNING, "");
    AlertNotification escalated =
        Notifications.ofType(NotificationType.SEVERITY_CHANGED, Severity.CRITICAL, "");
    AlertNotification reminder =
        Notifications.ofType(NotificationType.REMINDER, Severity.CRITICAL, "");

    String firingId = sink.message(firing).getMessageID();
    MimeMessage[] followUps = {
      sink.message(escalated),
      sink.message(reminder),
      sink.message(reminder),
      sink.message(resolved(Severity.CRITICAL))
    };

    assertThat(firingId).isEqualTo("<" + FINGERPRINT + "." + STARTS_AT.toEpochMilli() + "@vigil>");
    assertThat(sink.message(firing).getMessageID())
        .as("a retried firing keeps its id")
        .isEqualTo(firingId);
    assertThat(Arrays.stream(followUps).map(m -> id(m)))
        .doesNotHaveDuplicates()
        .doesNotContain(firingId)
        .allSatisfy(
            id ->
                assertThat(id)
                    .startsWith("<" + FINGERPRINT + "." + STARTS_AT.toEpochMilli() + ".")
                    .endsWith("@vigil>"));
    assertThat(id(followUps[0])).contains(".severity_changed.");
    for (MimeMessage followUp : followUps) {
      assertThat(followUp.getHeader("In-Reply-To")).containsExactly(firingId);
      assertThat(followUp.getHeader("References")).containsExactly(firingId);
    }
    assertThat(sink.message(firing).getHeader("In-Reply-To")).isNull();
  }

  @Test
  void firingEscalationReminderAndResolvedAllArriveInOneThread() throws Exception {
    EmailAlertSink sink = plainSink().build();

    sink.deliver(Notifications.ofType(NotificationType.FIRING, Severity.WARNING, ""));
    sink.deliver(Notifications.ofType(NotificationType.SEVERITY_CHANGED, Severity.CRITICAL, ""));
    sink.deliver(Notifications.ofType(NotificationType.REMINDER, Severity.CRITICAL, ""));
    sink.deliver(resolved(Severity.CRITICAL));

    assertThat(greenMail.waitForIncomingEmail(5_000, 4)).isTrue();
    MimeMessage[] received = greenMail.getReceivedMessages();
    assertThat(received).hasSize(4);
    String firingId = id(received[0]);
    assertThat(Arrays.stream(received).map(m -> id(m))).doesNotHaveDuplicates();
    assertThat(Arrays.stream(received).skip(1))
        .allSatisfy(m -> assertThat(m.getHeader("In-Reply-To")).containsExactly(firingId));
    assertThat(Arrays.stream(received).map(m -> subjectOf(m)))
        .containsExactly(
            "[Vigil] FIRING WARNING HighCpu on vm-000001: CPU usage on vm-000001 is 92.4%",
            "[Vigil] SEVERITY_CHANGED CRITICAL HighCpu on vm-000001: CPU usage on vm-000001 is 92.4%",
            "[Vigil] REMINDER CRITICAL HighCpu on vm-000001: CPU usage on vm-000001 is 92.4%",
            "[Vigil] RESOLVED CRITICAL HighCpu on vm-000001: CPU usage on vm-000001 is 92.4%");
  }

  private static String id(MimeMessage m) {
    try {
      return m.getMessageID();
    } catch (MessagingException e) {
      throw new AssertionError(e);
    }
  }

  private static String subjectOf(MimeMessage m) {
    try {
      return m.getSubject();
    } catch (MessagingException e) {
      throw new AssertionError(e);
    }
  }

  @Test
  void labelWithHeaderInjectionAddsNoHeaderAndNoRecipient() throws Exception {
    EmailAlertSink sink = plainSink().build();

    sink.deliver(
        Notifications.notification(
            AlertStatus.FIRING,
            Severity.WARNING,
            Map.of("team", "ops\r\nBcc: x@evil"),
            "CPU high\r\nBcc: x@evil\r\nSubject: forged"));

    assertThat(greenMail.waitForIncomingEmail(5_000, 1)).isTrue();
    MimeMessage[] received = greenMail.getReceivedMessages();
    assertThat(received).hasSize(1); // one per recipient: x@evil got none
    MimeMessage email = received[0];
    assertThat(email.getHeader("Subject")).hasSize(1);
    assertThat(email.getSubject())
        .isEqualTo(
            "[Vigil] FIRING WARNING HighCpu on vm-000001: CPU high Bcc: x@evil Subject: forged");
    assertThat(email.getHeader("Bcc")).isNull();
    assertThat(email.getAllRecipients()).containsExactly(new InternetAddress("oncall@example.com"));
    assertThat(greenMail.getUserManager().getUser("x@evil")).isNull();
    assertThat(greenMail.getReceivedMessagesForDomain("evil")).isEmpty();
    assertThat(GreenMailUtil.getBody(email)).contains("  team = ops\\r\\nBcc: x@evil");
  }

  @Test
  void fingerprintWithHeaderInjectionCannotEscapeTheThreadingHeaders() throws Exception {
    EmailAlertSink sink = plainSink().build();
    String evil = "abc\r\nBcc: x@evil\r\nX-Forged: yes";
    AlertNotification resolved =
        new AlertNotification(
            "HighCpu",
            AlertStatus.RESOLVED,
            Severity.WARNING,
            "vm-000001",
            Map.of(),
            "s",
            1,
            2,
            STARTS_AT,
            Notifications.ENDS_AT,
            evil);

    sink.deliver(resolved);

    assertThat(greenMail.waitForIncomingEmail(5_000, 1)).isTrue();
    MimeMessage email = greenMail.getReceivedMessages()[0];
    String id = "<abc__Bcc__x_evil__X-Forged__yes." + STARTS_AT.toEpochMilli() + "@vigil>";
    assertThat(email.getHeader("In-Reply-To")).containsExactly(id);
    assertThat(email.getHeader("References")).containsExactly(id);
    assertThat(email.getHeader("Message-ID")).hasSize(1);
    assertThat(email.getHeader("X-Forged")).isNull();
    assertThat(email.getAllRecipients()).containsExactly(new InternetAddress("oncall@example.com"));
    assertThat(greenMail.getUserManager().getUser("x@evil")).isNull();
  }

  @Test
  void subjectIsSanitizedBeforeJakartaMailSeesIt() {
    EmailAlertSink sink = plainSink().build();

    assertThat(
            sink.subject(
                Notifications.notification(
                    AlertStatus.FIRING, Severity.INFO, Map.of(), "a\r\nBcc: x@evil\u2028b\u0000c")))
        .isEqualTo("[Vigil] FIRING INFO HighCpu on vm-000001: a Bcc: x@evil b c");
  }

  @Test
  void authenticatesWithCredentialsCopiedFromTheCallersArray() throws Exception {
    greenMail.setUser("alerts@example.com", "alerts", PASSWORD);
    char[] password = PASSWORD.toCharArray();
    EmailAlertSink sink = plainSink().credentials("alerts", password).build();
    Arrays.fill(password, 'x'); // the caller clears its copy; the sink kept its own

    sink.deliver(firing(Severity.WARNING));

    assertThat(greenMail.waitForIncomingEmail(5_000, 1)).isTrue();
    assertThat(greenMail.getReceivedMessages()).hasSize(1);
    assertThat(sink.toString()).contains("username=alerts").doesNotContain(PASSWORD);
  }

  @Test
  void wrongPasswordFailsWithoutRevealingIt() {
    greenMail.setUser("alerts@example.com", "alerts", "the-right-one");
    EmailAlertSink sink = plainSink().credentials("alerts", PASSWORD).build();

    try (CapturedStderr err = new CapturedStderr()) {
      assertThatThrownBy(() -> sink.deliver(firing(Severity.WARNING)))
          // 535 is a 5xx reply: permanent, with the scrubbed MessagingException as its cause.
          .isInstanceOf(PermanentDeliveryException.class)
          .satisfies(
              e ->
                  assertThat(e.getCause())
                      .isInstanceOf(MessagingException.class)
                      .hasCauseInstanceOf(AuthenticationFailedException.class))
          .hasMessageContaining("127.0.0.1:" + greenMail.getSmtp().getPort())
          .satisfies(e -> assertThat(stackTraceText(e)).doesNotContain(PASSWORD));
      assertThat(err.text()).doesNotContain(PASSWORD);
    }
    assertThatThrownBy(() -> sink.deliver(firing(Severity.WARNING)))
        .satisfies(e -> assertThat(stackTraceText(e)).doesNotContain(forms(PASSWORD)));
    assertThat(sink.toString()).doesNotContain(PASSWORD);
    assertThat(greenMail.getReceivedMessages()).isEmpty();
  }

  static Stream<Arguments> echoedCredentials() {
    return Stream.of(
        Arguments.of("PLAIN", PASSWORD),
        Arguments.of("LOGIN", PASSWORD),
        Arguments.of("PLAIN", "tab\tin-the-Pa55word"),
        Arguments.of("LOGIN", "p\u00e4ssw\u00f6rd-\u00fcml\u00e4ut"));
  }

  @ParameterizedTest(name = "{0} {1}")
  @MethodSource("echoedCredentials")
  void serverThatEchoesTheCredentialsCannotLeakThemRawOrInBase64(String mechanism, String password)
      throws Exception {
    try (EchoingSmtpServer server = new EchoingSmtpServer(mechanism);
        CapturedStderr err = new CapturedStderr()) {
      EmailAlertSink sink =
          plainSink().smtpPort(server.port()).credentials("alerts", password).build();

      Throwable thrown = catchThrowable(() -> sink.deliver(firing(Severity.WARNING)));

      assertThat(thrown)
          .isInstanceOf(PermanentDeliveryException.class)
          .satisfies(
              e ->
                  assertThat(e.getCause())
                      .isInstanceOf(MessagingException.class)
                      .hasCauseInstanceOf(AuthenticationFailedException.class))
          .hasMessageContaining("535 5.7.8 Authentication failed for ")
          .hasMessageContaining("****");
      String trace = stackTraceText(thrown);
      for (String form : forms(password)) {
        assertThat(trace).as("stack trace holds %s", form).doesNotContain(form);
        assertThat(err.text()).doesNotContain(form);
      }
      assertThat(trace).doesNotContain(Text.escape(password));
    }
  }

  @Test
  void longServerReplyIsCutOnlyAfterThePasswordIsGone() {
    List<String> secrets = EmailAlertSink.secretForms("alerts", PASSWORD);
    for (int at = EmailAlertSink.MAX_SERVER_TEXT - PASSWORD.length();
        at <= EmailAlertSink.MAX_SERVER_TEXT;
        at++) {
      String reply = "5".repeat(at) + PASSWORD + " and more" + "x".repeat(600);

      String text = EmailAlertSink.serverText(reply, secrets);

      assertThat(text)
          .as("password at %d", at)
          .hasSizeLessThanOrEqualTo(EmailAlertSink.MAX_SERVER_TEXT + 3);
      for (int prefix = 3; prefix <= PASSWORD.length(); prefix++) {
        assertThat(text).as("password at %d", at).doesNotContain(PASSWORD.substring(0, prefix));
      }
    }
    assertThat(EmailAlertSink.serverText("short " + PASSWORD + "\r\nnext", secrets))
        .isEqualTo("short ****\\r\\nnext");
  }

  @Test
  void passwordWithAControlCharacterIsScrubbedBeforeEscaping() {
    String password = "tab\tin-the-Pa55word";
    String text =
        EmailAlertSink.serverText(
            "535 no " + password, EmailAlertSink.secretForms("alerts", password));

    assertThat(text).isEqualTo("535 no ****").doesNotContain("in-the-Pa55word");
  }

  private static List<String> forms(String password) {
    Base64.Encoder b64 = Base64.getEncoder().withoutPadding();
    return List.of(
        password,
        b64.encodeToString(password.getBytes(StandardCharsets.UTF_8)),
        b64.encodeToString(("\0alerts\0" + password).getBytes(StandardCharsets.UTF_8)),
        b64.encodeToString(("alerts\0alerts\0" + password).getBytes(StandardCharsets.UTF_8)));
  }

  @Test
  void starttlsIsRequiredSoAServerWithoutItGetsNothing() {
    EmailAlertSink sink =
        plainSink()
            .security(EmailAlertSink.Security.STARTTLS)
            .credentials("alerts", PASSWORD)
            .build();

    assertThatThrownBy(() -> sink.deliver(firing(Severity.WARNING)))
        .isInstanceOf(MessagingException.class)
        .hasMessageContaining("STARTTLS");
    assertThat(greenMail.getReceivedMessages()).isEmpty();
  }

  @Test
  void refusedConnectionFailsFast() throws Exception {
    int deadPort;
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      deadPort = socket.getLocalPort();
    }
    EmailAlertSink sink =
        plainSink().smtpPort(deadPort).connectTimeout(Duration.ofMillis(500)).build();

    assertTimeoutPreemptively(
        Duration.ofSeconds(5),
        () ->
            assertThatThrownBy(() -> sink.deliver(firing(Severity.WARNING)))
                .isInstanceOf(MessagingException.class)
                .hasMessageContaining("127.0.0.1:" + deadPort));
  }

  @Test
  void silentServerTimesOutInsteadOfHanging() throws Exception {
    // Accepts connections in its backlog but never greets: the client must give up on its own.
    try (ServerSocket silent = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      EmailAlertSink sink =
          plainSink()
              .smtpPort(silent.getLocalPort())
              .connectTimeout(Duration.ofMillis(300))
              .readTimeout(Duration.ofMillis(300))
              .writeTimeout(Duration.ofMillis(300))
              .build();

      long start = System.nanoTime();
      assertTimeoutPreemptively(
          Duration.ofSeconds(5),
          () ->
              assertThatThrownBy(() -> sink.deliver(firing(Severity.WARNING)))
                  .isInstanceOf(MessagingException.class));
      assertThat(Duration.ofNanos(System.nanoTime() - start))
          .isGreaterThanOrEqualTo(Duration.ofMillis(250));
    }
  }

  @Test
  void writeTimeoutsRunOnOneNamedDaemonThreadThatCloseStops() throws Exception {
    Set<Thread> before = Thread.getAllStackTraces().keySet();
    EmailAlertSink sink = plainSink().build();

    sink.deliver(firing(Severity.WARNING));
    sink.deliver(resolved(Severity.WARNING));

    assertThat(greenMail.waitForIncomingEmail(5_000, 2)).isTrue();
    List<Thread> started = startedSince(before);
    assertThat(started)
        .filteredOn(t -> t.getName().startsWith("vigil-email-write-timeout-"))
        .singleElement()
        .satisfies(t -> assertThat(t.isDaemon()).isTrue());
    assertThat(started)
        .extracting(Thread::getName)
        .noneMatch(name -> name.matches("pool-\\d+-thread-\\d+"));

    sink.close();

    long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
    for (Thread t : startedSince(before)) {
      if (t.getName().startsWith("vigil-") || !t.isDaemon()) {
        t.join(Math.max(1, Duration.ofNanos(deadline - System.nanoTime()).toMillis()));
      }
    }
    assertThat(startedSince(before))
        .filteredOn(
            t ->
                t.getName().startsWith("vigil-")
                    || (!t.isDaemon() && t.getName().startsWith("pool-")))
        .isEmpty();
  }

  /** Live threads that were not in {@code before}. */
  private static List<Thread> startedSince(Set<Thread> before) {
    return Thread.getAllStackTraces().keySet().stream()
        .filter(t -> t.isAlive() && !before.contains(t))
        .toList();
  }

  @Test
  void closedSinkRefusesToDeliver() {
    EmailAlertSink sink = plainSink().credentials("alerts", PASSWORD).build();
    sink.close();
    sink.close();

    assertThatThrownBy(() -> sink.deliver(firing(Severity.WARNING)))
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("EmailAlertSink is closed");
  }

  private static String stackTraceText(Throwable e) {
    java.io.StringWriter out = new java.io.StringWriter();
    e.printStackTrace(new java.io.PrintWriter(out));
    return out.toString();
  }
}
