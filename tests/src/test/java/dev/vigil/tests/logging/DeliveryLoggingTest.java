package dev.vigil.tests.logging;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vigil.AlertRule;
import dev.vigil.AlertSink;
import dev.vigil.MetricSource;
import dev.vigil.ResourceMonitor;
import dev.vigil.Sample;
import dev.vigil.Schedule;
import dev.vigil.testing.Await;
import dev.vigil.testing.VirtualTime;
import dev.vigil.tests.logging.RecordingLogs.Event;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.event.Level;

/**
 * What an operator reads when a sink cannot keep up: every dropped notification is counted, and the
 * log says so in a few lines instead of one per drop.
 */
class DeliveryLoggingTest {
  private final VirtualTime time = VirtualTime.create();

  @BeforeEach
  void clearLogs() {
    RecordingLogs.clear();
  }

  @Test
  void tenThousandDropsAreCountedAndLoggedInAFewLines() throws Exception {
    CountDownLatch release = new CountDownLatch(1);
    AlertSink stuck = notification -> release.await(30, TimeUnit.SECONDS);
    MetricSource fleet =
        context -> {
          List<Sample> samples = new ArrayList<>();
          for (int i = 0; i < 10_000; i++) {
            samples.add(Sample.of("cpu_usage", "vm-" + i, 99, context.now()));
          }
          return samples;
        };
    try (ResourceMonitor monitor =
        time.configure(ResourceMonitor.builder())
            .source("fleet", Schedule.every(Duration.ofMinutes(1)), fleet)
            .rule(AlertRule.builder("HighCpu").metric("cpu_usage").above(80).build())
            .sink("stuck-sink", stuck)
            .sinkQueueCapacity(10)
            .shutdownTimeout(Duration.ofSeconds(2))
            .build()) {
      monitor.pollNow(); // 10,000 FIRING notifications for a queue of 10 and a sink that hangs

      // One is being delivered (the sink hangs on it) and up to 10 wait: the rest were dropped.
      Await.until(
          "the sink's queue settled",
          () -> monitor.stats().sinks().get("stuck-sink").dropped() >= 10_000 - 11);
      long dropped = monitor.stats().sinks().get("stuck-sink").dropped();
      assertThat(dropped).isBetween(10_000L - 11, 10_000L - 10);

      List<Event> lines =
          RecordingLogs.events(
              e ->
                  e.level().toInt() >= Level.INFO.toInt()
                      && e.logger().equals("dev.vigil.delivery")
                      && e.message().contains("stuck-sink"));
      assertThat(lines)
          .as("drops are logged once, then at most once a minute with a count")
          .hasSizeLessThanOrEqualTo(2)
          .first()
          .satisfies(e -> assertThat(e.message()).contains("queue full (10); dropped oldest"));
      release.countDown();
    }
  }
}
