package dev.vigil.spring.boot;

import java.util.Locale;
import org.springframework.boot.actuate.endpoint.SanitizingFunction;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.context.annotation.Bean;

/**
 * Masks Vigil's secrets in {@code /actuator/configprops} and {@code /actuator/env} when an
 * application shows their values ({@code show-values: always} or {@code when-authorized}): Spring
 * Boot masks every value by default, but once values are shown it has no key-name rule of its own.
 * Masked: every {@code vigil.*} key ending in {@code token}, {@code password}, {@code secret} or
 * {@code key} (a PagerDuty routing key), every URL (a Slack, Teams or webhook URL holds its secret
 * in its path; a base URL may hold one in its query) and every header value.
 */
@AutoConfiguration
@ConditionalOnClass(SanitizingFunction.class)
public class VigilSanitizingAutoConfiguration {
  /** Created by Spring. */
  public VigilSanitizingAutoConfiguration() {}

  /** The masking of Vigil's secrets, one of the actuator's sanitizing functions. */
  @Bean
  SanitizingFunction vigilSanitizingFunction() {
    SanitizingFunction mask = data -> data.withSanitizedValue();
    return mask.ifKeyMatches(VigilSanitizingAutoConfiguration::isSecret);
  }

  /** Whether the property {@code key} (any form Spring binds: kebab, camel, indexed) is secret. */
  static boolean isSecret(String key) {
    String k = key.toLowerCase(Locale.ROOT);
    if (k.indexOf('.') < 0) k = k.replace('_', '.'); // an environment variable: VIGIL_SINKS_...
    k = k.replace("-", "");
    if (!k.startsWith("vigil.")) return false;
    String last = k.replaceAll("\\[\\d+]$", "");
    return last.endsWith("token")
        || last.endsWith("password")
        || last.endsWith("secret")
        || last.endsWith("key")
        || last.endsWith("url")
        || last.endsWith("urls")
        || k.contains(".headers");
  }
}
