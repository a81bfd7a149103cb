package dev.vigil.spring.boot;

import dev.vigil.ResourceMonitor;
import java.time.Clock;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.actuate.autoconfigure.endpoint.condition.ConditionalOnAvailableEndpoint;
import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;

/**
 * Auto-configures the {@link VigilEndpoint} ({@code /actuator/vigil}) when the actuator is on the
 * classpath and the endpoint is available: exposed only where {@code
 * management.endpoints.web.exposure.include} (or the JMX one) names {@code vigil}.
 */
@AutoConfiguration(after = VigilAutoConfiguration.class)
@ConditionalOnClass({Endpoint.class, ConditionalOnAvailableEndpoint.class})
@ConditionalOnBean(ResourceMonitor.class)
@ConditionalOnAvailableEndpoint(VigilEndpoint.class)
public class VigilEndpointAutoConfiguration {
  /** Created by Spring. */
  public VigilEndpointAutoConfiguration() {}

  /** The {@code vigil} endpoint. */
  @Bean
  @ConditionalOnMissingBean
  VigilEndpoint vigilEndpoint(ResourceMonitor monitor, ObjectProvider<Clock> clock) {
    return new VigilEndpoint(monitor, clock.getIfUnique(Clock::systemUTC));
  }
}
