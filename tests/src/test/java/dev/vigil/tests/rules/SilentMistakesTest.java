package dev.vigil.tests.rules;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.vigil.Alert;
import dev.vigil.AlertRule;
import dev.vigil.Condition;
import dev.vigil.MetricSource;
import dev.vigil.MonitorListener;
import dev.vigil.ResourceMonitor;
import dev.vigil.Sample;
import dev.vigil.Schedule;
import dev.vigil.testing.RecordingSink;
import dev.vigil.testing.VirtualTime;
import dev.vigil.tests.logging.RecordingLogs;
import dev.vigil.tests.logging.RecordingLogs.Event;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.event.Level;

/**
 * Mistakes that would otherwise produce nothing at all (docs/rules.md "Silent mistakes"): a rule
 * whose metric no source reports ({@code metric("cpu")} when the source emits {@code cpu_usage}) is
 * logged once at WARN, reported to the listener and counted, once every source was polled
 * successfully; a monitor without a sink is refused unless it says so. Each test uses its own rule
 * names, so that log lines of other tests never count here.
 */
class SilentMistakesTest {
  private static final Duration MINUTE = Duration.ofMinutes(1);

  private final VirtualTime time = VirtualTime.create();
  private final RecordingSink sink = RecordingSink.create();
  private final Unreported listener = new Unreported();
  private final List<ResourceMonitor> monitors = new ArrayList<>();

  @BeforeEach
  void clearLogs() {
    RecordingLogs.clear();
  }

  @AfterEach
  void close() {
    monitors.forEach(ResourceMonitor::close);
  }

  /** Records {@link MonitorListener#onUnreportedMetric} events. */
  static final class Unreported implements MonitorListener {
    final List<String> events = Collections.synchronizedList(new ArrayList<>());

    @Override
    public void onUnreportedMetric(String rule, String metric, Set<String> seen) {
      events.add(rule + " " + metric + " " + List.copyOf(seen));
    }
  }

  /** A source that returns what {@link #set} said last, or throws while {@link #failing}. */
  static final class Settable implements MetricSource {
    private final AtomicReference<List<String>> metrics = new AtomicReference<>(List.of());
    private final AtomicInteger failuresLeft = new AtomicInteger();

    Settable set(String... names) {
      metrics.set(List.of(names));
      return this;
    }

    Settable failing(int polls) {
      failuresLeft.set(polls);
      return this;
    }

    @Override
    public List<Sample> poll(dev.vigil.PollContext context) throws IOException {
      if (failuresLeft.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
        throw new IOException("API down");
      }
      List<Sample> out = new ArrayList<>();
      for (String m : metrics.get()) out.add(Sample.of(m, "vm-1", 90, context.now()));
      return out;
    }
  }

  private ResourceMonitor.Builder builder() {
    return time.configure(ResourceMonitor.builder()).listener(listener).sink("rec", sink);
  }

  private ResourceMonitor track(ResourceMonitor m) {
    monitors.add(m);
    return m;
  }

  private void poll(ResourceMonitor m) {
    m.pollNow();
    time.advance(MINUTE);
  }

  /** Lines of the rules logger at exactly {@code level} that mention {@code rule}. */
  private static List<String> lines(Level level, String rule) {
    return RecordingLogs.events(
            e ->
                e.level() == level
                    && e.logger().equals("dev.vigil.rules")
                    && e.message().contains("Rule " + rule))
        .stream()
        .map(Event::message)
        .toList();
  }

  /**
   * The typo case: {@code metric("cpu")} while the source emits {@code cpu_usage}. One WARN line
   * naming the rule, the metric and the metrics seen; one listener event; the counter at 1; nothing
   * repeated on later polls; one INFO line when the metric appears, and the counter back at 0.
   */
  @Test
  void ruleReadingAMetricNoSourceReportsIsWarnedOfOnceAndToldWhenItAppears() {
    Settable fleet = new Settable().set("memory_usage", "cpu_usage");
    ResourceMonitor m =
        track(
            builder()
                .source("fleet", Schedule.every(MINUTE), fleet)
                .rule(AlertRule.builder("TypoCpu").metric("cpu").above(80).build())
                .rule(AlertRule.builder("RightCpu").metric("cpu_usage").above(80).build())
                .build());

    poll(m);

    assertThat(lines(Level.WARN, "TypoCpu"))
        .singleElement()
        .asString()
        .contains("Rule TypoCpu reads metric cpu, which no source has reported")
        .contains("the sources reported: cpu_usage, memory_usage");
    assertThat(lines(Level.WARN, "RightCpu")).isEmpty();
    assertThat(listener.events).containsExactly("TypoCpu cpu [cpu_usage, memory_usage]");
    assertThat(m.stats().rulesWithoutData()).isEqualTo(1);

    for (int i = 0; i < 3; i++) poll(m);
    assertThat(lines(Level.WARN, "TypoCpu")).as("not repeated").hasSize(1);
    assertThat(listener.events).hasSize(1);
    assertThat(m.stats().rulesWithoutData()).isEqualTo(1);

    fleet.set("memory_usage", "cpu_usage", "cpu");
    poll(m);
    poll(m);
    assertThat(lines(Level.INFO, "TypoCpu"))
        .containsExactly("Rule TypoCpu: metric cpu is now reported (by source fleet)");
    assertThat(m.stats().rulesWithoutData()).isZero();
    assertThat(lines(Level.WARN, "TypoCpu")).hasSize(1);
  }

  /** The WARN line shows the first 20 metrics seen, sorted, and how many more there were. */
  @Test
  void seenMetricsAreSortedAndCappedAtTwenty() {
    String[] names = new String[25];
    for (int i = 0; i < names.length; i++) names[i] = String.format("m%02d", 24 - i);
    ResourceMonitor m =
        track(
            builder()
                .source("many", Schedule.every(MINUTE), new Settable().set(names))
                .rule(AlertRule.builder("TypoMany").metric("m99").above(80).build())
                .build());

    poll(m);

    assertThat(lines(Level.WARN, "TypoMany"))
        .singleElement()
        .asString()
        .contains("the sources reported: m00, m01, m02,")
        .contains("m18, m19 and 5 more.")
        .doesNotContain("m20");
    assertThat(listener.events).singleElement().asString().contains("m24]"); // all of them
  }

  /** Nothing is said while the source fails: a failing source has its own health alert. */
  @Test
  void ruleWhoseSourceFailsItsFirstPollsIsNotWarnedOfUntilASuccessfulPoll() {
    Settable flaky = new Settable().set("cpu_usage").failing(3);
    ResourceMonitor m =
        track(
            builder()
                .source("flaky", Schedule.every(MINUTE), flaky)
                .rule(AlertRule.builder("TypoFlaky").metric("cpu").above(80).build())
                .build());

    for (int i = 0; i < 3; i++) poll(m);
    assertThat(m.stats().sources().get("flaky").failures()).isEqualTo(3);
    assertThat(lines(Level.WARN, "TypoFlaky")).isEmpty();
    assertThat(listener.events).isEmpty();
    assertThat(m.stats().rulesWithoutData()).isZero();

    poll(m);
    assertThat(lines(Level.WARN, "TypoFlaky"))
        .singleElement()
        .asString()
        .contains("metric cpu")
        .contains("cpu_usage");
    assertThat(m.stats().rulesWithoutData()).isEqualTo(1);
  }

  /** A poll reported incomplete (a sweep deadline, an open circuit) is no first poll either. */
  @Test
  void incompletePollDoesNotCountAsTheSourcesFirstSuccessfulPoll() {
    AtomicInteger polls = new AtomicInteger();
    MetricSource partial =
        context -> {
          if (polls.incrementAndGet() == 1) {
            context.reportIncomplete(new IOException("sweep deadline passed: vm-2 unread"));
          }
          return List.of(Sample.of("cpu_usage", "vm-1", 50, context.now()));
        };
    ResourceMonitor m =
        track(
            builder()
                .source("partial", Schedule.every(MINUTE), partial)
                .rule(AlertRule.builder("TypoPartial").metric("cpu").above(80).build())
                .build());

    poll(m);
    assertThat(lines(Level.WARN, "TypoPartial")).isEmpty();
    poll(m);
    assertThat(lines(Level.WARN, "TypoPartial")).hasSize(1);
  }

  /**
   * Rules are not tied to sources: the metric may come from any. Until the second source had its
   * first successful poll nothing is said; then its metric counts.
   */
  @Test
  void metricFromTheSecondOfTwoSourcesIsNoMistake() {
    Settable hosts = new Settable().set("cpu_usage");
    Settable queues = new Settable().set("queue_depth").failing(2);
    ResourceMonitor m =
        track(
            builder()
                .source("hosts", Schedule.every(MINUTE), hosts)
                .source("queues", Schedule.every(MINUTE), queues)
                .rule(AlertRule.builder("BacklogRule").metric("queue_depth").above(80).build())
                .build());

    for (int i = 0; i < 4; i++) poll(m);

    assertThat(m.stats().sources().get("queues").polls()).isEqualTo(2);
    assertThat(lines(Level.WARN, "BacklogRule")).isEmpty();
    assertThat(listener.events).isEmpty();
    assertThat(m.stats().rulesWithoutData()).isZero();
    assertThat(m.activeAlerts()).extracting(Alert::rule).contains("BacklogRule");
  }

  /**
   * Every metric a rule reads is checked, those of a composite condition too, and a heartbeat's: a
   * heartbeat covers the series it has seen, so a misspelt one never fires. An absent rule is
   * exempt: it fires by itself for a metric nobody reports.
   */
  @Test
  void compositeAndHeartbeatRulesAreCheckedAndAbsentRulesAreNot() {
    ResourceMonitor m =
        track(
            builder()
                .source("fleet", Schedule.every(MINUTE), new Settable().set("cpu_usage"))
                .rule(
                    AlertRule.builder("BusyComposite")
                        .condition(
                            Condition.allOf(
                                Condition.metric("cpu_usage").above(80),
                                Condition.metric("memory").above(90)))
                        .build())
                .rule(
                    AlertRule.builder("JobsHeartbeat")
                        .metric("jobs_done")
                        .heartbeat(Duration.ofMinutes(10))
                        .build())
                .rule(AlertRule.builder("NoGpuAbsent").metric("gpu").absent(MINUTE).build())
                .build());

    poll(m);

    assertThat(lines(Level.WARN, "BusyComposite"))
        .singleElement()
        .asString()
        .contains("reads metric memory,");
    assertThat(lines(Level.WARN, "JobsHeartbeat")).singleElement().asString().contains("jobs_done");
    assertThat(lines(Level.WARN, "NoGpuAbsent")).isEmpty();
    assertThat(listener.events)
        .containsExactlyInAnyOrder(
            "BusyComposite memory [cpu_usage]", "JobsHeartbeat jobs_done [cpu_usage]");
    assertThat(m.stats().rulesWithoutData()).isEqualTo(2);
  }

  @Test
  void buildRefusesAMonitorWithoutASinkNamingTheFix() {
    ResourceMonitor.Builder b =
        time.configure(ResourceMonitor.builder())
            .source("fleet", Schedule.every(MINUTE), new Settable().set("cpu_usage"))
            .rule(AlertRule.builder("NoSinkRule").metric("cpu_usage").above(80).build());

    assertThatThrownBy(b::build)
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("no sink")
        .hasMessageContaining("sink(name, sink)")
        .hasMessageContaining("withoutSinks()");
  }

  /** For a monitor read through activeAlerts() or its listener only. */
  @Test
  void monitorWithoutSinksOnPurposeIsBuiltAndEvaluates() {
    ResourceMonitor m =
        track(
            time.configure(ResourceMonitor.builder())
                .source("fleet", Schedule.every(MINUTE), new Settable().set("cpu_usage"))
                .rule(AlertRule.builder("OptOutRule").metric("cpu_usage").above(80).build())
                .withoutSinks()
                .build());

    poll(m);

    assertThat(m.activeAlerts()).extracting(Alert::rule).containsExactly("OptOutRule");
    assertThat(m.stats().sinks()).isEmpty();
  }

  @Test
  void withoutSinksAndASinkConflict() {
    assertThatThrownBy(
            () ->
                builder()
                    .source("fleet", Schedule.every(MINUTE), new Settable().set("cpu_usage"))
                    .withoutSinks()
                    .build())
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("withoutSinks() and sink() both set")
        .hasMessageContaining("[rec]");
  }

  /** Sinks but no rule: only the sources' health alerts reach them, which is worth a line. */
  @Test
  void monitorWithSinksButNoRuleIsBuiltWithAWarning() {
    track(
        time.configure(ResourceMonitor.builder())
            .source("fleet", Schedule.every(MINUTE), new Settable().set("cpu_usage"))
            .sink("lonely-sink", sink)
            .build());

    assertThat(
            RecordingLogs.events(
                e ->
                    e.level() == Level.WARN
                        && e.logger().equals("dev.vigil.monitor")
                        && e.message().contains("[lonely-sink]")))
        .singleElement()
        .extracting(Event::message)
        .asString()
        .contains("no rule")
        .contains("SourceHealth")
        .contains("rule(...)");
  }
}
