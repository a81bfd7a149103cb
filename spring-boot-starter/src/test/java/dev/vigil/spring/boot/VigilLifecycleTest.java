package dev.vigil.spring.boot;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.vigil.ResourceMonitor;
import dev.vigil.testing.Await;
import dev.vigil.testing.RecordingSink;
import dev.vigil.testing.ScriptedSource;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.springframework.context.SmartLifecycle;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

class VigilLifecycleTest {
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

  @Test
  void refreshDoesNotStartPolling() {
    TestApps.runner()
        .withUserConfiguration(TestApps.Time.class, Beans.class)
        .run(
            context -> {
              VigilLifecycle lifecycle = context.getBean(VigilLifecycle.class);
              assertThat(lifecycle.isRunning()).isTrue();
              assertThat(lifecycle.isPolling()).isFalse();
              assertThat(context.getBean(ScriptedSource.class).position()).isZero();
              // not started by the refresh: starting it by hand still works
              assertThatCode(context.getBean(ResourceMonitor.class)::start)
                  .doesNotThrowAnyException();
            });
  }

  @Test
  void applicationReadyStartsPolling() {
    TestApps.runner()
        .withUserConfiguration(TestApps.Time.class, Beans.class)
        .run(
            context -> {
              TestApps.ready(context);
              assertThat(context.getBean(VigilLifecycle.class).isPolling()).isTrue();
              ScriptedSource cloud = context.getBean(ScriptedSource.class);
              // the first poll is due at start, on the virtual ticker's time 0
              Await.until("the first poll", () -> cloud.position() >= 1);
              assertThatThrownBy(context.getBean(ResourceMonitor.class)::start)
                  .isInstanceOf(IllegalStateException.class)
                  .hasMessageContaining("STARTED");
              // a second ready event (a child context's) starts nothing twice
              TestApps.ready(context);
            });
  }

  @Test
  void theSourcesInitialDelayFromPropertiesDelaysItsFirstPoll() {
    TestApps.runner()
        .withUserConfiguration(TestApps.Time.class, Beans.class)
        .withPropertyValues(
            "vigil.rules.HighCpu.metric=cpu_usage",
            "vigil.rules.HighCpu.above=80",
            "vigil.sources.cloud.initial-delay=5m")
        .run(
            context -> {
              dev.vigil.testing.VirtualTime time =
                  context.getBean(dev.vigil.testing.VirtualTime.class);
              java.time.Instant start = time.now();
              TestApps.ready(context);
              time.advance(java.time.Duration.ofMinutes(5));
              RecordingSink ops = context.getBean(RecordingSink.class);
              Await.until("the firing notification", () -> !ops.firing().isEmpty());
              // fired by the first poll, due 5 minutes after the start, not at it
              assertThat(ops.firing().get(0).startsAt()).isEqualTo(start.plusSeconds(300));
            });
  }

  @Test
  void contextCloseClosesTheMonitorAndItsSinks() {
    RecordingSink[] sink = new RecordingSink[1];
    ResourceMonitor[] monitor = new ResourceMonitor[1];
    TestApps.runner()
        .withUserConfiguration(TestApps.Time.class, Beans.class)
        .run(
            context -> {
              TestApps.ready(context);
              sink[0] = context.getBean(RecordingSink.class);
              monitor[0] = context.getBean(ResourceMonitor.class);
              assertThat(sink[0].isClosed()).isFalse();
            });
    assertThat(sink[0].isClosed()).isTrue();
    assertThatThrownBy(monitor[0]::pollNow).hasMessageContaining("CLOSED");
  }

  @Test
  void closedWithoutEverBeingReady() {
    ResourceMonitor[] monitor = new ResourceMonitor[1];
    TestApps.runner()
        .withUserConfiguration(TestApps.Time.class, Beans.class)
        .run(context -> monitor[0] = context.getBean(ResourceMonitor.class));
    assertThatThrownBy(monitor[0]::pollNow).hasMessageContaining("CLOSED");
  }

  @Test
  void stopsWithinTheShutdownPhaseAfterTheWebServer() {
    TestApps.runner()
        .withUserConfiguration(TestApps.Time.class, Beans.class)
        .withPropertyValues("vigil.shutdown-timeout=2s")
        .run(
            context -> {
              VigilLifecycle lifecycle = context.getBean(VigilLifecycle.class);
              assertThat(lifecycle.getPhase()).isLessThan(SmartLifecycle.DEFAULT_PHASE - 1024);
              TestApps.ready(context);
              boolean[] called = new boolean[1];
              long started = System.nanoTime();
              lifecycle.stop(() -> called[0] = true);
              assertThat(called[0]).isTrue();
              assertThat(Duration.ofNanos(System.nanoTime() - started))
                  .isLessThan(Duration.ofSeconds(3));
              assertThat(lifecycle.isRunning()).isFalse();
              assertThat(lifecycle.isClosed()).isTrue();
              // a closed monitor does not start again
              lifecycle.start();
              TestApps.ready(context);
              assertThat(lifecycle.isPolling()).isFalse();
            });
  }
}
