package dev.vigil.tests.logging;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vigil.AlertRule;
import dev.vigil.MetricSource;
import dev.vigil.ResourceMonitor;
import dev.vigil.Sample;
import dev.vigil.Schedule;
import dev.vigil.SourceException;
import dev.vigil.testing.RecordingSink;
import dev.vigil.testing.VirtualTime;
import dev.vigil.tests.logging.RecordingLogs.Event;
import java.io.IOException;
import java.net.ConnectException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.event.Level;

/**
 * What an operator reads in the log when sources fail: one WARN line per failure naming source,
 * kind and cause; stack traces only at DEBUG; a repeating failure once, then at most once a minute
 * with a count. Each test uses its own source name, so that the lines of other tests' monitors
 * never count here.
 */
class PollLoggingTest {
  private static final Duration MINUTE = Duration.ofMinutes(1);

  private final VirtualTime time = VirtualTime.create();
  private final List<ResourceMonitor> monitors = new ArrayList<>();

  @BeforeEach
  void clearLogs() {
    RecordingLogs.clear();
  }

  @AfterEach
  void close() {
    monitors.forEach(ResourceMonitor::close);
  }

  private ResourceMonitor monitor(String sourceName, MetricSource source) {
    ResourceMonitor monitor =
        time.configure(ResourceMonitor.builder())
            .source(sourceName, Schedule.every(MINUTE), source)
            .rule(AlertRule.builder("HighCpu").metric("cpu_usage").above(80).build())
            .sink("recording", RecordingSink.create())
            .build();
    monitors.add(monitor);
    return monitor;
  }

  private static MetricSource failing(String message) {
    return context -> {
      throw new SourceException(
          SourceException.Kind.CONNECTION,
          message,
          "http://127.0.0.1:1/v1/resources",
          -1,
          null,
          new ConnectException("Connection refused"));
    };
  }

  /** Events that mention {@code source}, at {@code level} or above. */
  private static List<Event> about(String source, Level atLeast) {
    return RecordingLogs.events(
        e -> e.level().toInt() >= atLeast.toInt() && e.message().contains(source));
  }

  @Test
  void failedPollLogsOneWarnLineNamingSourceKindAndCauseWithTheStackTraceAtDebugOnly() {
    monitor("cloud-a", failing("GET http://127.0.0.1:1/v1/resources: connection refused"))
        .pollNow();

    List<Event> warnings = about("cloud-a", Level.INFO);
    assertThat(warnings).hasSize(1);
    Event line = warnings.get(0);
    assertThat(line.level()).isEqualTo(Level.WARN);
    assertThat(line.logger()).isEqualTo("dev.vigil.poll");
    assertThat(line.message())
        .isEqualTo(
            "Source cloud-a failed (CONNECTION): GET http://127.0.0.1:1/v1/resources:"
                + " connection refused");
    assertThat(line.thrown()).as("no stack trace above DEBUG").isNull();
    assertThat(RecordingLogs.events(e -> e.thrown() != null && e.level().toInt() > 10))
        .as("no event above DEBUG carries a stack trace")
        .isEmpty();
    assertThat(about("cloud-a", Level.DEBUG))
        .filteredOn(e -> e.thrown() != null)
        .singleElement()
        .satisfies(e -> assertThat(e.level()).isEqualTo(Level.DEBUG));
  }

  @Test
  void failureRepeatedAThousandTimesIsLoggedOnceAndThenSummarizedWithACountOncePerMinute() {
    ResourceMonitor monitor = monitor("cloud-b", failing("connection refused"));

    for (int i = 0; i < 1_000; i++) { // 1,000 polls over 100 seconds of virtual time
      monitor.pollNow();
      time.advance(Duration.ofMillis(100));
    }

    List<String> lines = about("cloud-b", Level.INFO).stream().map(Event::message).toList();
    assertThat(lines)
        .containsExactly(
            "Source cloud-b failed (CONNECTION): connection refused",
            "Source cloud-b failed (CONNECTION): connection refused"
                + " (and 599 more like it since the last report)");
    assertThat(monitor.stats().sources().get("cloud-b").failures())
        .as("stats still count every failure")
        .isEqualTo(1_000);
  }

  @Test
  void resourcesFailingInOnePollAreOneLineWithTheirCount() {
    MetricSource source =
        context -> {
          for (int i = 0; i < 500; i++) {
            context.reportError("vm-" + i, new IOException("HTTP 503 for vm-" + i));
          }
          return List.of(Sample.of("cpu_usage", "vm-ok", 10, context.now()));
        };
    monitor("cloud-c", source).pollNow();

    assertThat(about("cloud-c", Level.INFO))
        .extracting(Event::message)
        .containsExactly(
            "Source cloud-c: 500 resource(s) failed (java.io.IOException), first vm-0: HTTP 503"
                + " for vm-0");
  }
}
