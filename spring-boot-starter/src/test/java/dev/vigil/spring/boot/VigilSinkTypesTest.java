package dev.vigil.spring.boot;

import static org.assertj.core.api.Assertions.assertThat;

import com.icegreen.greenmail.junit5.GreenMailExtension;
import dev.vigil.ResourceMonitor;
import dev.vigil.testing.ScriptedSource;
import jakarta.mail.Message;
import jakarta.mail.internet.MimeMessage;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import mockwebserver3.RecordedRequest;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.boot.test.context.assertj.AssertableApplicationContext;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

/**
 * Every sink type of {@code vigil.sinks.<name>.type}, from properties alone, delivers one firing
 * alert to a receiver on 127.0.0.1 (MockWebServer, GreenMail) with the settings it was given.
 */
class VigilSinkTypesTest {
  @RegisterExtension
  static final GreenMailExtension greenMail = new GreenMailExtension(TestApps.smtp());

  Replay receiver;

  @BeforeEach
  void start() throws Exception {
    receiver = Replay.start();
    for (String path : List.of("/hook", "/slack", "/teams", "/v2/enqueue", "/api/v2/alerts")) {
      receiver.answers.put(path, Replay.status(path.equals("/v2/enqueue") ? 202 : 200));
    }
  }

  @AfterEach
  void stop() {
    receiver.close();
  }

  private static ApplicationContextRunner runner() {
    return TestApps.runner()
        .withUserConfiguration(TestApps.Time.class)
        .withBean("cloud", ScriptedSource.class, () -> ScriptedSource.of("cpu_usage", "vm-1", "97"))
        .withPropertyValues(
            "vigil.rules.HighCpu.metric=cpu_usage",
            "vigil.rules.HighCpu.above=80",
            "vigil.rules.HighCpu.summary=CPU of {resource} is {value}",
            "vigil.delivery-attempts=1");
  }

  /** Polls once and returns the one request the receiver got at {@code path}. */
  private RecordedRequest deliverOnce(AssertableApplicationContext context, String path)
      throws Exception {
    fire(context);
    List<RecordedRequest> requests = receiver.requestsTo(path);
    assertThat(requests).hasSize(1);
    assertThat(receiver.requests).hasSize(1);
    return requests.get(0);
  }

  private static void fire(AssertableApplicationContext context) throws Exception {
    assertThat(context).hasNotFailed();
    ResourceMonitor monitor = context.getBean(ResourceMonitor.class);
    monitor.pollNow();
    assertThat(monitor.flush(Duration.ofSeconds(10))).isTrue();
    assertThat(monitor.stats().sinks().get("out").delivered()).isEqualTo(1);
  }

  @Test
  void webhookSignsItsRequestsAndSendsTheConfiguredHeadersAndNames() {
    runner()
        .withPropertyValues(
            "vigil.sinks.out.type=webhook",
            "vigil.sinks.out.url=" + receiver.url("/hook"),
            "vigil.sinks.out.signing-secret=whsec-4711-0123456789",
            "vigil.sinks.out.headers.X-Team=infra",
            "vigil.sinks.out.receiver=ops-hook",
            "vigil.sinks.out.external-url=https://vigil.example.com",
            "vigil.sinks.out.generator-url=https://vigil.example.com/rules")
        .run(
            context -> {
              RecordedRequest request = deliverOnce(context, "/hook");
              byte[] body = request.getBody().toByteArray();
              String timestamp = request.getHeaders().get("X-Vigil-Timestamp");
              Instant now = context.getBean(dev.vigil.testing.VirtualTime.class).now();
              assertThat(timestamp).isEqualTo(String.valueOf(now.getEpochSecond()));
              Mac mac = Mac.getInstance("HmacSHA256");
              mac.init(
                  new SecretKeySpec(
                      "whsec-4711-0123456789".getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
              mac.update((timestamp + ".").getBytes(StandardCharsets.US_ASCII));
              assertThat(request.getHeaders().get("X-Vigil-Signature"))
                  .isEqualTo("v1=" + HexFormat.of().formatHex(mac.doFinal(body)));
              assertThat(request.getHeaders().get("X-Team")).isEqualTo("infra");
              String json = new String(body, StandardCharsets.UTF_8);
              assertThat(json)
                  .contains("\"receiver\":\"ops-hook\"")
                  .contains("\"externalURL\":\"https://vigil.example.com\"")
                  .contains("https://vigil.example.com/rules")
                  .contains("CPU of vm-1 is 97");
            });
  }

  @Test
  void anHttpSinksTimeoutEndsARequestThatTakesLonger() {
    receiver.answers.put(
        "/slow",
        new mockwebserver3.MockResponse.Builder()
            .code(200)
            .headersDelay(20, java.util.concurrent.TimeUnit.SECONDS)
            .build());
    runner()
        .withPropertyValues(
            "vigil.sinks.out.type=webhook",
            "vigil.sinks.out.url=" + receiver.url("/slow"),
            "vigil.sinks.out.timeout=500ms")
        .run(
            context -> {
              assertThat(context).hasNotFailed();
              ResourceMonitor monitor = context.getBean(ResourceMonitor.class);
              monitor.pollNow();
              // the default timeout (10 s) would outlast this flush
              assertThat(monitor.flush(Duration.ofSeconds(8))).isTrue();
              assertThat(monitor.stats().sinks().get("out").failedAttempts()).isEqualTo(1);
              assertThat(monitor.stats().sinks().get("out").delivered()).isZero();
            });
  }

  @Test
  void slackPostsToItsIncomingWebhook() {
    runner()
        .withPropertyValues(
            "vigil.sinks.out.type=slack", "vigil.sinks.out.url=" + receiver.url("/slack"))
        .run(
            context ->
                assertThat(deliverOnce(context, "/slack").getBody().utf8())
                    .contains("CPU of vm-1 is 97"));
  }

  @Test
  void teamsPostsAnAdaptiveCardToItsWorkflow() {
    runner()
        .withPropertyValues(
            "vigil.sinks.out.type=teams", "vigil.sinks.out.url=" + receiver.url("/teams"))
        .run(
            context ->
                assertThat(deliverOnce(context, "/teams").getBody().utf8())
                    .contains("AdaptiveCard")
                    .contains("CPU of vm-1 is 97"));
  }

  @Test
  void pagerDutyTriggersWithTheRoutingKeyAtTheConfiguredUrl() {
    String key = "0123456789abcdef0123456789abcdef";
    runner()
        .withPropertyValues(
            "vigil.sinks.out.type=pagerduty",
            "vigil.sinks.out.routing-key=" + key,
            "vigil.sinks.out.url=" + receiver.url("/v2/enqueue"),
            "vigil.sinks.out.client-url=https://vigil.example.com")
        .run(
            context ->
                assertThat(deliverOnce(context, "/v2/enqueue").getBody().utf8())
                    .contains("\"routing_key\":\"" + key + "\"")
                    .contains("\"event_action\":\"trigger\"")
                    .contains("\"client_url\":\"https://vigil.example.com\"")
                    .contains("CPU of vm-1 is 97"));
  }

  @Test
  void alertmanagerPostsToEveryInstance() throws Exception {
    try (Replay second = Replay.start()) {
      second.answers.put("/api/v2/alerts", Replay.status(200));
      runner()
          .withPropertyValues(
              "vigil.sinks.out.type=alertmanager",
              "vigil.sinks.out.urls=" + receiver.url("/") + "," + second.url("/"),
              "vigil.sinks.out.generator-url=https://vigil.example.com/rules")
          .run(
              context -> {
                String body = deliverOnce(context, "/api/v2/alerts").getBody().utf8();
                assertThat(body)
                    .startsWith("[")
                    .contains("\"alertname\":\"HighCpu\"")
                    .contains("https://vigil.example.com/rules");
                assertThat(second.requestsTo("/api/v2/alerts")).hasSize(1);
              });
    }
  }

  @Test
  void logWritesALineToTheConfiguredLogger() throws Exception {
    PrintStream err = System.err;
    ByteArrayOutputStream captured = new ByteArrayOutputStream();
    System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));
    try {
      runner()
          .withPropertyValues("vigil.sinks.out.type=log", "vigil.sinks.out.logger=test.vigil.pager")
          .run(VigilSinkTypesTest::fire);
    } finally {
      System.setErr(err);
    }
    assertThat(captured.toString(StandardCharsets.UTF_8))
        .contains("test.vigil.pager")
        .contains("vm-1");
  }

  @Test
  void emailUsesItsOwnSmtpServerSubjectPrefixAndRecipients() {
    runner()
        .withPropertyValues(
            "vigil.sinks.out.type=email",
            "vigil.sinks.out.email.from=vigil@example.com",
            "vigil.sinks.out.email.to=ops@example.com,oncall@example.com",
            "vigil.sinks.out.email.subject-prefix=[prod]",
            "vigil.sinks.out.email.html=true",
            "vigil.sinks.out.email.smtp.host=127.0.0.1",
            "vigil.sinks.out.email.smtp.port=" + greenMail.getSmtp().getPort(),
            "vigil.sinks.out.email.smtp.security=none")
        .run(
            context -> {
              fire(context);
              assertThat(greenMail.waitForIncomingEmail(15_000, 2)).isTrue();
              MimeMessage mail = greenMail.getReceivedMessages()[0];
              assertThat(mail.getSubject()).startsWith("[prod] FIRING").contains("vm-1");
              assertThat(mail.getRecipients(Message.RecipientType.TO))
                  .extracting(Object::toString)
                  .containsExactly("ops@example.com", "oncall@example.com");
              assertThat(mail.getContentType()).startsWith("multipart/");
            });
  }
}
