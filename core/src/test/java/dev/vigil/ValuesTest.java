package dev.vigil;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.vigil.internal.Templates;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ValuesTest {
  private static final Instant T0 = Instant.parse("2026-11-24T00:00:00Z");

  @ParameterizedTest
  @CsvSource({
    "92.39999999, 92.4",
    "80, 80",
    "80.0, 80",
    "0.005, 0.01",
    "-3.14159, -3.14",
    "1.0E7, 10000000",
    "1.0E-9, 0"
  })
  void numbersAreFormattedForPeople(double value, String expected) {
    assertThat(Templates.formatNumber(value)).isEqualTo(expected);
  }

  @Test
  void sampleRejectsValuesThatAreNotNumbers() {
    assertThatThrownBy(() -> Sample.of("cpu_usage", "vm-1", Double.NaN, T0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("cpu_usage")
        .hasMessageContaining("vm-1");
    assertThatThrownBy(() -> Sample.of("cpu_usage", "vm-1", Double.POSITIVE_INFINITY, T0))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> Sample.of(" ", "vm-1", 1, T0)).hasMessageContaining("metric");
    assertThatThrownBy(() -> Sample.of("m", "vm-1", 1, null)).hasMessage("timestamp == null");
  }

  @Test
  void sampleLabelsAreCopied() {
    Map<String, String> labels = new HashMap<>(Map.of("region", "eu"));
    Sample sample = new Sample("m", "r", labels, 1, T0);
    labels.put("region", "us");
    assertThat(sample.labels()).containsEntry("region", "eu");
  }

  @Test
  void resolvedNotificationNeedsAnEnd() {
    assertThatThrownBy(
            () ->
                new AlertNotification(
                    "R",
                    AlertStatus.RESOLVED,
                    Severity.WARNING,
                    "vm-1",
                    Map.of(),
                    "s",
                    1,
                    2,
                    T0,
                    null,
                    "f"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("endsAt");
  }
}
