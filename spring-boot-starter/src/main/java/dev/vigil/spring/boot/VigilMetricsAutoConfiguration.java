package dev.vigil.spring.boot;

import dev.vigil.ResourceMonitor;
import dev.vigil.micrometer.VigilMetrics;
import io.micrometer.core.instrument.MeterRegistry;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.SmartInitializingSingleton;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;

/**
 * Binds {@link VigilMetrics} (the monitor's own polls, failures, deliveries, queue depth and active
 * alerts) to the application's {@link MeterRegistry} when vigil-micrometer and Micrometer are on
 * the classpath and a registry bean exists; {@code vigil.metrics.enabled=false} turns it off.
 *
 * <p>{@code VigilMetrics} is a {@code MeterBinder} bean: Spring Boot's metrics auto-configuration
 * binds it to its registry. Without that auto-configuration (a registry bean of the application's
 * own), this binds it to the one registry bean itself.
 */
@AutoConfiguration(
    after = VigilAutoConfiguration.class,
    afterName = {
      "org.springframework.boot.micrometer.metrics.autoconfigure.MetricsAutoConfiguration",
      "org.springframework.boot.micrometer.metrics.autoconfigure.CompositeMeterRegistryAutoConfiguration",
      "org.springframework.boot.micrometer.metrics.autoconfigure.export.simple.SimpleMetricsExportAutoConfiguration"
    })
@ConditionalOnClass({MeterRegistry.class, VigilMetrics.class})
@ConditionalOnBean({ResourceMonitor.class, MeterRegistry.class})
@ConditionalOnBooleanProperty(name = "vigil.metrics.enabled", matchIfMissing = true)
public class VigilMetricsAutoConfiguration {
  static final String BOOT_BINDER =
      "org.springframework.boot.micrometer.metrics.autoconfigure.MeterRegistryPostProcessor";

  /** Created by Spring. */
  public VigilMetricsAutoConfiguration() {}

  /** The monitor's meters. */
  @Bean
  @ConditionalOnMissingBean
  VigilMetrics vigilMetrics(ResourceMonitor monitor) {
    return new VigilMetrics(monitor);
  }

  /** Binds the meters where Spring Boot's metrics auto-configuration does not. */
  @Bean
  @ConditionalOnMissingBean(type = BOOT_BINDER)
  SmartInitializingSingleton vigilMetricsBinder(
      VigilMetrics metrics, ObjectProvider<MeterRegistry> registry) {
    return () -> {
      MeterRegistry r = registry.getIfUnique();
      if (r != null) metrics.bindTo(r);
    };
  }
}
