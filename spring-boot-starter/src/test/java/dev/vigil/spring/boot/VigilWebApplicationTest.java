package dev.vigil.spring.boot;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vigil.ResourceMonitor;
import dev.vigil.testing.Await;
import dev.vigil.testing.RecordingSink;
import dev.vigil.testing.ScriptedSource;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;

/**
 * A real Spring Boot web application on 127.0.0.1: the lifecycle under SpringApplication, health
 * and the endpoint over HTTP.
 */
class VigilWebApplicationTest {
  @SpringBootConfiguration
  @EnableAutoConfiguration
  static class App {
    @Bean
    ScriptedSource cloud() {
      return ScriptedSource.of("cpu_usage", "vm-1", "95 95 95 95 95");
    }

    @Bean
    RecordingSink ops() {
      return RecordingSink.create();
    }
  }

  ConfigurableApplicationContext context;
  final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  String base;

  @BeforeEach
  void start() {
    start("management.endpoint.vigil.access=unrestricted");
  }

  private void start(String access) {
    if (context != null) context.close();
    context =
        new SpringApplicationBuilder(App.class)
            .properties(
                access,
                "server.port=0",
                "server.address=127.0.0.1",
                "server.error.include-message=always",
                "management.endpoints.web.exposure.include=health,vigil",
                "management.endpoint.health.show-details=always",
                "vigil.rules.HighCpu.metric=cpu_usage",
                "vigil.rules.HighCpu.above=80")
            .run();
    int port = ((WebServerApplicationContext) context).getWebServer().getPort();
    base = "http://127.0.0.1:" + port;
  }

  @AfterEach
  void stop() {
    if (context != null) context.close();
  }

  private HttpResponse<String> send(HttpRequest.Builder request) throws Exception {
    return http.send(
        request.timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
  }

  /** POSTs {@code json} to the endpoint: the write operation that creates a silence. */
  private HttpResponse<String> post(String json) throws Exception {
    return send(
        HttpRequest.newBuilder(URI.create(base + "/actuator/vigil"))
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(json)));
  }

  @Test
  void pollsOnceReadyAndServesHealthAndTheEndpoint() throws Exception {
    // SpringApplication published ApplicationReadyEvent: the first poll is due at once
    ScriptedSource cloud = context.getBean(ScriptedSource.class);
    Await.until("the first poll", () -> cloud.position() >= 1);
    RecordingSink ops = context.getBean(RecordingSink.class);
    Await.until("the firing notification", () -> !ops.firing().isEmpty());

    HttpResponse<String> health =
        send(HttpRequest.newBuilder(URI.create(base + "/actuator/health")));
    assertThat(health.statusCode()).isEqualTo(200);
    assertThat(health.body()).contains("\"vigil\":{").contains("\"status\":\"UP\"");

    HttpResponse<String> read = send(HttpRequest.newBuilder(URI.create(base + "/actuator/vigil")));
    assertThat(read.statusCode()).isEqualTo(200);
    assertThat(read.body()).contains("\"rule\":\"HighCpu\"").contains("\"state\":\"FIRING\"");

    HttpResponse<String> created =
        post(
            "{\"matchers\":\"resource=\\\"vm-1\\\"\",\"duration\":\"2h\","
                + "\"comment\":\"patching vm-1\",\"createdBy\":\"alice\"}");
    assertThat(created.statusCode()).as(created.body()).isEqualTo(200);
    Matcher id = Pattern.compile("\"id\":\"([^\"]+)\"").matcher(created.body());
    assertThat(id.find()).as(created.body()).isTrue();
    assertThat(context.getBean(ResourceMonitor.class).silences()).hasSize(1);
    assertThat(context.getBean(ResourceMonitor.class).silences().get(0).createdBy())
        .isEqualTo("alice");

    HttpResponse<String> bad =
        post("{\"matchers\":\"resource=~\\\"(\\\"\",\"duration\":\"2h\",\"comment\":\"x\"}");
    assertThat(bad.statusCode()).isEqualTo(400);

    HttpResponse<String> deleted =
        send(HttpRequest.newBuilder(URI.create(base + "/actuator/vigil/" + id.group(1))).DELETE());
    assertThat(deleted.statusCode()).isEqualTo(200);
    assertThat(deleted.body()).contains("\"expired\":true");
    assertThat(context.getBean(ResourceMonitor.class).silences()).isEmpty();

    context.close();
    assertThat(ops.isClosed()).isTrue();
    context = null;
  }

  @Test
  void theEndpointIsReadOnlyUnlessTheApplicationOpensItsWrites() throws Exception {
    start("vigil.enabled=true"); // no management.endpoint.vigil.access
    HttpResponse<String> read = send(HttpRequest.newBuilder(URI.create(base + "/actuator/vigil")));
    assertThat(read.statusCode()).isEqualTo(200);
    HttpResponse<String> created =
        post(
            "{\"matchers\":\"resource=~\\\".+\\\"\",\"duration\":\"100d\","
                + "\"comment\":\"mute everything\"}");
    assertThat(created.statusCode()).as(created.body()).isBetween(400, 499);
    assertThat(context.getBean(ResourceMonitor.class).silences()).isEmpty();
  }
}
