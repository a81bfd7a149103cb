package dev.vigil.examples.springboot;

import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import org.junit.jupiter.api.Test;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.builder.SpringApplicationBuilder;

/**
 * Without {@code CLOUD_API_TOKEN}, start-up fails and names the property, instead of polling with
 * the placeholder's text as the token (Spring keeps an unresolvable placeholder as it is).
 */
class MissingTokenTest {
  @Test
  void startingWithoutTheTokenFailsNamingTheVariable() {
    assumeTrue(System.getenv("CLOUD_API_TOKEN") == null, "CLOUD_API_TOKEN is set here");
    SpringApplicationBuilder app =
        new SpringApplicationBuilder(VigilSpringBootExample.class)
            .web(WebApplicationType.NONE)
            .properties("CLOUD_API_URL=http://127.0.0.1:9/", "spring.main.banner-mode=off");
    assertThatThrownBy(() -> app.run().close())
        .hasStackTraceContaining("vigil.sources.cloud.token");
  }
}
