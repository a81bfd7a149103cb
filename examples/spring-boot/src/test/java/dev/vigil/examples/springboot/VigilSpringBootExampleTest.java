package dev.vigil.examples.springboot;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.jayway.jsonpath.JsonPath;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeMessage;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import okhttp3.MediaType;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.annotation.Bean;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * The example application as it ships, configured by its {@code application.yml}, against a fake
 * cloud API (MockWebServer) and a real SMTP server (GreenMail), both on 127.0.0.1. Only the
 * environment differs: the API's URL and token, the SMTP server, and a 200 ms poll interval instead
 * of a minute.
 */
@SpringBootTest(
    webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
    properties = {
      "vigil.sources.cloud.interval=200ms",
      // The endpoint is read-only unless the application opens its writes (behind its security).
      "management.endpoint.vigil.access=unrestricted",
      // GreenMail speaks plain SMTP; the application asks for STARTTLS by default.
      "SMTP_STARTTLS=false"
    })
@DirtiesContext(classMode = DirtiesContext.ClassMode.AFTER_CLASS)
class VigilSpringBootExampleTest {
  private static final String TOKEN = "example-token-3f9a";
  private static final Duration DEADLINE = Duration.ofSeconds(30);
  private static final FakeCloud CLOUD =
      new FakeCloud(TOKEN, List.of("vm-000001", "vm-000002", "vm-000003"), 20.0);
  private static final Mailbox MAIL = new Mailbox();
  private static final MediaType JSON = MediaType.get("application/json");
  private static final OkHttpClient HTTP = new OkHttpClient();

  @DynamicPropertySource
  static void servers(DynamicPropertyRegistry registry) {
    try {
      CLOUD.start();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    MAIL.start();
    registry.add("CLOUD_API_URL", CLOUD::baseUrl);
    registry.add("CLOUD_API_TOKEN", () -> TOKEN);
    registry.add("SMTP_HOST", () -> "127.0.0.1");
    registry.add("SMTP_PORT", MAIL::port);
  }

  /** Closes the servers with the context, after the monitor has stopped. */
  @TestConfiguration(proxyBeanMethods = false)
  static class Servers {
    @Bean
    FakeCloud fakeCloud() {
      return CLOUD;
    }

    @Bean
    Mailbox mailbox() {
      return MAIL;
    }
  }

  @LocalServerPort int port;

  @Test
  void emailsFiringWhenCpuGoesAbove80AndResolvedWhenItFallsBack() throws Exception {
    CLOUD.cpu("vm-000001", 95.0);

    MimeMessage firing = MAIL.await(s -> s.contains("FIRING") && s.contains("vm-000001"), DEADLINE);
    assertThat(firing.getSubject()).contains("HighCpu").contains("CPU usage on vm-000001 is 95");
    assertThat(firing.getFrom()).containsExactly(new InternetAddress("vigil@example.com"));
    assertThat(firing.getAllRecipients())
        .containsExactly(new InternetAddress("oncall@example.com"));
    // Still above 80: the endpoint lists the firing alert.
    String vigil = get("/actuator/vigil");
    List<String> states =
        JsonPath.read(vigil, "$.activeAlerts[?(@.resource == 'vm-000001')].state");
    assertThat(states).containsExactly("FIRING");
    List<String> rules = JsonPath.read(vigil, "$.activeAlerts[?(@.resource == 'vm-000001')].rule");
    assertThat(rules).containsExactly("HighCpu");
    List<String> to = JsonPath.read(vigil, "$.transitions[?(@.resource == 'vm-000001')].to");
    assertThat(to).contains("FIRING");
    assertThat(vigil).doesNotContain(TOKEN);

    CLOUD.cpu("vm-000001", 20.0);

    MimeMessage resolved =
        MAIL.await(s -> s.contains("RESOLVED") && s.contains("vm-000001"), DEADLINE);
    assertThat(resolved.getSubject()).contains("HighCpu");
    await()
        .atMost(DEADLINE)
        .untilAsserted(
            () ->
                assertThat(
                        JsonPath.<List<Object>>read(
                            get("/actuator/vigil"), "$.activeAlerts[?(@.resource == 'vm-000001')]"))
                    .isEmpty());
  }

  @Test
  void pollsTheCloudWithTheBearerTokenFromTheEnvironment() {
    await().atMost(DEADLINE).until(() -> CLOUD.metricsRequests() >= 3);
    assertThat(CLOUD.authorizations()).isNotEmpty().containsOnly("Bearer " + TOKEN);
    assertThat(CLOUD.unauthorizedRequests()).isZero();
  }

  @Test
  void healthShowsTheVigilComponent() {
    await()
        .atMost(DEADLINE)
        .untilAsserted(
            () -> {
              String health = get("/actuator/health");
              assertThat(JsonPath.<String>read(health, "$.components.vigil.status"))
                  .isEqualTo("UP");
              assertThat(JsonPath.<String>read(health, "$.status")).isEqualTo("UP");
              assertThat(health).doesNotContain(TOKEN);
            });
  }

  @Test
  void silenceCreatedThroughTheEndpointMutesTheNextFiring() throws Exception {
    // An actuator write operation reads a JSON object of strings: the matchers are one string,
    // comma separated (Spring Boot's web endpoints bind the body as a Map<String, String>).
    String created =
        post(
            "/actuator/vigil",
            "{\"matchers\":\"alertname=\\\"HighCpu\\\", resource=\\\"vm-000002\\\"\","
                + "\"duration\":\"1h\","
                + "\"comment\":\"maintenance of vm-000002\",\"createdBy\":\"test\"}");
    String id = JsonPath.read(created, "$.id");
    assertThat(JsonPath.<List<String>>read(created, "$.matchers")).hasSize(2);
    String listed = get("/actuator/vigil");
    List<Map<String, Object>> silences =
        JsonPath.read(listed, "$.silences[?(@.id == '" + id + "')]");
    assertThat(silences)
        .singleElement()
        .satisfies(s -> assertThat(s).containsEntry("comment", "maintenance of vm-000002"));

    // vm-000002 is silenced, vm-000003 is not: both go above 80 in the same poll.
    CLOUD.cpu("vm-000002", 96.0);
    CLOUD.cpu("vm-000003", 97.0);
    MAIL.await(s -> s.contains("FIRING") && s.contains("vm-000003"), DEADLINE);
    // The silence mutes the notifications, not the evaluation: the alert is active.
    await()
        .atMost(DEADLINE)
        .untilAsserted(
            () ->
                assertThat(
                        JsonPath.<List<String>>read(
                            get("/actuator/vigil"),
                            "$.activeAlerts[?(@.resource == 'vm-000002')].state"))
                    .containsExactly("FIRING"));
    CLOUD.cpu("vm-000002", 20.0);
    CLOUD.cpu("vm-000003", 20.0);
    // The sink delivers in order: once vm-000003's RESOLVED email is in, a FIRING email of
    // vm-000002, queued before it, would be in too.
    MAIL.await(s -> s.contains("RESOLVED") && s.contains("vm-000003"), DEADLINE);
    assertThat(MAIL.subjects()).noneMatch(s -> s.contains("vm-000002"));

    String expired = delete("/actuator/vigil/" + id);
    assertThat(JsonPath.<Boolean>read(expired, "$.expired")).isTrue();
    assertThat(
            JsonPath.<List<Object>>read(
                get("/actuator/vigil"), "$.silences[?(@.id == '" + id + "')]"))
        .isEmpty();
  }

  private String get(String path) throws IOException {
    return call(new Request.Builder().url(url(path)).build());
  }

  private String post(String path, String json) throws IOException {
    return call(new Request.Builder().url(url(path)).post(RequestBody.create(json, JSON)).build());
  }

  private String delete(String path) throws IOException {
    return call(new Request.Builder().url(url(path)).delete().build());
  }

  private String url(String path) {
    return "http://127.0.0.1:" + port + path;
  }

  private String call(Request request) throws IOException {
    try (Response response = HTTP.newCall(request).execute()) {
      String body = response.body().string();
      assertThat(response.code())
          .as("%s %s: %s", request.method(), request.url(), body)
          .isEqualTo(200);
      return body;
    }
  }
}
