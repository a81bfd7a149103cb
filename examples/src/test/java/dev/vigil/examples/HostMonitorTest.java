package dev.vigil.examples;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.vigil.ResourceMonitor;
import dev.vigil.Sample;
import dev.vigil.host.HostMetricsSource;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

class HostMonitorTest {

  @Test
  void pollKeepsTheLatestHostSamples() {
    AtomicReference<List<Sample>> last = new AtomicReference<>(List.of());
    try (ResourceMonitor monitor =
        HostMonitor.monitor(HostMetricsSource.builder().resource("test-host").build(), last)) {
      monitor.pollNow();

      assertThat(last.get())
          .extracting(Sample::metric)
          .contains("heap_used_percent", "heap_used_bytes", "jvm_threads", "disk_free_percent");
      assertThat(monitor.stats().sources().get("host").polls()).isEqualTo(1);
    }
  }

  @Test
  void mainRejectsArgumentsItDoesNotUnderstand() {
    assertThatThrownBy(() -> HostMonitor.main(new String[] {"--seconds", "x"}))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("usage: HostMonitor [--seconds N]");
    assertThatThrownBy(() -> HostMonitor.main(new String[] {"--minutes", "1"}))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
