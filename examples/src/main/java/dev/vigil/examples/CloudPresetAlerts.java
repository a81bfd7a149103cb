package dev.vigil.examples;

import dev.vigil.AlertRule;
import dev.vigil.ResourceMonitor;
import dev.vigil.Schedule;
import dev.vigil.alerts.EmailAlertSink;
import dev.vigil.http.DigitalOceanSource;
import dev.vigil.http.HetznerCloudSource;
import java.time.Duration;

/**
 * The seed scenarios of {@code docs/sources.md} for the provider presets: poll every minute with a
 * bearer token and email when {@code cpu_usage > 80}. The method bodies are the snippets of the
 * docs ({@code SourcesDocSnippetTest} keeps them identical); {@code HetznerCloudSourceTest} and
 * {@code DigitalOceanSourceTest} run the same scenario against the replayed APIs.
 */
public final class CloudPresetAlerts {
  private CloudPresetAlerts() {}

  /** Hetzner Cloud: builds and starts the monitor; the caller closes it. */
  public static ResourceMonitor hetzner(String hcloudToken) {
    // docs snippet begins
    HetznerCloudSource hetzner =
        HetznerCloudSource.builder()
            .bearerToken(hcloudToken) // Security → API Tokens, read only
            .build();
    ResourceMonitor monitor =
        ResourceMonitor.builder()
            .source("hetzner", Schedule.every(Duration.ofMinutes(1)), hetzner)
            .rule(AlertRule.builder("HighCpu").metric("cpu_usage").above(80).build())
            .sink(
                "email",
                EmailAlertSink.builder()
                    .smtpHost("smtp.example.com")
                    .from("vigil@example.com")
                    .to("oncall@example.com")
                    .build())
            .build();
    monitor.start();
    // docs snippet ends
    return monitor;
  }

  /** DigitalOcean: builds and starts the monitor; the caller closes it. */
  public static ResourceMonitor digitalOcean(String digitalOceanToken) {
    // docs snippet begins
    DigitalOceanSource digitalOcean =
        DigitalOceanSource.builder()
            .bearerToken(digitalOceanToken) // API → Tokens, read scope
            .build();
    ResourceMonitor monitor =
        ResourceMonitor.builder()
            .source("digitalocean", Schedule.every(Duration.ofMinutes(1)), digitalOcean)
            .rule(AlertRule.builder("HighCpu").metric("cpu_usage").above(80).build())
            .sink(
                "email",
                EmailAlertSink.builder()
                    .smtpHost("smtp.example.com")
                    .from("vigil@example.com")
                    .to("oncall@example.com")
                    .build())
            .build();
    monitor.start();
    // docs snippet ends
    return monitor;
  }
}
