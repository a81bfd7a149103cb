package dev.vigil.spring.boot;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.springframework.boot.actuate.endpoint.SanitizableData;
import org.springframework.boot.actuate.endpoint.SanitizingFunction;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

/**
 * Vigil's secrets are masked in the actuator's {@code configprops} and {@code env} once an
 * application shows values (Spring Boot's "Sanitize Sensitive Values": with {@code show-values}
 * other than {@code never}, only {@code SanitizingFunction} beans mask anything).
 */
class VigilSanitizingTest {
  private final ApplicationContextRunner runner =
      new ApplicationContextRunner()
          .withConfiguration(AutoConfigurations.of(VigilSanitizingAutoConfiguration.class));

  private static Object shown(SanitizingFunction f, String key) {
    return f.applyUnlessFiltered(new SanitizableData(null, key, "s3cr3t-value")).getValue();
  }

  @Test
  void everyVigilSecretIsMaskedAndOtherSettingsAreShown() {
    runner.run(
        context -> {
          SanitizingFunction f = context.getBean(SanitizingFunction.class);
          for (String secret :
              new String[] {
                "vigil.sources.cloud.token",
                "vigil.sources.cloud.oauth2.client-secret",
                "vigil.sources.prom.password",
                "vigil.sources.cloud.base-url",
                "vigil.sources.api.checks.home.url",
                "vigil.sinks.ops.email.smtp.password",
                "vigil.sinks.hook.signing-secret",
                "vigil.sinks.pager.routing-key",
                "vigil.sinks.slack.url",
                "vigil.sinks.am.urls[1]",
                "vigil.sinks.hook.headers.Authorization",
                "vigil.sinks.hook.signingSecret",
                "VIGIL_SINKS_PAGER_ROUTINGKEY"
              }) {
            assertThat(shown(f, secret)).as(secret).isEqualTo(SanitizableData.SANITIZED_VALUE);
          }
          for (String plain :
              new String[] {
                "vigil.rules.HighCpu.metric",
                "vigil.sources.cloud.interval",
                "vigil.sinks.ops.email.to[0]",
                "spring.datasource.url"
              }) {
            assertThat(shown(f, plain)).as(plain).isEqualTo("s3cr3t-value");
          }
        });
  }
}
