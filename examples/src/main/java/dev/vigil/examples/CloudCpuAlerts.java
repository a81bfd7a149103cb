package dev.vigil.examples;

import dev.vigil.AlertRule;
import dev.vigil.ResourceMonitor;
import dev.vigil.Schedule;
import dev.vigil.Severity;
import dev.vigil.alerts.EmailAlertSink;
import dev.vigil.http.HttpJsonSource;
import java.time.Duration;
import java.util.function.Supplier;

/**
 * The scenario Vigil starts from: poll a cloud provider's API with a bearer token and email a
 * warning when {@code cpu_usage > 80}. The body of {@link #start} is the snippet in the README
 * ({@code ReadmeSnippetTest} keeps the two identical).
 */
public final class CloudCpuAlerts {
  private CloudCpuAlerts() {}

  /** Where the monitor polls and where it sends email. */
  public record Settings(
      String apiUrl,
      Supplier<String> apiToken,
      String smtpHost,
      int smtpPort,
      EmailAlertSink.Security smtpSecurity,
      Duration pollEvery) {}

  /** Builds and starts the monitor of the README; the caller closes it. */
  public static ResourceMonitor start(Settings settings) {
    // README snippet begins
    HttpJsonSource cloud =
        HttpJsonSource.builder()
            .baseUrl(settings.apiUrl())
            .bearerToken(settings.apiToken()) // a Supplier: rotating tokens welcome
            .resourcesPath("/v1/resources/page-1.json") // follows "next" links page by page
            .metricsPath("/v1/resources/{id}/metrics")
            .metric("cpu_usage", "/metrics/cpu_usage") // JSON Pointer into the metrics body
            .build();
    EmailAlertSink email =
        EmailAlertSink.builder()
            .smtpHost(settings.smtpHost())
            .smtpPort(settings.smtpPort())
            .security(settings.smtpSecurity()) // STARTTLS unless told otherwise
            .from("vigil@example.com")
            .to("oncall@example.com")
            .build();
    ResourceMonitor monitor =
        ResourceMonitor.builder()
            .source("cloud", Schedule.every(settings.pollEvery()), cloud)
            .rule(
                AlertRule.builder("HighCpu")
                    .metric("cpu_usage")
                    .above(80)
                    .severity(Severity.WARNING)
                    .summary("CPU usage on {resource} is {value}%")
                    .build())
            .sink("email", email)
            .build();
    monitor.start(); // polls every minute; close() flushes pending emails
    // README snippet ends
    return monitor;
  }
}
