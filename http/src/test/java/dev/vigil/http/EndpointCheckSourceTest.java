package dev.vigil.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.vigil.Sample;
import dev.vigil.testing.ManualClock;
import dev.vigil.testing.RecordingPollContext;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.junit5.StartStop;
import okhttp3.OkHttpClient;
import okhttp3.tls.HandshakeCertificates;
import okhttp3.tls.HeldCertificate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * {@link EndpointCheckSource}: up, down for each cause (connection refused, 500, a slow answer, an
 * untrusted certificate, a body that fails its condition), and the days left on a test certificate
 * made here with a known {@code notAfter}.
 */
class EndpointCheckSourceTest {
  @StartStop final MockWebServer server = new MockWebServer();
  // Whole seconds: a certificate's notAfter has no fraction.
  final ManualClock clock = ManualClock.startingAt(Instant.now().truncatedTo(ChronoUnit.SECONDS));
  final RecordingPollContext context = RecordingPollContext.create("checks", clock);
  final List<EndpointCheckSource> sources = new ArrayList<>();

  @AfterEach
  void closeSources() {
    sources.forEach(EndpointCheckSource::close);
  }

  List<Sample> poll(EndpointCheck check) throws Exception {
    return poll(EndpointCheckSource.builder().check(check));
  }

  List<Sample> poll(EndpointCheckSource.Builder b) throws Exception {
    EndpointCheckSource source = b.build();
    sources.add(source);
    return source.poll(context);
  }

  EndpointCheck.Builder check(String path) {
    return EndpointCheck.builder("api", server.url(path).toString());
  }

  /** metric (with its cause, for check_failure) to value. */
  static Map<String, Double> values(List<Sample> samples) {
    Map<String, Double> out = new LinkedHashMap<>();
    for (Sample s : samples) {
      String cause = s.labels().get("cause");
      out.put(s.metric() + (cause == null ? "" : "{cause=" + cause + "}"), s.value());
    }
    return out;
  }

  @Test
  void endpointThatAnswers200IsUpWithItsStatusAndResponseTime() throws Exception {
    server.enqueue(new MockResponse.Builder().code(200).body("ok").build());

    List<Sample> samples = poll(check("/health").build());

    assertThat(values(samples).keySet())
        .containsExactly("up", "http_status", "response_time_seconds");
    assertThat(values(samples)).containsEntry("up", 1.0).containsEntry("http_status", 200.0);
    Sample up = samples.get(0);
    assertThat(up.resource()).isEqualTo("api");
    assertThat(up.labels())
        .isEqualTo(Map.of("url", server.url("/health").toString(), "method", "GET"));
    assertThat(up.timestamp()).isEqualTo(clock.instant());
    assertThat(samples.get(2).value()).isGreaterThanOrEqualTo(0);
    assertThat(context.errors()).isEmpty();
    assertThat(server.takeRequest().getHeaders().get("Connection")).isEqualTo("close");
  }

  @Test
  void serverErrorIsDownWithCauseStatusNotASourceError() throws Exception {
    server.enqueue(new MockResponse.Builder().code(500).build());

    Map<String, Double> values = values(poll(check("/health").build()));

    assertThat(values)
        .containsEntry("up", 0.0)
        .containsEntry("http_status", 500.0)
        .containsEntry("check_failure{cause=status}", 1.0)
        .containsKey("response_time_seconds");
    assertThat(context.errors()).isEmpty();
  }

  @Test
  void connectionRefusedIsDownWithCauseConnect() throws Exception {
    int port;
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      port = s.getLocalPort();
    }

    Map<String, Double> values =
        values(poll(EndpointCheck.builder("gone", "http://127.0.0.1:" + port + "/").build()));

    assertThat(values)
        .containsOnly(Map.entry("up", 0.0), Map.entry("check_failure{cause=connect}", 1.0));
  }

  @Test
  void slowAnswerIsDownWithCauseTimeoutAndNoResponseTime() throws Exception {
    server.enqueue(new MockResponse.Builder().code(200).headersDelay(3, TimeUnit.SECONDS).build());

    long start = System.nanoTime();
    Map<String, Double> values =
        values(poll(check("/slow").timeout(Duration.ofMillis(300)).build()));

    assertThat(values)
        .containsOnly(Map.entry("up", 0.0), Map.entry("check_failure{cause=timeout}", 1.0));
    assertThat(System.nanoTime() - start).isLessThan(TimeUnit.MILLISECONDS.toNanos(2500));
  }

  @Test
  void redirectIsNotFollowedAndCountsAsItsStatus() throws Exception {
    server.enqueue(
        new MockResponse.Builder().code(302).setHeader("Location", server.url("/login")).build());

    Map<String, Double> values = values(poll(check("/").bearerToken("tok-123456").build()));

    assertThat(values).containsEntry("up", 0.0).containsEntry("http_status", 302.0);
    assertThat(server.getRequestCount()).isEqualTo(1);
    assertThat(server.takeRequest().getHeaders().get("Authorization"))
        .isEqualTo("Bearer tok-123456");
  }

  @Test
  void expectedRedirectIsUp() throws Exception {
    server.enqueue(
        new MockResponse.Builder().code(301).setHeader("Location", "https://x/").build());

    assertThat(values(poll(check("/").expectStatus(301, 301).build()))).containsEntry("up", 1.0);
  }

  @Test
  void jsonPointerEqualsPassesAndFails() throws Exception {
    server.enqueue(new MockResponse.Builder().body("{\"status\":\"UP\",\"checks\":3}").build());
    server.enqueue(new MockResponse.Builder().body("{\"status\":\"DOWN\",\"checks\":3}").build());
    EndpointCheck upWhenUp = check("/health").bodyJsonEquals("/status", "UP").build();

    assertThat(values(poll(upWhenUp))).containsEntry("up", 1.0);
    assertThat(values(poll(upWhenUp)))
        .containsEntry("up", 0.0)
        .containsEntry("http_status", 200.0)
        .containsEntry("check_failure{cause=body}", 1.0);
  }

  @Test
  void jsonPointerEqualsComparesNumbersNumerically() throws Exception {
    server.enqueue(new MockResponse.Builder().body("{\"checks\":3.0}").build());

    assertThat(values(poll(check("/").bodyJsonEquals("/checks", "3").build())))
        .containsEntry("up", 1.0);
  }

  @Test
  void jsonPointerExistsFailsWhenMissingOrNotJson() throws Exception {
    server.enqueue(new MockResponse.Builder().body("{\"version\":null}").build());
    server.enqueue(new MockResponse.Builder().body("{\"other\":1}").build());
    server.enqueue(new MockResponse.Builder().body("<html>maintenance</html>").build());
    EndpointCheck versioned = check("/").bodyJsonExists("/version").build();

    assertThat(values(poll(versioned))).containsEntry("up", 1.0);
    assertThat(values(poll(versioned))).containsEntry("check_failure{cause=body}", 1.0);
    assertThat(values(poll(versioned))).containsEntry("check_failure{cause=body}", 1.0);
  }

  @Test
  void bodyContainsPassesAndFails() throws Exception {
    server.enqueue(new MockResponse.Builder().body("all systems operational").build());
    server.enqueue(new MockResponse.Builder().body("partial outage").build());
    EndpointCheck operational = check("/status").bodyContains("operational").build();

    assertThat(values(poll(operational))).containsEntry("up", 1.0);
    assertThat(values(poll(operational))).containsEntry("check_failure{cause=body}", 1.0);
  }

  @Test
  void bodyOverTheCapFailsTheCondition() throws Exception {
    server.enqueue(new MockResponse.Builder().body("x".repeat(10_000) + "operational").build());

    Map<String, Double> values =
        values(
            poll(
                EndpointCheckSource.builder()
                    .maxBodyBytes(4096)
                    .check(check("/").bodyContains("operational").build())));

    assertThat(values).containsEntry("check_failure{cause=body}", 1.0);
  }

  static final class Tls {
    final HeldCertificate root =
        new HeldCertificate.Builder().certificateAuthority(0).commonName("Vigil test CA").build();

    HandshakeCertificates server(Instant notAfter) {
      HeldCertificate leaf =
          new HeldCertificate.Builder()
              .addSubjectAlternativeName("localhost")
              .addSubjectAlternativeName("127.0.0.1")
              .validityInterval(
                  notAfter.minus(Duration.ofDays(90)).toEpochMilli(), notAfter.toEpochMilli())
              .signedBy(root)
              .build();
      return new HandshakeCertificates.Builder().heldCertificate(leaf, root.certificate()).build();
    }

    OkHttpClient trustingClient() {
      HandshakeCertificates trust =
          new HandshakeCertificates.Builder().addTrustedCertificate(root.certificate()).build();
      return new OkHttpClient.Builder()
          .sslSocketFactory(trust.sslSocketFactory(), trust.trustManager())
          .build();
    }
  }

  @Test
  void certificateExpiryDaysComeFromTheServersCertificate() throws Exception {
    Tls tls = new Tls();
    server.useHttps(tls.server(clock.instant().plus(Duration.ofDays(30))).sslSocketFactory());
    server.enqueue(new MockResponse.Builder().body("ok").build());

    List<Sample> samples =
        poll(EndpointCheckSource.builder().client(tls.trustingClient()).check(check("/").build()));

    assertThat(values(samples))
        .containsEntry("up", 1.0)
        .containsEntry("tls_cert_expiry_days", 30.0);
  }

  @Test
  void certificateDaysGoDownAsTimePasses() throws Exception {
    Tls tls = new Tls();
    server.useHttps(tls.server(clock.instant().plus(Duration.ofDays(10))).sslSocketFactory());
    server.enqueue(new MockResponse.Builder().body("ok").build());
    clock.advance(Duration.ofHours(36));

    List<Sample> samples =
        poll(EndpointCheckSource.builder().client(tls.trustingClient()).check(check("/").build()));

    assertThat(values(samples)).containsEntry("tls_cert_expiry_days", 8.5);
  }

  @Test
  void untrustedCertificateIsDownWithCauseTls() throws Exception {
    Tls tls = new Tls();
    server.useHttps(tls.server(clock.instant().plus(Duration.ofDays(30))).sslSocketFactory());
    server.enqueue(new MockResponse.Builder().body("ok").build());

    // The JDK's default trust store does not know the test CA: verification is never off.
    Map<String, Double> values = values(poll(check("/").build()));

    assertThat(values)
        .containsOnly(Map.entry("up", 0.0), Map.entry("check_failure{cause=tls}", 1.0));
  }

  @Test
  void checksRunTogetherAndEachGivesItsSamples() throws Exception {
    server.enqueue(new MockResponse.Builder().code(200).build());
    server.enqueue(new MockResponse.Builder().code(200).build());

    List<Sample> samples =
        poll(
            EndpointCheckSource.builder()
                .check(EndpointCheck.builder("a", server.url("/a").toString()).build())
                .check(
                    EndpointCheck.builder("b", server.url("/b").toString())
                        .method(EndpointCheck.Method.HEAD)
                        .build()));

    assertThat(samples.stream().filter(s -> s.metric().equals("up")).map(Sample::resource))
        .containsExactly("a", "b");
  }

  @Test
  void urlLabelHasSecretLookingQueryParametersRedacted() throws Exception {
    server.enqueue(new MockResponse.Builder().code(200).build());

    List<Sample> samples =
        poll(
            EndpointCheck.builder("api", server.url("/health?api_key=k-123456&x=1").toString())
                .build());

    assertThat(samples.get(0).labels().get("url"))
        .isEqualTo(server.url("/health?api_key=REDACTED&x=1").toString());
  }

  @Test
  void builderRefusesWhatCannotWork() {
    assertThatThrownBy(
            () ->
                EndpointCheck.builder("x", "http://h/")
                    .method(EndpointCheck.Method.HEAD)
                    .bodyContains("ok")
                    .build())
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("use GET");
    assertThatThrownBy(() -> EndpointCheck.builder("x", "http://u:pw@h/"))
        .hasMessageContaining("basicAuth")
        .satisfies(e -> assertThat(e.getMessage()).doesNotContain("pw"));
    assertThatThrownBy(() -> EndpointCheck.builder("x", "http://h/").expectStatus(300, 200))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> EndpointCheckSource.builder().build())
        .hasMessageContaining("no check");
    EndpointCheck x = EndpointCheck.builder("x", "http://h/").build();
    assertThatThrownBy(() -> EndpointCheckSource.builder().check(x).check(x))
        .hasMessage("check already added: x");
    assertThat(
            EndpointCheck.builder("x", "http://h/").basicAuth("u", "hunter22").build().toString())
        .doesNotContain("hunter22");
  }
}
