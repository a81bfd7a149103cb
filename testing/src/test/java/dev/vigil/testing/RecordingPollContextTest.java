package dev.vigil.testing;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vigil.Sample;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RecordingPollContextTest {

  @Test
  void givesTheSourceItsNameAndVirtualTimeAndRecordsReportedErrors() throws Exception {
    ManualClock clock = ManualClock.create();
    RecordingPollContext context = RecordingPollContext.create("cloud", clock);
    dev.vigil.MetricSource source =
        c -> {
          c.reportError("vm-2", new IOException("HTTP 500"));
          return List.of(Sample.of("cpu_usage", "vm-1", 42, c.now()));
        };

    clock.advance(Duration.ofMinutes(1));
    List<Sample> samples = source.poll(context);

    assertThat(context.sourceName()).isEqualTo("cloud");
    assertThat(samples)
        .singleElement()
        .extracting(Sample::timestamp)
        .isEqualTo(ManualClock.DEFAULT_START.plus(Duration.ofMinutes(1)));
    assertThat(context.errors()).extracting(Map.Entry::getKey).containsExactly("vm-2");
    assertThat(context.errors().get(0).getValue()).hasMessage("HTTP 500");
  }
}
