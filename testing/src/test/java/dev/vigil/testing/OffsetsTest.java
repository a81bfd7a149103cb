package dev.vigil.testing;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class OffsetsTest {

  @Test
  void parsesPrometheusStyleDurations() {
    assertThat(Offsets.parse("0")).isEqualTo(Duration.ZERO);
    assertThat(Offsets.parse("0s")).isEqualTo(Duration.ZERO);
    assertThat(Offsets.parse("90s")).isEqualTo(Duration.ofSeconds(90));
    assertThat(Offsets.parse("1m30s")).isEqualTo(Duration.ofSeconds(90));
    assertThat(Offsets.parse("1d2h3m4s5ms"))
        .isEqualTo(Duration.ofDays(1).plusHours(2).plusMinutes(3).plusSeconds(4).plusMillis(5));
    assertThat(Offsets.parse("250ms")).isEqualTo(Duration.ofMillis(250));
  }

  @Test
  void rejectsAnythingElse() {
    for (String bad :
        new String[] {
          "", "1", "m", "1M", "-1m", "1.5m", "1s1m", "1m1m", "1m ", "PT1M", "1234567890s"
        }) {
      assertThat(Offsets.parse(bad)).as(bad).isNull();
    }
  }

  @Test
  void formatsAsItParses() {
    assertThat(Offsets.format(Duration.ZERO)).isEqualTo("0s");
    assertThat(Offsets.format(Duration.ofSeconds(90))).isEqualTo("1m30s");
    assertThat(Offsets.format(Duration.ofHours(25))).isEqualTo("1d1h");
    assertThat(Offsets.format(Duration.ofMillis(1500))).isEqualTo("1s500ms");
    assertThat(Offsets.format(Duration.ofNanos(1))).isEqualTo("PT0.000000001S");
    for (String text : new String[] {"1d2h3m4s5ms", "45s", "2h"}) {
      assertThat(Offsets.format(Offsets.parse(text))).isEqualTo(text);
    }
  }
}
