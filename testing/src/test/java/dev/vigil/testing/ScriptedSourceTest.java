package dev.vigil.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.vigil.PollContext;
import dev.vigil.Sample;
import java.io.IOException;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ScriptedSourceTest {
  private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");

  private static PollContext context(Instant now) {
    return new PollContext() {
      @Override
      public String sourceName() {
        return "script";
      }

      @Override
      public Instant now() {
        return now;
      }

      @Override
      public void reportError(String resource, Exception error) {}
    };
  }

  private static List<Double> values(List<Sample> samples) {
    return samples.stream().map(Sample::value).toList();
  }

  @Test
  void eachPollConsumesOneStepWithValuesAndGaps() throws Exception {
    ScriptedSource source =
        ScriptedSource.builder().metric("cpu_usage").resource("vm-1").values("85, 86, _, 70 missing -1.5e1").build();

    assertThat(source.steps()).isEqualTo(6);
    assertThat(values(source.poll(context(T0)))).containsExactly(85.0);
    assertThat(values(source.poll(context(T0)))).containsExactly(86.0);
    assertThat(source.poll(context(T0))).isEmpty();
    assertThat(values(source.poll(context(T0)))).containsExactly(70.0);
    assertThat(source.poll(context(T0))).isEmpty();
    assertThat(values(source.poll(context(T0)))).containsExactly(-15.0);
    assertThat(source.position()).isEqualTo(6);
    assertThat(source.isFinished()).isTrue();
  }

  @Test
  void samplesCarryMetricResourceAndPollTime() throws Exception {
    ScriptedSource source = ScriptedSource.of("mem_usage", "vm-7", "42");
    Instant now = T0.plusSeconds(90);

    assertThat(source.poll(context(now))).containsExactly(Sample.of("mem_usage", "vm-7", 42, now));
  }

  @Test
  void returnsNoSamplesAfterScriptEnds() throws Exception {
    ScriptedSource source = ScriptedSource.of("cpu_usage", "vm-1", "1");
    source.poll(context(T0));

    assertThat(source.poll(context(T0))).isEmpty();
    assertThat(source.poll(context(T0))).isEmpty();
    assertThat(source.position()).isEqualTo(1);
  }

  @Test
  void severalSeriesShareSteps() throws Exception {
    ScriptedSource source =
        ScriptedSource.builder()
            .series("cpu_usage", "vm-1", "85 _")
            .series("cpu_usage", "vm-2", "10 10 90")
            .build();

    assertThat(source.steps()).isEqualTo(3);
    assertThat(source.poll(context(T0))).extracting(Sample::resource, Sample::value)
        .containsExactly(org.assertj.core.groups.Tuple.tuple("vm-1", 85.0), org.assertj.core.groups.Tuple.tuple("vm-2", 10.0));
    assertThat(source.poll(context(T0))).extracting(Sample::resource).containsExactly("vm-2");
    assertThat(source.poll(context(T0))).extracting(Sample::resource).containsExactly("vm-2");
  }

  @Test
  void labelledSeriesSamplesCarryTheirLabels() throws Exception {
    ScriptedSource source =
        ScriptedSource.builder()
            .series("cpu_usage", "vm-1", Map.of("region", "eu-west-1"), "85")
            .series("cpu_usage", "vm-1", Map.of("region", "us-east-1"), "20")
            .series("cpu_usage", "vm-2", "30")
            .build();

    assertThat(source.poll(context(T0)))
        .containsExactly(
            new Sample("cpu_usage", "vm-1", Map.of("region", "eu-west-1"), 85, T0),
            new Sample("cpu_usage", "vm-1", Map.of("region", "us-east-1"), 20, T0),
            Sample.of("cpu_usage", "vm-2", 30, T0));
  }

  @Test
  void labelsStaySetForLaterValuesCallsUntilReplaced() throws Exception {
    ScriptedSource source =
        ScriptedSource.builder()
            .metric("cpu_usage")
            .resource("vm-1")
            .labels(Map.of("region", "eu-west-1", "team", "core"))
            .values("1")
            .resource("vm-2")
            .values("2")
            .labels(Map.of())
            .values("3")
            .build();

    assertThat(source.poll(context(T0)))
        .extracting(Sample::resource, Sample::labels)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple("vm-1", Map.of("region", "eu-west-1", "team", "core")),
            org.assertj.core.groups.Tuple.tuple("vm-2", Map.of("region", "eu-west-1", "team", "core")),
            org.assertj.core.groups.Tuple.tuple("vm-2", Map.of()));
  }

  @Test
  void labelsAreCopiedWhenAdded() throws Exception {
    Map<String, String> labels = new HashMap<>(Map.of("region", "eu-west-1"));
    ScriptedSource.Builder builder = ScriptedSource.builder().series("cpu_usage", "vm-1", labels, "1");
    labels.put("region", "changed");

    assertThat(builder.build().poll(context(T0)))
        .extracting(Sample::labels)
        .containsExactly(Map.of("region", "eu-west-1"));
  }

  @Test
  void badLabelsAreRejectedNamingTheLabel() {
    Map<String, String> nullValue = new HashMap<>();
    nullValue.put("region", null);

    assertThatThrownBy(() -> ScriptedSource.builder().series("m", "r", nullValue, "1"))
        .isInstanceOf(NullPointerException.class)
        .hasMessage("value of label region == null");
    assertThatThrownBy(() -> ScriptedSource.builder().labels(Map.of(" ", "x")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("label name is blank");
    assertThatThrownBy(() -> ScriptedSource.builder().labels(null))
        .isInstanceOf(NullPointerException.class)
        .hasMessage("labels == null");
  }

  @Test
  void badTokenOfLabelledSeriesNamesTheLabels() {
    assertThatThrownBy(
            () -> ScriptedSource.builder().series("cpu_usage", "vm-1", Map.of("region", "eu"), "1 x"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("cpu_usage of vm-1{region=eu}")
        .hasMessageContaining("\"x\"");
  }

  @Test
  void scriptedFailureIsThrownAtItsStepOnly() throws Exception {
    IOException down = new IOException("cloud API down");
    ScriptedSource source = ScriptedSource.builder().series("cpu_usage", "vm-1", "1 2 3").failAt(1, down).build();

    assertThat(values(source.poll(context(T0)))).containsExactly(1.0);
    assertThatThrownBy(() -> source.poll(context(T0))).isSameAs(down);
    assertThat(values(source.poll(context(T0)))).containsExactly(3.0);
  }

  @Test
  void failureBeyondTheValuesLengthensTheScript() throws Exception {
    IOException down = new IOException("down");
    ScriptedSource source = ScriptedSource.builder().series("cpu_usage", "vm-1", "1").failAt(3, down).build();

    assertThat(source.steps()).isEqualTo(4);
    source.poll(context(T0));
    assertThat(source.poll(context(T0))).isEmpty();
    assertThat(source.poll(context(T0))).isEmpty();
    assertThatThrownBy(() -> source.poll(context(T0))).isSameAs(down);
    assertThat(source.poll(context(T0))).isEmpty();
  }

  @Test
  void badTokenIsRejectedWithTokenStepAndPosition() {
    assertThatThrownBy(() -> ScriptedSource.of("cpu_usage", "vm-1", "85, 86, 8o, 70"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("\"8o\"")
        .hasMessageContaining("step 2")
        .hasMessageContaining("index 8 of \"85, 86, 8o, 70\"")
        .hasMessageContaining("cpu_usage of vm-1");
  }

  @Test
  void nonDecimalNumbersAreRejected() {
    assertThatThrownBy(() -> ScriptedSource.of("m", "r", "1 NaN")).hasMessageContaining("\"NaN\"");
    assertThatThrownBy(() -> ScriptedSource.of("m", "r", "Infinity")).hasMessageContaining("\"Infinity\"");
    assertThatThrownBy(() -> ScriptedSource.of("m", "r", "0x10")).hasMessageContaining("\"0x10\"");
    assertThatThrownBy(() -> ScriptedSource.of("m", "r", "1e999"))
        .hasMessageContaining("\"1e999\"")
        .hasMessageContaining("finite");
  }

  @Test
  void emptyScriptsAreRejected() {
    assertThatThrownBy(() -> ScriptedSource.of("m", "r", " , ")).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("empty");
    assertThatThrownBy(() -> ScriptedSource.builder().build()).isInstanceOf(IllegalStateException.class);
    assertThatThrownBy(() -> ScriptedSource.builder().metric("m").values("1"))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("resource");
    assertThatThrownBy(() -> ScriptedSource.builder().failAt(-1, new IOException()))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
