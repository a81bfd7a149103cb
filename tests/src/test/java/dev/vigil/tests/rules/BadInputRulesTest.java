package dev.vigil.tests.rules;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vigil.Alert;
import dev.vigil.AlertNotification;
import dev.vigil.AlertRule;
import dev.vigil.AlertState;
import dev.vigil.ResourceMonitor;
import dev.vigil.Sample;
import dev.vigil.Schedule;
import dev.vigil.testing.RecordingSink;
import dev.vigil.testing.VirtualTime;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/**
 * A poll whose list holds a {@code null} or a sample with a reserved label fails as a whole: a
 * source error of kind {@code bad_data} naming the index, the source's health alert, and no change
 * to any alert of the source (as for any failing poll, docs/rules.md "Failing sources").
 */
class BadInputRulesTest {

  private final VirtualTime time = VirtualTime.create();
  private final RecordingSink sink = RecordingSink.create();
  private final AtomicReference<List<Sample>> next = new AtomicReference<>(List.of());

  private ResourceMonitor monitor() {
    return time.configure(ResourceMonitor.builder())
        .source("fleet", Schedule.every(Duration.ofMinutes(1)), context -> next.get())
        .rule(AlertRule.builder("HighCpu").metric("cpu_usage").above(80).build())
        .sink("recording", sink)
        .build();
  }

  private Sample cpu(String resource, double value) {
    return Sample.of("cpu_usage", resource, value, time.now());
  }

  private void poll(ResourceMonitor m, List<Sample> samples) throws InterruptedException {
    next.set(samples);
    m.pollNow();
    assertThat(m.flush(Duration.ofSeconds(10))).isTrue();
    time.advance(Duration.ofMinutes(1));
  }

  @Test
  void nullSampleFailsThePollNamingItsIndexAndKeepsEveryAlert() throws Exception {
    try (ResourceMonitor m = monitor()) {
      poll(m, List.of(cpu("vm-1", 90), cpu("vm-2", 50)));
      List<Sample> withNull =
          new ArrayList<>(Arrays.asList(cpu("vm-1", 50), null, cpu("vm-2", 95)));
      poll(m, withNull);

      AlertNotification health = sink.forRule("SourceHealth").get(0);
      assertThat(health.labels()).containsEntry("cause", "bad_data");
      assertThat(health.summary()).contains("null sample at index 1 of 3");
      // Nothing of the bad poll was applied: vm-1 still fires, vm-2 did not start to.
      assertThat(m.activeAlerts())
          .filteredOn(a -> a.rule().equals("HighCpu"))
          .extracting(Alert::resource, Alert::state)
          .containsExactly(org.assertj.core.groups.Tuple.tuple("vm-1", AlertState.FIRING));
      assertThat(sink.forRule("HighCpu")).hasSize(1);

      poll(m, List.of(cpu("vm-1", 50), cpu("vm-2", 50)));
      assertThat(sink.forRule("SourceHealth")).hasSize(2); // recovered
      assertThat(sink.forRule("HighCpu"))
          .extracting(AlertNotification::resource)
          .containsExactly("vm-1", "vm-1");
    }
  }

  @Test
  void reservedLabelFailsThePollNamingItsIndexAndTheLabel() throws Exception {
    try (ResourceMonitor m = monitor()) {
      Sample bad = new Sample("cpu_usage", "vm-3", Map.of("severity", "high"), 99, time.now());
      poll(m, List.of(cpu("vm-1", 50), bad));
      AlertNotification health = sink.forRule("SourceHealth").get(0);
      assertThat(health.labels()).containsEntry("cause", "bad_data");
      assertThat(health.summary()).contains("index 1", "reserved label 'severity'");
      assertThat(sink.forRule("HighCpu")).isEmpty();
    }
  }

  /**
   * A label that changes every poll (here a request id) would start a new series per sample and
   * poll, growing memory without bound: past {@code maxNewSeriesPerPoll} the poll fails as {@code
   * bad_data}, naming the count and the fix, and the series already kept lose nothing.
   */
  @Test
  void aPollStartingMoreNewSeriesThanAllowedFailsAndKeepsEveryAlert() throws Exception {
    try (ResourceMonitor m =
        time.configure(ResourceMonitor.builder())
            .source("fleet", Schedule.every(Duration.ofMinutes(1)), context -> next.get())
            .rule(AlertRule.builder("HighCpu").metric("cpu_usage").above(80).build())
            .sink("recording", sink)
            .maxNewSeriesPerPoll(100)
            .build()) {
      List<Sample> fleet = new ArrayList<>();
      for (int i = 0; i < 80; i++) fleet.add(cpu("vm-" + i, 90));
      poll(m, fleet); // 80 new series: within the limit
      assertThat(sink.forRule("HighCpu")).hasSize(80);

      List<Sample> leaky = new ArrayList<>();
      for (int i = 0; i < 80; i++) leaky.add(cpu("vm-" + i, 50)); // would resolve all 80
      for (int i = 0; i < 150; i++) {
        leaky.add(
            new Sample(
                "cpu_usage", "vm-" + i, java.util.Map.of("request_id", "r" + i), 10, time.now()));
      }
      poll(m, leaky);

      AlertNotification health = sink.forRule("SourceHealth").get(0);
      assertThat(health.labels()).containsEntry("cause", "bad_data");
      assertThat(health.summary())
          .contains("more than 100 new series in one poll")
          .contains("maxNewSeriesPerPoll");
      assertThat(m.activeAlerts()).filteredOn(a -> a.rule().equals("HighCpu")).hasSize(80);
      assertThat(sink.forRule("HighCpu")).as("nothing of the bad poll applied").hasSize(80);
      assertThat(m.stats().sources().get("fleet").failures()).isEqualTo(1);

      poll(m, fleet.subList(0, 80));
      assertThat(sink.forRule("SourceHealth")).hasSize(2); // recovered
    }
  }
}
