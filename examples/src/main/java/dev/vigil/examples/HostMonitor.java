package dev.vigil.examples;

import dev.vigil.Alert;
import dev.vigil.AlertNotification;
import dev.vigil.AlertRule;
import dev.vigil.AlertSink;
import dev.vigil.AlertStatus;
import dev.vigil.MetricSource;
import dev.vigil.MonitorListener;
import dev.vigil.ResourceMonitor;
import dev.vigil.Sample;
import dev.vigil.Schedule;
import dev.vigil.Severity;
import dev.vigil.host.HostMetricsSource;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Monitors the JVM it runs in and the machine under it: CPU, heap and free disk space, polled every
 * five seconds, with alerts logged through SLF4J.
 *
 * <pre>
 * ./mvnw -B -q -pl examples -am exec:java -Dexec.mainClass=dev.vigil.examples.HostMonitor
 * ./mvnw -B -q -pl examples -am exec:java -Dexec.mainClass=dev.vigil.examples.HostMonitor \
 *     -Dexec.args="--seconds 6"
 * </pre>
 *
 * <p>Without arguments it runs until Ctrl-C; with {@code --seconds N} it stops after N seconds.
 * Either way it prints the alerts that are firing and closes the monitor when it stops.
 */
public final class HostMonitor {
  private static final Logger log = LoggerFactory.getLogger(HostMonitor.class);

  private HostMonitor() {}

  /**
   * Runs the monitor.
   *
   * @param args nothing, or {@code --seconds N}
   * @throws IllegalArgumentException if the arguments are not understood
   * @throws InterruptedException if interrupted while running
   */
  public static void main(String[] args) throws InterruptedException {
    Duration runFor = parseArgs(args);
    AtomicReference<List<Sample>> lastSamples = new AtomicReference<>(List.of());
    ResourceMonitor monitor = monitor(HostMetricsSource.create(), lastSamples);

    CountDownLatch stopped = new CountDownLatch(1);
    Thread shutdownHook =
        new Thread(
            () -> {
              stop(monitor, Objects.requireNonNullElse(lastSamples.get(), List.of()));
              stopped.countDown();
            },
            "host-monitor-shutdown");
    Runtime.getRuntime().addShutdownHook(shutdownHook);
    monitor.start();
    log.info(
        "Monitoring {}; {}",
        monitor,
        runFor == null ? "press Ctrl-C to stop" : "stopping in " + runFor.toSeconds() + " s");

    if (runFor == null) {
      stopped.await(); // the shutdown hook stops the monitor
      return;
    }
    if (stopped.await(runFor.toNanos(), TimeUnit.NANOSECONDS)) return; // Ctrl-C came first
    try {
      Runtime.getRuntime().removeShutdownHook(shutdownHook);
    } catch (IllegalStateException e) {
      return; // the JVM is shutting down: the hook stops the monitor
    }
    stop(monitor, Objects.requireNonNullElse(lastSamples.get(), List.of()));
  }

  /**
   * Builds the monitor: the host source, three rules and a log sink. The samples of the latest poll
   * are kept in {@code lastSamples}, to print them at the end.
   */
  static ResourceMonitor monitor(
      HostMetricsSource host, AtomicReference<List<Sample>> lastSamples) {
    MetricSource keepingLast =
        context -> {
          List<Sample> samples = host.poll(context);
          lastSamples.set(samples);
          return samples;
        };
    return ResourceMonitor.builder()
        .source("host", Schedule.every(Duration.ofSeconds(5)), keepingLast)
        .rule(
            AlertRule.builder("HighProcessCpu")
                .metric("process_cpu_usage")
                .above(90)
                .severity(Severity.WARNING)
                .summary("JVM CPU usage on {resource} is {value}%")
                .build())
        .rule(
            AlertRule.builder("HighHeapUsage")
                .metric("heap_used_percent")
                .above(90)
                .severity(Severity.CRITICAL)
                .summary("Heap usage on {resource} is {value}%")
                .build())
        .rule(
            AlertRule.builder("LowDiskSpace")
                .metric("disk_free_percent")
                .below(10)
                .severity(Severity.CRITICAL)
                .summary("Free space of {labels.path} on {resource} is {value}%")
                .build())
        .sink("log", logSink())
        .listener(
            new MonitorListener() {
              @Override
              public void onPollSucceeded(String source, int samples, Duration took) {
                log.info("Polled {}: {} samples in {} ms", source, samples, took.toMillis());
              }
            })
        .build();
  }

  /**
   * A sink that logs each notification. {@code dev.vigil.alerts.LogAlertSink} is the production
   * choice: it logs every label and lets the host pick the logger and levels; this one keeps the
   * example to one line per alert.
   */
  private static AlertSink logSink() {
    return (AlertNotification n) -> {
      if (n.status() == AlertStatus.FIRING) {
        log.warn("FIRING {} [{}] {}: {}", n.rule(), n.severity(), n.resource(), n.summary());
      } else {
        log.info("RESOLVED {} {}: {}", n.rule(), n.resource(), n.summary());
      }
    };
  }

  /** Prints to standard output, which {@code exec:java -q} shows while it hides the log. */
  private static void stop(ResourceMonitor monitor, List<Sample> lastSamples) {
    System.out.println("Last readings:");
    for (Sample s : lastSamples) {
      System.out.println(
          "  "
              + s.metric()
              + (s.labels().isEmpty() ? "" : s.labels())
              + " = "
              + String.format(Locale.ROOT, "%.1f", s.value()));
    }
    List<Alert> alerts = monitor.activeAlerts();
    System.out.println("Active alerts: " + (alerts.isEmpty() ? "none" : alerts.size()));
    for (Alert a : alerts) {
      System.out.println(
          "  " + a.severity() + " " + a.rule() + " " + a.resource() + ": " + a.summary());
    }
    monitor.close();
  }

  private static @Nullable Duration parseArgs(String[] args) {
    if (args.length == 0) return null;
    if (args.length == 2 && args[0].equals("--seconds")) {
      try {
        long seconds = Long.parseLong(args[1]);
        if (seconds > 0) return Duration.ofSeconds(seconds);
      } catch (NumberFormatException e) {
        // reported below
      }
    }
    throw new IllegalArgumentException(
        "usage: HostMonitor [--seconds N], N a positive number; got " + List.of(args));
  }
}
