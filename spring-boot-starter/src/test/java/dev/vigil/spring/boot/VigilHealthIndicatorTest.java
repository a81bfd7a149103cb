package dev.vigil.spring.boot;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vigil.ResourceMonitor;
import dev.vigil.testing.RecordingSink;
import dev.vigil.testing.ScriptedSource;
import java.io.IOException;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.Status;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

class VigilHealthIndicatorTest {
  @Configuration(proxyBeanMethods = false)
  static class TwoSources {
    @Bean
    ScriptedSource cloud() {
      return ScriptedSource.builder()
          .series("cpu_usage", "vm-1", "50 50 50")
          .failAt(0, new IOException("cloud API down"))
          .failAt(1, new IOException("cloud API down"))
          .build();
    }

    @Bean
    ScriptedSource db() {
      return ScriptedSource.of("connections", "db-1", "5 5 5");
    }

    @Bean
    RecordingSink ops() {
      return RecordingSink.create();
    }
  }

  @Configuration(proxyBeanMethods = false)
  static class FailingOnly {
    @Bean
    ScriptedSource cloud() {
      return ScriptedSource.builder()
          .series("cpu_usage", "vm-1", "50 50")
          .failAt(0, new IOException("cloud API down"))
          .build();
    }

    @Bean
    RecordingSink ops() {
      return RecordingSink.create();
    }
  }

  @Test
  void outOfServiceUntilTheApplicationIsReady() {
    TestApps.runner()
        .withUserConfiguration(TestApps.Time.class, TwoSources.class)
        .run(
            context -> {
              Health health = context.getBean(VigilHealthIndicator.class).health();
              assertThat(health.getStatus()).isEqualTo(Status.OUT_OF_SERVICE);
              assertThat(health.getDetails().get("reason").toString()).contains("ready");
            });
  }

  @Test
  void upWhileSomeSourcesFailWithEachSourceDetailed() {
    TestApps.runner()
        .withUserConfiguration(TestApps.Time.class, TwoSources.class)
        .run(
            context -> {
              TestApps.ready(context);
              ResourceMonitor monitor = context.getBean(ResourceMonitor.class);
              awaitPolled(context.getBean("cloud", ScriptedSource.class));
              awaitPolled(context.getBean("db", ScriptedSource.class));
              monitor.pollNow(); // after the scheduled first polls: every source polled once more
              Health health = context.getBean(VigilHealthIndicator.class).health();
              assertThat(health.getStatus()).isEqualTo(Status.UP);
              Map<?, ?> sources = (Map<?, ?>) health.getDetails().get("sources");
              assertThat(((Map<?, ?>) sources.get("db")).get("status")).isEqualTo("UP");
              assertThat(((Map<?, ?>) sources.get("cloud")).get("status")).isEqualTo("DOWN");
              assertThat(((Map<?, ?>) health.getDetails().get("sinks")).containsKey("ops"))
                  .isTrue();
            });
  }

  @Test
  void downWhenEverySourceFails() {
    TestApps.runner()
        .withUserConfiguration(TestApps.Time.class, FailingOnly.class)
        .run(
            context -> {
              TestApps.ready(context);
              ScriptedSource cloud = context.getBean(ScriptedSource.class);
              awaitPolled(cloud);
              VigilHealthIndicator indicator = context.getBean(VigilHealthIndicator.class);
              dev.vigil.testing.Await.until(
                  "health DOWN", () -> indicator.health().getStatus().equals(Status.DOWN));
              Map<?, ?> sources = (Map<?, ?>) indicator.health().getDetails().get("sources");
              Map<?, ?> c = (Map<?, ?>) sources.get("cloud");
              assertThat(c.get("status")).isEqualTo("DOWN");
              assertThat(c.get("lastError").toString()).contains("cloud API down");
            });
  }

  @Test
  void managementHealthVigilEnabledFalseTurnsItOff() {
    TestApps.runner()
        .withUserConfiguration(TestApps.Time.class, TwoSources.class)
        .withPropertyValues("management.health.vigil.enabled=false")
        .run(context -> assertThat(context).doesNotHaveBean(VigilHealthIndicator.class));
  }

  private static void awaitPolled(ScriptedSource source) {
    dev.vigil.testing.Await.until("a poll of " + source, () -> source.position() >= 1);
  }
}
