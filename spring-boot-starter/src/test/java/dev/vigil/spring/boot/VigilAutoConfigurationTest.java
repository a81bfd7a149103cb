package dev.vigil.spring.boot;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vigil.AlertNotification;
import dev.vigil.AlertRule;
import dev.vigil.MonitorListener;
import dev.vigil.ResourceMonitor;
import dev.vigil.testing.RecordingSink;
import dev.vigil.testing.ScriptedSource;
import dev.vigil.testing.VirtualTime;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

class VigilAutoConfigurationTest {
  @Test
  void monitorAndLifecycleAreBuiltFromProperties() {
    TestApps.runner()
        .withPropertyValues(TestApps.MINIMAL)
        .withPropertyValues(
            "vigil.rules.LowDisk.metric=disk_free_bytes", "vigil.rules.LowDisk.below=1")
        .run(
            context -> {
              assertThat(context).hasSingleBean(ResourceMonitor.class);
              assertThat(context).hasSingleBean(VigilLifecycle.class);
              ResourceMonitor monitor = context.getBean(ResourceMonitor.class);
              assertThat(monitor.stats().sources()).containsOnlyKeys("local");
              assertThat(monitor.stats().sinks()).containsOnlyKeys("log");
            });
  }

  @Test
  void vigilEnabledFalseConfiguresNothing() {
    TestApps.runner()
        .withPropertyValues(TestApps.MINIMAL)
        .withPropertyValues("vigil.enabled=false")
        .run(context -> assertThat(context).doesNotHaveBean(ResourceMonitor.class));
  }

  @Test
  void disabledSourcesAndSinksAreLeftOut() {
    TestApps.runner()
        .withPropertyValues(TestApps.MINIMAL)
        .withPropertyValues(
            "vigil.sources.other.type=host",
            "vigil.sources.other.enabled=false",
            "vigil.sinks.quiet.type=log",
            "vigil.sinks.quiet.enabled=false")
        .run(
            context -> {
              ResourceMonitor monitor = context.getBean(ResourceMonitor.class);
              assertThat(monitor.stats().sources()).containsOnlyKeys("local");
              assertThat(monitor.stats().sinks()).containsOnlyKeys("log");
            });
  }

  @Configuration(proxyBeanMethods = false)
  static class OwnMonitor {
    @Bean
    ResourceMonitor myMonitor() {
      return ResourceMonitor.builder()
          .source(
              "mine",
              dev.vigil.Schedule.every(Duration.ofMinutes(1)),
              ScriptedSource.of("x", "r", "1"))
          .withoutSinks()
          .build();
    }
  }

  @Test
  void applicationsResourceMonitorReplacesTheAutoConfiguredOne() {
    TestApps.runner()
        .withUserConfiguration(OwnMonitor.class)
        .run(
            context -> {
              assertThat(context).hasSingleBean(ResourceMonitor.class);
              assertThat(context.getBean(ResourceMonitor.class).stats().sources())
                  .containsOnlyKeys("mine");
              assertThat(context).hasSingleBean(VigilLifecycle.class);
            });
  }

  @Configuration(proxyBeanMethods = false)
  static class OwnLifecycle {
    @Bean
    VigilLifecycle myLifecycle(ResourceMonitor monitor) {
      return new VigilLifecycle(monitor);
    }
  }

  @Test
  void applicationsLifecycleReplacesTheAutoConfiguredOne() {
    TestApps.runner()
        .withPropertyValues(TestApps.MINIMAL)
        .withUserConfiguration(OwnLifecycle.class)
        .run(
            context -> {
              assertThat(context).hasSingleBean(VigilLifecycle.class);
              assertThat(context).hasBean("myLifecycle");
            });
  }

  /** Beans of every SPI, named by bean name, with virtual time. */
  @Configuration(proxyBeanMethods = false)
  static class Beans {
    @Bean
    ScriptedSource cloud() {
      return ScriptedSource.of("cpu_usage", "vm-1", "90 90");
    }

    @Bean
    RecordingSink ops() {
      return RecordingSink.create();
    }

    @Bean
    AlertRule highCpu() {
      return AlertRule.builder("HighCpu").metric("cpu_usage").above(80).build();
    }

    @Bean
    Heard heard() {
      return new Heard();
    }
  }

  static final class Heard implements MonitorListener {
    final List<AlertNotification> notifications = new CopyOnWriteArrayList<>();

    @Override
    public void onNotification(AlertNotification notification) {
      notifications.add(notification);
    }
  }

  @Test
  void sourceSinkRuleAndListenerBeansArePickedUpByBeanName() {
    TestApps.runner()
        .withUserConfiguration(TestApps.Time.class, Beans.class)
        .withPropertyValues("vigil.sources.cloud.interval=30s")
        .run(
            context -> {
              ResourceMonitor monitor = context.getBean(ResourceMonitor.class);
              assertThat(monitor.stats().sources()).containsOnlyKeys("cloud");
              assertThat(monitor.stats().sinks()).containsOnlyKeys("ops");
              monitor.pollNow();
              assertThat(monitor.flush(Duration.ofSeconds(10))).isTrue();
              RecordingSink ops = context.getBean(RecordingSink.class);
              assertThat(ops.firing()).hasSize(1);
              assertThat(ops.firing().get(0).rule()).isEqualTo("HighCpu");
              assertThat(context.getBean(Heard.class).notifications).hasSize(1);
              // the Clock bean is the monitor's wall clock
              assertThat(ops.firing().get(0).startsAt())
                  .isEqualTo(context.getBean(VirtualTime.class).now());
            });
  }

  @Test
  void propertyRulesMapTheDsl() {
    TestApps.runner()
        .withUserConfiguration(TestApps.Time.class, Beans.class)
        .withPropertyValues(
            "vigil.rules.HotCpu.metric=cpu_usage",
            "vigil.rules.HotCpu.aggregate=avg",
            "vigil.rules.HotCpu.window-samples=2",
            "vigil.rules.HotCpu.above=85",
            "vigil.rules.HotCpu.critical-above=95",
            "vigil.rules.HotCpu.clear-below=70",
            "vigil.rules.HotCpu.datapoints-to-alarm=1",
            "vigil.rules.HotCpu.evaluation-periods=2",
            "vigil.rules.HotCpu.missing-data=not-breaching",
            "vigil.rules.HotCpu.severity=warning",
            "vigil.rules.HotCpu.summary=CPU of {resource} is {value}",
            "vigil.rules.HotCpu.labels.team=infra",
            "vigil.rules.Both.condition.all-of[0].metric=cpu_usage",
            "vigil.rules.Both.condition.all-of[0].above=50",
            "vigil.rules.Both.condition.all-of[1].metric=cpu_usage",
            "vigil.rules.Both.condition.all-of[1].below=99",
            "vigil.rules.Both.for=0s")
        .run(
            context -> {
              ResourceMonitor monitor = context.getBean(ResourceMonitor.class);
              monitor.pollNow();
              context.getBean(VirtualTime.class).advance(Duration.ofSeconds(30));
              monitor.pollNow(); // the average of two samples
              assertThat(monitor.flush(Duration.ofSeconds(10))).isTrue();
              RecordingSink ops = context.getBean(RecordingSink.class);
              assertThat(ops.forRule("HotCpu")).hasSize(1);
              AlertNotification n = ops.forRule("HotCpu").get(0);
              assertThat(n.summary()).isEqualTo("CPU of vm-1 is 90");
              assertThat(n.labels()).containsEntry("team", "infra");
              assertThat(ops.forRule("Both")).hasSize(1);
            });
  }

  @Test
  void fileStateDirectoryOpensAFileStateStore(@TempDir Path dir) {
    TestApps.runner()
        .withPropertyValues(TestApps.MINIMAL)
        .withPropertyValues("vigil.state.directory=" + dir)
        .run(
            context -> {
              assertThat(context).hasNotFailed();
              assertThat(dir.resolve("state.lock")).exists();
            });
  }

  @Configuration(proxyBeanMethods = false)
  static class OwnActuatorBeans {
    @Bean
    VigilEndpoint myEndpoint(ResourceMonitor monitor) {
      return new VigilEndpoint(monitor, java.time.Clock.systemUTC());
    }

    @Bean
    VigilHealthIndicator vigilHealthIndicator(ResourceMonitor monitor) {
      return new VigilHealthIndicator(monitor, null);
    }

    @Bean
    dev.vigil.micrometer.VigilMetrics myMetrics(ResourceMonitor monitor) {
      return new dev.vigil.micrometer.VigilMetrics(monitor);
    }

    @Bean
    io.micrometer.core.instrument.simple.SimpleMeterRegistry registry() {
      return new io.micrometer.core.instrument.simple.SimpleMeterRegistry();
    }
  }

  @Test
  void applicationsEndpointHealthAndMetricsBeansReplaceTheAutoConfiguredOnes() {
    TestApps.runner()
        .withPropertyValues(TestApps.MINIMAL)
        .withPropertyValues("management.endpoints.web.exposure.include=vigil")
        .withUserConfiguration(OwnActuatorBeans.class)
        .run(
            context -> {
              assertThat(context).hasSingleBean(VigilEndpoint.class).hasBean("myEndpoint");
              assertThat(context).hasSingleBean(VigilHealthIndicator.class);
              // the application's indicator has no lifecycle: it never says OUT_OF_SERVICE
              assertThat(context.getBean(VigilHealthIndicator.class).health().getStatus())
                  .isNotEqualTo(org.springframework.boot.health.contributor.Status.OUT_OF_SERVICE);
              assertThat(context)
                  .hasSingleBean(dev.vigil.micrometer.VigilMetrics.class)
                  .hasBean("myMetrics");
            });
  }

  @Test
  void applicationsStateStoreReplacesVigilState(@TempDir Path dir) {
    TestApps.runner()
        .withPropertyValues(TestApps.MINIMAL)
        .withPropertyValues("vigil.state.directory=" + dir.resolve("unused"))
        .withBean(
            "myStore",
            dev.vigil.state.StateStore.class,
            () -> {
              try {
                return dev.vigil.state.FileStateStore.open(dir.resolve("mine"));
              } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
              }
            })
        .run(
            context -> {
              assertThat(context).hasNotFailed();
              assertThat(context).doesNotHaveBean(VigilStateStores.class);
              assertThat(dir.resolve("mine").resolve("state.lock")).exists();
              assertThat(dir.resolve("unused")).doesNotExist();
            });
  }
}
