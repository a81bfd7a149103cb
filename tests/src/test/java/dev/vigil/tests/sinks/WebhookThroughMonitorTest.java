package dev.vigil.tests.sinks;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vigil.AlertRule;
import dev.vigil.MonitorStats;
import dev.vigil.ResourceMonitor;
import dev.vigil.Sample;
import dev.vigil.Schedule;
import dev.vigil.alerts.WebhookAlertSink;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * {@link WebhookAlertSink} behind a real {@link ResourceMonitor}: the sink's failure classes drive
 * the monitor's retry (transient: retried, same {@code Idempotency-Key}; permanent: dead letter at
 * once), as {@code docs/sinks.md} documents.
 */
class WebhookThroughMonitorTest {

  @Test
  void fiveHundredThenTwoHundredIsDeliveredOnceAndFourHundredIsNotRetried() throws Exception {
    double[] cpu = {95};
    try (HookReceiver hook = new HookReceiver();
        ResourceMonitor monitor =
            ResourceMonitor.builder()
                .deliveryAttempts(3)
                .deliveryBackoff(Duration.ZERO, Duration.ZERO)
                .source(
                    "cloud",
                    Schedule.every(Duration.ofMinutes(1)),
                    context ->
                        List.of(new Sample("cpu_usage", "vm-1", Map.of(), cpu[0], context.now())))
                .rule(AlertRule.builder("HighCpu").metric("cpu_usage").above(80).build())
                .sink("webhook", WebhookAlertSink.builder().url(hook.url()).build())
                .build()) {
      hook.answer(500);
      monitor.pollNow();
      assertThat(monitor.flush(Duration.ofSeconds(10))).isTrue();

      assertThat(hook.bodies()).hasSize(2);
      assertThat(hook.idempotencyKeys().get(0))
          .isNotEmpty()
          .isEqualTo(hook.idempotencyKeys().get(1));
      MonitorStats.SinkStats stats = monitor.stats().sinks().get("webhook");
      assertThat(stats.delivered()).isEqualTo(1);
      assertThat(stats.failedAttempts()).isEqualTo(1);

      hook.answer(400);
      cpu[0] = 10;
      monitor.pollNow();
      assertThat(monitor.flush(Duration.ofSeconds(10))).isTrue();
      assertThat(hook.bodies()).hasSize(3); // one attempt only
      assertThat(hook.bodies().get(2)).contains("\"status\":\"resolved\"");
      assertThat(monitor.stats().sinks().get("webhook").deadLettered()).isEqualTo(1);
    }
  }
}
