package dev.vigil.spring.boot;

import dev.vigil.ResourceMonitor;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.health.autoconfigure.contributor.ConditionalOnEnabledHealthIndicator;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.context.annotation.Bean;

/**
 * Auto-configures {@link VigilHealthIndicator} as the {@code vigil} health contributor when Spring
 * Boot's health support is on the classpath; {@code management.health.vigil.enabled=false} turns it
 * off.
 */
@AutoConfiguration(after = VigilAutoConfiguration.class)
@ConditionalOnClass(HealthIndicator.class)
@ConditionalOnBean(ResourceMonitor.class)
@ConditionalOnEnabledHealthIndicator("vigil")
public class VigilHealthAutoConfiguration {
  /** Created by Spring. */
  public VigilHealthAutoConfiguration() {}

  /** The {@code vigil} health contributor. */
  @Bean(name = "vigilHealthIndicator")
  @ConditionalOnMissingBean(name = "vigilHealthIndicator")
  VigilHealthIndicator vigilHealthIndicator(
      ResourceMonitor monitor, ObjectProvider<VigilLifecycle> lifecycle) {
    return new VigilHealthIndicator(monitor, lifecycle.getIfUnique());
  }
}
