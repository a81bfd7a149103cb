package dev.vigil.spring.boot;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.vigil.ResourceMonitor;
import dev.vigil.Silence;
import dev.vigil.testing.RecordingSink;
import dev.vigil.testing.ScriptedSource;
import dev.vigil.testing.VirtualTime;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.boot.actuate.endpoint.InvalidEndpointRequestException;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

class VigilEndpointTest {
  @Configuration(proxyBeanMethods = false)
  static class Beans {
    @Bean
    ScriptedSource cloud() {
      return ScriptedSource.of("cpu_usage", "vm-1", "90 90 90");
    }

    @Bean
    RecordingSink ops() {
      return RecordingSink.create();
    }
  }

  private static final String[] RULE = {
    "vigil.rules.HighCpu.metric=cpu_usage",
    "vigil.rules.HighCpu.above=80",
    "vigil.rules.HighCpu.for=1m",
    "management.endpoints.web.exposure.include=vigil"
  };

  @Test
  void readListsActiveAlertsTransitionsAndSilences() {
    TestApps.runner()
        .withUserConfiguration(TestApps.Time.class, Beans.class)
        .withPropertyValues(RULE)
        .withPropertyValues(
            "vigil.silences[0].matchers=resource=\"vm-9\"",
            "vigil.silences[0].duration=2h",
            "vigil.silences[0].comment=planned maintenance",
            "vigil.silences[0].created-by=ops")
        .run(
            context -> {
              ResourceMonitor monitor = context.getBean(ResourceMonitor.class);
              VirtualTime time = context.getBean(VirtualTime.class);
              monitor.pollNow(); // pending
              time.advance(Duration.ofMinutes(1));
              monitor.pollNow(); // firing
              Map<String, Object> read = context.getBean(VigilEndpoint.class).vigil();
              List<?> alerts = (List<?>) read.get("activeAlerts");
              assertThat(alerts).hasSize(1);
              Map<?, ?> alert = (Map<?, ?>) alerts.get(0);
              assertThat(alert.get("rule")).isEqualTo("HighCpu");
              assertThat(alert.get("state")).isEqualTo("FIRING");
              List<?> transitions = (List<?>) read.get("transitions");
              assertThat(transitions).hasSizeGreaterThanOrEqualTo(2);
              // newest first
              assertThat(((Map<?, ?>) transitions.get(0)).get("to")).isEqualTo("FIRING");
              List<?> silences = (List<?>) read.get("silences");
              assertThat(silences).hasSize(1);
              assertThat(((Map<?, ?>) silences.get(0)).get("createdBy")).isEqualTo("ops");
              assertThat(((Map<?, ?>) silences.get(0)).get("matchers"))
                  .isEqualTo(List.of("resource=\"vm-9\""));
            });
  }

  @Test
  void writeCreatesASilenceAndDeleteExpiresIt() {
    TestApps.runner()
        .withUserConfiguration(TestApps.Time.class, Beans.class)
        .withPropertyValues(RULE)
        .run(
            context -> {
              VigilEndpoint endpoint = context.getBean(VigilEndpoint.class);
              ResourceMonitor monitor = context.getBean(ResourceMonitor.class);
              VirtualTime time = context.getBean(VirtualTime.class);
              Map<String, Object> created =
                  endpoint.createSilence("resource=\"vm-1\"", "2h", null, "patching vm-1", "alice");
              String id = (String) created.get("id");
              assertThat(monitor.silences()).extracting(Silence::id).containsExactly(id);
              Silence s = monitor.silences().get(0);
              assertThat(s.createdBy()).isEqualTo("alice");
              assertThat(s.endsAt()).isEqualTo(time.now().plus(Duration.ofHours(2)));

              Map<String, Object> untilEnd =
                  endpoint.createSilence(
                      "{alertname=\"HighCpu\", severity=~\"warning|critical\"}",
                      null,
                      time.now().plus(Duration.ofMinutes(30)).toString(),
                      "until the fix",
                      null);
              assertThat(monitor.silences()).hasSize(2);
              assertThat(untilEnd).doesNotContainKey("createdBy");

              // the silence mutes the firing notification
              monitor.pollNow();
              time.advance(Duration.ofMinutes(1));
              monitor.pollNow();
              assertThat(monitor.flush(Duration.ofSeconds(10))).isTrue();
              assertThat(context.getBean(RecordingSink.class).firing()).isEmpty();

              assertThat(endpoint.expireSilence(id)).containsEntry("expired", true);
              assertThat(monitor.silences()).extracting(Silence::id).doesNotContain(id);
              assertThat(endpoint.expireSilence(id)).containsEntry("expired", false);
            });
  }

  @Test
  void invalidWritesAreBadRequests() {
    TestApps.runner()
        .withUserConfiguration(TestApps.Time.class, Beans.class)
        .withPropertyValues(RULE)
        .run(
            context -> {
              VigilEndpoint endpoint = context.getBean(VigilEndpoint.class);
              assertThatThrownBy(
                      () -> endpoint.createSilence("resource=~\"(\"", "1h", null, "x", null))
                  .isInstanceOf(InvalidEndpointRequestException.class)
                  .hasMessageContaining("matchers");
              assertThatThrownBy(
                      () -> endpoint.createSilence("resource=\"a\"", null, null, "x", null))
                  .isInstanceOf(InvalidEndpointRequestException.class)
                  .hasMessageContaining("duration");
              assertThatThrownBy(
                      () -> endpoint.createSilence("resource=\"a\"", null, "tomorrow", "x", null))
                  .isInstanceOf(InvalidEndpointRequestException.class)
                  .hasMessageContaining("ISO-8601");
              assertThatThrownBy(
                      () -> endpoint.createSilence("resource=\"a\"", "1h", null, " ", null))
                  .isInstanceOf(InvalidEndpointRequestException.class)
                  .hasMessageContaining("comment");
              assertThatThrownBy(
                      () ->
                          endpoint.createSilence(
                              "resource=\"a\"", "1000000000000d", null, "x", null))
                  .as("a bad request, not a server error")
                  .isInstanceOf(InvalidEndpointRequestException.class)
                  .hasMessageContaining("beyond");
            });
  }

  @Test
  void matchersSplitAtCommasOutsideQuotes() {
    assertThat(VigilEndpoint.split("{a=\"x,y\", b=~\"p\\\"q,\" , c!=d}"))
        .containsExactly("a=\"x,y\"", "b=~\"p\\\"q,\"", "c!=d");
    assertThat(VigilEndpoint.split("resource=\"vm-1\"")).containsExactly("resource=\"vm-1\"");
    assertThat(VigilEndpoint.split(" {} ")).isEmpty();
  }

  @Test
  void notCreatedUnlessExposed() {
    TestApps.runner()
        .withUserConfiguration(TestApps.Time.class, Beans.class)
        .run(context -> assertThat(context).doesNotHaveBean(VigilEndpoint.class));
  }
}
