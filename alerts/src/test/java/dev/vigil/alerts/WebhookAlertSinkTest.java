package dev.vigil.alerts;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.vigil.AlertGroup;
import dev.vigil.AlertNotification;
import dev.vigil.AlertStatus;
import dev.vigil.PermanentDeliveryException;
import dev.vigil.Severity;
import dev.vigil.testing.ManualClock;
import java.io.IOException;
import java.io.InputStream;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;
import mockwebserver3.junit5.StartStop;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * {@link WebhookAlertSink} against MockWebServer. The payload follows Alertmanager's webhook
 * receiver ({@code https://prometheus.io/docs/alerting/latest/configuration/#webhook_config}, the
 * "version 4" JSON); {@code Retry-After} is RFC 9110 section 10.2.3.
 */
class WebhookAlertSinkTest {
  private static final String SECRET = "0123456789abcdef-signing";

  @StartStop final MockWebServer server = new MockWebServer();
  private final ManualClock clock = ManualClock.startingAt(Instant.parse("2026-11-24T00:10:00Z"));
  private final List<Duration> pauses = new ArrayList<>();
  private final List<WebhookAlertSink> sinks = new ArrayList<>();

  @AfterEach
  void close() {
    sinks.forEach(WebhookAlertSink::close);
  }

  private WebhookAlertSink.Builder builder() {
    return WebhookAlertSink.builder()
        .url(server.url("/hook").toString())
        .clock(clock)
        .http(HttpSettings.builder().timeout(Duration.ofSeconds(2)).pauser(pauses::add).build());
  }

  private WebhookAlertSink sink(WebhookAlertSink.Builder b) {
    WebhookAlertSink s = b.build();
    sinks.add(s);
    return s;
  }

  private static MockResponse status(int code) {
    return new MockResponse.Builder().code(code).build();
  }

  static AlertGroup group() {
    AlertNotification firing = Notifications.firing(Severity.WARNING);
    AlertNotification resolved =
        Notifications.notification(
            AlertStatus.RESOLVED,
            Severity.WARNING,
            Map.of("region", "eu-west-2"),
            "CPU usage on vm-000001 is 70%");
    return new AlertGroup(
        AlertGroup.Kind.GROUP,
        "{}:{alertname=\"HighCpu\"}",
        Map.of("alertname", "HighCpu"),
        List.of(firing, resolved),
        Instant.parse("2026-11-24T00:10:00Z"));
  }

  static String golden(String name) throws IOException {
    try (InputStream in =
        Objects.requireNonNull(WebhookAlertSinkTest.class.getResourceAsStream("/golden/" + name))) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8).strip();
    }
  }

  @Test
  void payloadIsAlertmanagerWebhookVersion4WithVigilFields() throws Exception {
    server.enqueue(status(200));
    sink(builder().receiver("ops").externalUrl("https://app.example.com")).deliverGroup(group());
    RecordedRequest r = server.takeRequest();
    assertThat(r.getMethod()).isEqualTo("POST");
    assertThat(r.getHeaders().get("Content-Type")).isEqualTo("application/json");
    assertThat(r.getBody().utf8()).isEqualTo(golden("webhook-group.json"));
  }

  @Test
  void signatureVerifiesWithTheDocumentedAlgorithm() throws Exception {
    server.enqueue(status(204));
    sink(builder().signingSecret(SECRET)).deliverGroup(group());
    RecordedRequest r = server.takeRequest();
    String timestamp = r.getHeaders().get("X-Vigil-Timestamp");
    assertThat(timestamp).isEqualTo(Long.toString(clock.instant().getEpochSecond()));
    // The receiver's side, written from docs/sinks.md: HMAC-SHA256(secret, timestamp + "." + body).
    Mac mac = Mac.getInstance("HmacSHA256");
    mac.init(new SecretKeySpec(SECRET.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
    byte[] expected =
        mac.doFinal((timestamp + "." + r.getBody().utf8()).getBytes(StandardCharsets.UTF_8));
    assertThat(r.getHeaders().get("X-Vigil-Signature"))
        .isEqualTo("v1=" + HexFormat.of().formatHex(expected));
  }

  @Test
  void idempotencyKeyIsStableAcrossRetriesAndFiveHundredThenTwoHundredDeliversOnce()
      throws Exception {
    server.enqueue(status(500));
    server.enqueue(status(200));
    WebhookAlertSink sink = sink(builder());
    AlertNotification n = Notifications.firing(Severity.CRITICAL);
    assertThatThrownBy(() -> sink.deliver(n))
        .isInstanceOf(HttpStatusException.class)
        .isNotInstanceOf(PermanentDeliveryException.class)
        .hasMessageContaining("answered 500");
    sink.deliver(n); // the monitor's retry
    String first = server.takeRequest().getHeaders().get("Idempotency-Key");
    String second = server.takeRequest().getHeaders().get("Idempotency-Key");
    assertThat(first).isNotBlank().isEqualTo(second);
    assertThat(server.getRequestCount()).isEqualTo(2);
    // A different notification has a different key.
    server.enqueue(status(200));
    sink.deliver(Notifications.resolved(Severity.CRITICAL));
    assertThat(server.takeRequest().getHeaders().get("Idempotency-Key")).isNotEqualTo(first);
  }

  @Test
  void tooManyRequestsWithShortRetryAfterIsWaitedOutAndSentOnceMore() throws Exception {
    server.enqueue(new MockResponse.Builder().code(429).addHeader("Retry-After", "7").build());
    server.enqueue(status(200));
    WebhookAlertSink sink = sink(builder());
    sink.deliverGroup(group());
    assertThat(pauses).containsExactly(Duration.ofSeconds(7));
    assertThat(server.getRequestCount()).isEqualTo(2);
    assertThat(server.takeRequest().getHeaders().get("Idempotency-Key"))
        .isEqualTo(server.takeRequest().getHeaders().get("Idempotency-Key"));
  }

  @Test
  void longRetryAfterIsHandedToTheMonitorAsTransient() throws Exception {
    server.enqueue(
        new MockResponse.Builder()
            .code(503)
            .addHeader("Retry-After", "Tue, 24 Nov 2026 01:10:00 GMT")
            .build());
    WebhookAlertSink sink = sink(builder());
    assertThatThrownBy(() -> sink.deliverGroup(group()))
        .isInstanceOfSatisfying(
            HttpStatusException.class,
            e -> {
              assertThat(e.status()).isEqualTo(503);
              assertThat(e.retryAfter()).contains(Duration.ofHours(1));
            });
    assertThat(pauses).isEmpty();
    assertThat(server.getRequestCount()).isEqualTo(1);
  }

  @Test
  void badRequestIsPermanentAndNotRetried() throws Exception {
    server.enqueue(new MockResponse.Builder().code(400).body("missing field alerts").build());
    WebhookAlertSink sink = sink(builder());
    assertThatThrownBy(() -> sink.deliverGroup(group()))
        .isInstanceOf(PermanentDeliveryException.class)
        .hasMessageContaining("answered 400: missing field alerts")
        .hasCauseInstanceOf(HttpStatusException.class);
    assertThat(server.getRequestCount()).isEqualTo(1);
  }

  @Test
  void redirectIsNeverFollowed() throws Exception {
    server.enqueue(
        new MockResponse.Builder()
            .code(307)
            .addHeader("Location", server.url("/elsewhere").toString())
            .build());
    server.enqueue(status(200));
    WebhookAlertSink sink = sink(builder().header("Authorization", "Bearer tok-abcdef"));
    assertThatThrownBy(() -> sink.deliverGroup(group()))
        .isInstanceOf(PermanentDeliveryException.class)
        .hasMessageContaining("307")
        .hasMessageContaining("redirects are never followed");
    assertThat(server.getRequestCount()).isEqualTo(1);
  }

  @Test
  void aServerThatNeverAnswersTimesOut() {
    server.enqueue(status(200).newBuilder().headersDelay(5, TimeUnit.SECONDS).build());
    WebhookAlertSink sink =
        sink(builder().http(HttpSettings.builder().timeout(Duration.ofMillis(300)).build()));
    long start = System.nanoTime();
    assertThatThrownBy(() -> sink.deliverGroup(group()))
        .isInstanceOf(IOException.class)
        .isNotInstanceOf(PermanentDeliveryException.class)
        .hasMessageContaining("PT0.3S");
    assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(3));
  }

  @Test
  void secretsStayOutOfMessagesAndToString() throws Exception {
    server.enqueue(
        new MockResponse.Builder()
            .code(401)
            .body("bad token Bearer tok-abcdef for /hook?key=q-secret-99")
            .build());
    WebhookAlertSink sink =
        sink(
            builder()
                .url(server.url("/hook?key=q-secret-99").toString())
                .header("Authorization", "Bearer tok-abcdef")
                .signingSecret(SECRET));
    assertThatThrownBy(() -> sink.deliverGroup(group()))
        .isInstanceOf(PermanentDeliveryException.class)
        .hasMessageContaining("answered 401")
        .hasMessageNotContaining("tok-abcdef")
        .hasMessageNotContaining("q-secret-99");
    assertThat(sink.toString())
        .contains("Authorization")
        .doesNotContain("tok-abcdef", "q-secret-99", SECRET);
  }

  @Test
  void connectionRefusedIsTransient() throws Exception {
    int port = server.getPort();
    server.close();
    WebhookAlertSink sink = sink(builder().url("http://127.0.0.1:" + port + "/hook"));
    assertThatThrownBy(() -> sink.deliverGroup(group()))
        .isInstanceOf(IOException.class)
        .isNotInstanceOf(PermanentDeliveryException.class)
        .hasMessageContaining("POST http://127.0.0.1:" + port + "/hook failed");
  }

  @Test
  void builderRejectsUnsafeSettingsNamingThem() {
    assertThatThrownBy(() -> WebhookAlertSink.builder().build())
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("url is not set");
    assertThatThrownBy(() -> WebhookAlertSink.builder().url("http://hooks.example.com/x"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("must use https");
    assertThatThrownBy(() -> WebhookAlertSink.builder().url("https://u:pw@hooks.example.com/x"))
        .hasMessageContaining("user info")
        .hasMessageNotContaining("pw");
    assertThatThrownBy(() -> WebhookAlertSink.builder().header("Idempotency-Key", "x"))
        .hasMessageContaining("set by the sink");
    assertThatThrownBy(() -> WebhookAlertSink.builder().header("X-Token", "a\r\nBcc: x"))
        .hasMessageContaining("control characters");
    assertThatThrownBy(() -> WebhookAlertSink.builder().signingSecret("short"))
        .hasMessageContaining("at least 16");
    HttpClient following =
        HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NORMAL).build();
    assertThatThrownBy(() -> HttpSettings.builder().client(following))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("follows redirects");
  }
}
