package dev.vigil.micrometer;

import static java.util.Objects.requireNonNull;

import dev.vigil.Alert;
import dev.vigil.AlertState;
import dev.vigil.MonitorStats;
import dev.vigil.NotificationType;
import dev.vigil.ResourceMonitor;
import dev.vigil.Severity;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.FunctionTimer;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.binder.MeterBinder;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.ToDoubleFunction;
import org.jspecify.annotations.Nullable;

/**
 * The health of a {@link ResourceMonitor} as Micrometer meters: how its sources poll, what it
 * notifies, how its sinks deliver, and which alerts are active. Bind it like any {@link
 * MeterBinder}:
 *
 * <pre>{@code
 * new VigilMetrics(monitor).bindTo(meterRegistry);
 * }</pre>
 *
 * <table>
 *   <caption>Meters</caption>
 *   <tr><th>Name</th><th>Type</th><th>Tags</th><th>What</th></tr>
 *   <tr><td>{@code vigil.source.polls}</td><td>counter</td><td>{@code source}, {@code
 *       outcome=success|failure}</td><td>polls, and polls that threw</td></tr>
 *   <tr><td>{@code vigil.source.poll.duration}</td><td>function timer</td><td>{@code
 *       source}</td><td>time in the source's {@code poll}</td></tr>
 *   <tr><td>{@code vigil.source.resource.errors}</td><td>counter</td><td>{@code source}</td>
 *       <td>resources reported failed</td></tr>
 *   <tr><td>{@code vigil.source.ticks.skipped}</td><td>counter</td><td>{@code source}</td>
 *       <td>ticks skipped while the previous poll ran</td></tr>
 *   <tr><td>{@code vigil.notifications}</td><td>counter</td><td>{@code type}</td>
 *       <td>notifications sent to at least one sink, by {@link NotificationType}</td></tr>
 *   <tr><td>{@code vigil.sink.deliveries}</td><td>counter</td><td>{@code sink}</td>
 *       <td>notifications delivered</td></tr>
 *   <tr><td>{@code vigil.sink.attempts.failed}</td><td>counter</td><td>{@code sink}</td>
 *       <td>delivery attempts that threw</td></tr>
 *   <tr><td>{@code vigil.sink.retries}</td><td>counter</td><td>{@code sink}</td>
 *       <td>attempts followed by another</td></tr>
 *   <tr><td>{@code vigil.sink.drops}</td><td>counter</td><td>{@code sink}, {@code reason}</td>
 *       <td>notifications given up, by reason (see {@link MonitorStats.SinkStats#droppedByReason})
 *       </td></tr>
 *   <tr><td>{@code vigil.sink.dead.letters}</td><td>counter</td><td>{@code sink}</td>
 *       <td>notifications dead-lettered (part of the drops)</td></tr>
 *   <tr><td>{@code vigil.sink.queue.depth}</td><td>gauge</td><td>{@code sink}</td>
 *       <td>notifications queued or being delivered</td></tr>
 *   <tr><td>{@code vigil.sink.waiting}</td><td>gauge</td><td>{@code sink}</td>
 *       <td>notifications waiting in a group or behind the sink's budget</td></tr>
 *   <tr><td>{@code vigil.alerts.active}</td><td>gauge</td><td>{@code severity}, {@code
 *       state=pending|firing|no_data}</td><td>active alerts</td></tr>
 *   <tr><td>{@code vigil.rules.without.data}</td><td>gauge</td><td>-</td>
 *       <td>rules reading a metric no source reports ({@link MonitorStats#rulesWithoutData})</td>
 *       </tr>
 * </table>
 *
 * <p>The sources and sinks are those of the monitor when it is bound. Every meter reads the monitor
 * when the registry asks ({@link ResourceMonitor#stats()}, {@link ResourceMonitor#activeAlerts()},
 * whose cost grows with the active alerts, not with the series); nothing is recorded on the
 * monitor's threads. The meters hold the monitor strongly, so a closed monitor keeps reporting its
 * last counts until the meters are removed from the registry.
 *
 * <p>Thread safe; bind one monitor to any number of registries.
 */
public final class VigilMetrics implements MeterBinder {
  /** The reasons a sink drops a notification, as {@link MonitorStats.SinkStats} names them. */
  static final List<String> DROP_REASONS =
      List.of(
          "dead letter",
          "queue full (reminder)",
          "queue full",
          "budget full (reminder)",
          "budget full",
          "monitor closing",
          "closed before delivery");

  private final ResourceMonitor monitor;
  private final Iterable<Tag> tags;

  /**
   * Meters for {@code monitor}, without extra tags.
   *
   * @throws NullPointerException if {@code monitor} is null
   */
  public VigilMetrics(ResourceMonitor monitor) {
    this(monitor, Tags.empty());
  }

  /**
   * Meters for {@code monitor}, each with {@code tags} too (to tell several monitors apart).
   *
   * @throws NullPointerException if an argument is null
   */
  public VigilMetrics(ResourceMonitor monitor, Iterable<Tag> tags) {
    this.monitor = requireNonNull(monitor, "monitor == null");
    this.tags = Tags.of(requireNonNull(tags, "tags == null"));
  }

  @Override
  public void bindTo(MeterRegistry registry) {
    requireNonNull(registry, "registry == null");
    MonitorStats now = monitor.stats();
    for (String source : now.sources().keySet()) bindSource(registry, source);
    for (String sink : now.sinks().keySet()) bindSink(registry, sink);
    for (NotificationType type : NotificationType.values()) {
      FunctionCounter.builder(
              "vigil.notifications", monitor, m -> m.stats().notifications().getOrDefault(type, 0L))
          .tags(tags)
          .tag("type", type.name().toLowerCase(java.util.Locale.ROOT))
          .description("Notifications sent to at least one sink")
          .register(registry);
    }
    for (Severity severity : Severity.values()) {
      for (AlertState state : List.of(AlertState.PENDING, AlertState.FIRING, AlertState.NO_DATA)) {
        Gauge.builder("vigil.alerts.active", monitor, m -> active(m, severity, state))
            .tags(tags)
            .tag("severity", severity.name().toLowerCase(java.util.Locale.ROOT))
            .tag("state", state.name().toLowerCase(java.util.Locale.ROOT))
            .description("Active alerts")
            .register(registry);
      }
    }
    Gauge.builder("vigil.rules.without.data", monitor, m -> m.stats().rulesWithoutData())
        .tags(tags)
        .description("Rules reading a metric that no source reports")
        .register(registry);
  }

  private void bindSource(MeterRegistry registry, String name) {
    counter("vigil.source.polls", "source", name, s -> source(s, name, Read.POLLS))
        .tag("outcome", "success")
        .description("Polls of the source that returned samples")
        .register(registry);
    counter("vigil.source.polls", "source", name, s -> source(s, name, Read.FAILURES))
        .tag("outcome", "failure")
        .description("Polls of the source that threw")
        .register(registry);
    counter(
            "vigil.source.resource.errors",
            "source",
            name,
            s -> source(s, name, Read.RESOURCE_ERRORS))
        .description("Resources the source reported failed")
        .register(registry);
    counter("vigil.source.ticks.skipped", "source", name, s -> source(s, name, Read.SKIPPED))
        .description("Ticks skipped because the previous poll was still running")
        .register(registry);
    FunctionTimer.builder(
            "vigil.source.poll.duration",
            monitor,
            m -> (long) (source(m, name, Read.POLLS) + source(m, name, Read.FAILURES)),
            m -> sourcePollNanos(m, name),
            TimeUnit.NANOSECONDS)
        .tags(tags)
        .tag("source", name)
        .description("Time spent in the source's poll")
        .register(registry);
  }

  private void bindSink(MeterRegistry registry, String name) {
    counter("vigil.sink.deliveries", "sink", name, m -> sink(m, name, Read.DELIVERED))
        .description("Notifications delivered")
        .register(registry);
    counter("vigil.sink.attempts.failed", "sink", name, m -> sink(m, name, Read.FAILED))
        .description("Delivery attempts that threw")
        .register(registry);
    counter("vigil.sink.retries", "sink", name, m -> sink(m, name, Read.RETRIED))
        .description("Delivery attempts followed by another")
        .register(registry);
    counter("vigil.sink.dead.letters", "sink", name, m -> sink(m, name, Read.DEAD_LETTERED))
        .description("Notifications dead-lettered")
        .register(registry);
    for (String reason : DROP_REASONS) {
      counter("vigil.sink.drops", "sink", name, m -> dropped(m, name, reason))
          .tag("reason", reason)
          .description("Notifications given up on")
          .register(registry);
    }
    Gauge.builder("vigil.sink.queue.depth", monitor, m -> sink(m, name, Read.PENDING))
        .tags(tags)
        .tag("sink", name)
        .description("Notifications queued or being delivered")
        .register(registry);
    Gauge.builder("vigil.sink.waiting", monitor, m -> sink(m, name, Read.WAITING))
        .tags(tags)
        .tag("sink", name)
        .description("Notifications waiting in a group or behind the sink's budget")
        .register(registry);
  }

  private FunctionCounter.Builder<ResourceMonitor> counter(
      String meter, String tag, String value, ToDoubleFunction<ResourceMonitor> read) {
    return FunctionCounter.builder(meter, monitor, read).tags(tags).tag(tag, value);
  }

  /** What to read of a source's or sink's stats. */
  private enum Read {
    POLLS,
    FAILURES,
    RESOURCE_ERRORS,
    SKIPPED,
    DELIVERED,
    FAILED,
    RETRIED,
    DEAD_LETTERED,
    PENDING,
    WAITING
  }

  private static double source(ResourceMonitor m, String name, Read read) {
    MonitorStats.@Nullable SourceStats s = m.stats().sources().get(name);
    if (s == null) return Double.NaN;
    return switch (read) {
      case POLLS -> s.polls();
      case FAILURES -> s.failures();
      case RESOURCE_ERRORS -> s.resourceErrors();
      case SKIPPED -> s.skippedTicks();
      default -> throw new IllegalArgumentException("not a source counter: " + read);
    };
  }

  private static double sourcePollNanos(ResourceMonitor m, String name) {
    MonitorStats.@Nullable SourceStats s = m.stats().sources().get(name);
    return s == null ? Double.NaN : s.pollTime().toNanos();
  }

  private static double sink(ResourceMonitor m, String name, Read read) {
    MonitorStats.@Nullable SinkStats s = m.stats().sinks().get(name);
    if (s == null) return Double.NaN;
    return switch (read) {
      case DELIVERED -> s.delivered();
      case FAILED -> s.failedAttempts();
      case RETRIED -> s.retried();
      case DEAD_LETTERED -> s.deadLettered();
      case PENDING -> s.pending();
      case WAITING -> s.waiting();
      default -> throw new IllegalArgumentException("not a sink counter: " + read);
    };
  }

  private static double dropped(ResourceMonitor m, String name, String reason) {
    MonitorStats.@Nullable SinkStats s = m.stats().sinks().get(name);
    return s == null ? Double.NaN : s.droppedByReason().getOrDefault(reason, 0L);
  }

  private static double active(ResourceMonitor m, Severity severity, AlertState state) {
    int n = 0;
    for (Alert a : m.activeAlerts()) {
      if (a.severity() == severity && a.state() == state) n++;
    }
    return n;
  }

  @Override
  public String toString() {
    return "VigilMetrics{" + monitor + "}";
  }
}
