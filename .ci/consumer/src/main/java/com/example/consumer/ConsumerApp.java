package com.example.consumer;

import dev.vigil.AlertRule;
import dev.vigil.ResourceMonitor;
import dev.vigil.Schedule;
import dev.vigil.alerts.LogAlertSink;
import dev.vigil.http.HttpJsonSource;
import java.time.Duration;

/** Compiles against the published artifacts only: proves the public API is reachable. */
public final class ConsumerApp {
  private ConsumerApp() {}

  public static ResourceMonitor monitor(String baseUrl, String token) {
    HttpJsonSource cloud =
        HttpJsonSource.builder()
            .baseUrl(baseUrl)
            .bearerToken(token)
            .resourcesPath("/v1/resources")
            .metricsPath("/v1/resources/{id}/metrics")
            .metric("cpu_usage", "/metrics/cpu_usage")
            .build();
    return ResourceMonitor.builder()
        .source("cloud", Schedule.every(Duration.ofMinutes(1)), cloud)
        .rule(AlertRule.builder("HighCpu").metric("cpu_usage").above(80).build())
        .sink("log", LogAlertSink.builder().build())
        .build();
  }
}
