package dev.vigil.spring.boot;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vigil.ResourceMonitor;
import dev.vigil.micrometer.VigilMetrics;
import dev.vigil.testing.RecordingSink;
import dev.vigil.testing.ScriptedSource;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.micrometer.metrics.autoconfigure.CompositeMeterRegistryAutoConfiguration;
import org.springframework.boot.micrometer.metrics.autoconfigure.MetricsAutoConfiguration;
import org.springframework.boot.micrometer.metrics.autoconfigure.export.simple.SimpleMetricsExportAutoConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

class VigilMetricsTest {
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
  }

  @Configuration(proxyBeanMethods = false)
  static class Registry {
    @Bean
    SimpleMeterRegistry registry() {
      return new SimpleMeterRegistry();
    }
  }

  private static void hasVigilMeters(MeterRegistry registry, ResourceMonitor monitor) {
    monitor.pollNow();
    assertThat(registry.find("vigil.sink.deliveries").tag("sink", "ops").meters()).isNotEmpty();
    assertThat(registry.getMeters())
        .anyMatch(
            m ->
                m.getId().getName().startsWith("vigil.")
                    && "cloud".equals(m.getId().getTag("source")));
  }

  @Test
  void bindsToTheApplicationsRegistryBean() {
    TestApps.runner()
        .withUserConfiguration(TestApps.Time.class, Beans.class, Registry.class)
        .run(
            context -> {
              assertThat(context).hasSingleBean(VigilMetrics.class);
              hasVigilMeters(
                  context.getBean(MeterRegistry.class), context.getBean(ResourceMonitor.class));
            });
  }

  @Test
  void springBootsMetricsAutoConfigurationBindsIt() {
    TestApps.runner()
        .withConfiguration(
            AutoConfigurations.of(
                MetricsAutoConfiguration.class,
                CompositeMeterRegistryAutoConfiguration.class,
                SimpleMetricsExportAutoConfiguration.class))
        .withUserConfiguration(TestApps.Time.class, Beans.class)
        .run(
            context -> {
              assertThat(context).hasSingleBean(VigilMetrics.class);
              assertThat(context).doesNotHaveBean("vigilMetricsBinder");
              hasVigilMeters(
                  context.getBean(MeterRegistry.class), context.getBean(ResourceMonitor.class));
            });
  }

  @Test
  void vigilMetricsEnabledFalseTurnsItOff() {
    TestApps.runner()
        .withUserConfiguration(TestApps.Time.class, Beans.class, Registry.class)
        .withPropertyValues("vigil.metrics.enabled=false")
        .run(context -> assertThat(context).doesNotHaveBean(VigilMetrics.class));
  }

  @Test
  void noRegistryNoMeters() {
    TestApps.runner()
        .withUserConfiguration(TestApps.Time.class, Beans.class)
        .run(context -> assertThat(context).doesNotHaveBean(VigilMetrics.class));
  }
}
