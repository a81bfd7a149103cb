package com.example.vigil;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vigil.ResourceMonitor;
import dev.vigil.spring.boot.VigilHealthIndicator;
import dev.vigil.spring.boot.VigilLifecycle;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.test.context.SpringBootTest;

/** Starts under Spring Boot's dependency management and polls through OkHttp. */
@SpringBootTest(
    properties = {
      "vigil.sources.cloud.type=http-json",
      "vigil.sources.cloud.base-url=http://127.0.0.1:9/", // discard port: the poll fails fast
      "vigil.sources.cloud.token=t0ken",
      "vigil.sources.cloud.resources-path=servers",
      "vigil.sources.cloud.metrics-path=servers/{id}/metrics",
      "vigil.sources.cloud.metrics.cpu_usage=/cpu",
      "vigil.sources.cloud.max-attempts=1",
      "vigil.rules.HighCpu.metric=cpu_usage",
      "vigil.rules.HighCpu.above=80",
      "vigil.sinks.log.type=log"
    })
class ConsumerApplicationTest {
  @SpringBootApplication
  static class App {}

  @Autowired ResourceMonitor monitor;
  @Autowired VigilLifecycle lifecycle;
  @Autowired VigilHealthIndicator health;

  @Test
  void okHttpRunsOnTheKotlinStdlibThatSpringBootChose() {
    assertThat(kotlin.KotlinVersion.CURRENT.getMajor()).isGreaterThanOrEqualTo(2);
    assertThat(lifecycle.isPolling()).isTrue();
    monitor.pollNow(); // a real OkHttp call: connection refused, reported, never thrown
    assertThat(monitor.stats().sources().get("cloud").failures()).isPositive();
    assertThat(health.health().getStatus().getCode()).isEqualTo("DOWN");
  }
}
