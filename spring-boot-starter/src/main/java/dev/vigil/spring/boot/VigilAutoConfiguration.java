package dev.vigil.spring.boot;

import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.context.properties.EnableConfigurationProperties;

/**
 * Auto-configures a {@link dev.vigil.ResourceMonitor} from {@link VigilProperties} and the
 * application's beans.
 */
@AutoConfiguration
@ConditionalOnClass(dev.vigil.ResourceMonitor.class)
@ConditionalOnBooleanProperty(name = "vigil.enabled", matchIfMissing = true)
@EnableConfigurationProperties(VigilProperties.class)
public class VigilAutoConfiguration {
  /** Created by Spring. */
  public VigilAutoConfiguration() {}
}
