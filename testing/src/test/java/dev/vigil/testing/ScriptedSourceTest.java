package dev.vigil.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.vigil.PollContext;
import dev.vigil.Sample;
import java.io.IOException;
import java.time.Duration;
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
        ScriptedSource.builder()
            .metric("cpu_usage")
            .resource("vm-1")
            .values("85, 86, _, 70 missing -1.5e1")
            .build();

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
    assertThat(source.poll(context(T0)))
        .extracting(Sample::resource, Sample::value)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple("vm-1", 85.0),
            org.assertj.core.groups.Tuple.tuple("vm-2", 10.0));
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
            org.assertj.core.groups.Tuple.tuple(
                "vm-1", Map.of("region", "eu-west-1", "team", "core")),
            org.assertj.core.groups.Tuple.tuple(
                "vm-2", Map.of("region", "eu-west-1", "team", "core")),
            org.assertj.core.groups.Tuple.tuple("vm-2", Map.of()));
  }

  @Test
  void labelsAreCopiedWhenAdded() throws Exception {
    Map<String, String> labels = new HashMap<>(Map.of("region", "eu-west-1"));
    ScriptedSource.Builder builder =
        ScriptedSource.builder().series("cpu_usage", "vm-1", labels, "1");
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
            () ->
                ScriptedSource.builder().series("cpu_usage", "vm-1", Map.of("region", "eu"), "1 x"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("cpu_usage of vm-1{region=eu}")
        .hasMessageContaining("\"x\"");
  }

  private static List<Double> pollAt(ScriptedSource source, Duration offset) throws Exception {
    return values(source.poll(context(T0.plus(offset))));
  }

  @Test
  void timedValueHoldsFromItsOffsetUntilTheNext() throws Exception {
    ScriptedSource source = ScriptedSource.of("cpu_usage", "vm-1", "85@0s, 90@90s, missing@3m");

    assertThat(pollAt(source, Duration.ZERO)).containsExactly(85.0);
    assertThat(pollAt(source, Duration.ofSeconds(60))).containsExactly(85.0);
    assertThat(pollAt(source, Duration.ofSeconds(90))).containsExactly(90.0);
    assertThat(pollAt(source, Duration.ofSeconds(150))).containsExactly(90.0);
    assertThat(source.isFinished()).isFalse();
    assertThat(pollAt(source, Duration.ofMinutes(3))).isEmpty();
    assertThat(source.isFinished()).isTrue();
    assertThat(pollAt(source, Duration.ofMinutes(4))).isEmpty();
    assertThat(source.position()).isEqualTo(5);
  }

  @Test
  void timedOffsetsCountFromTheFirstPoll() throws Exception {
    ScriptedSource source = ScriptedSource.of("cpu_usage", "vm-1", "10@1m 20@2m");
    Instant first = T0.plusSeconds(3600);

    assertThat(source.poll(context(first))).isEmpty(); // before the first token
    assertThat(values(source.poll(context(first.plusSeconds(60))))).containsExactly(10.0);
    assertThat(values(source.poll(context(first.plusSeconds(120))))).containsExactly(20.0);
    assertThat(source.isFinished()).isTrue();
  }

  @Test
  void lastTimedValueIsSeenByTheFirstPollAtOrAfterItsOffset() throws Exception {
    ScriptedSource source = ScriptedSource.of("cpu_usage", "vm-1", "1@0 2@45s");

    assertThat(pollAt(source, Duration.ZERO)).containsExactly(1.0);
    assertThat(pollAt(source, Duration.ofSeconds(30))).containsExactly(1.0);
    assertThat(pollAt(source, Duration.ofSeconds(60))).containsExactly(2.0);
    assertThat(pollAt(source, Duration.ofSeconds(90))).isEmpty();
  }

  @Test
  void stepsOfATimedScriptDependOnTheInterval() {
    ScriptedSource source =
        ScriptedSource.builder()
            .series("cpu_usage", "vm-1", "85@0s, 90@90s, missing@3m")
            .series("cpu_usage", "vm-2", "1 2")
            .build();

    assertThat(source.steps(Duration.ofMinutes(1))).isEqualTo(4);
    assertThat(source.steps(Duration.ofSeconds(30))).isEqualTo(7);
    assertThat(source.steps(Duration.ofSeconds(100))).isEqualTo(3);
    assertThat(source.steps(Duration.ofHours(1))).isEqualTo(2); // the untimed series is longer
    assertThat(ScriptedSource.of("m", "r", "1 2 3").steps(Duration.ofSeconds(1))).isEqualTo(3);
    assertThatThrownBy(source::steps)
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("steps(Duration)");
    assertThatThrownBy(() -> source.steps(Duration.ZERO))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("not positive");
  }

  @Test
  void timedAndSteppedSeriesPlayTogetherAndEachEndsOnItsOwn() throws Exception {
    ScriptedSource source =
        ScriptedSource.builder()
            .series("cpu_usage", "timed", "5@0s 6@1m")
            .series("cpu_usage", "stepped", "1 2 3 4")
            .build();

    assertThat(source.poll(context(T0)))
        .extracting(Sample::resource, Sample::value)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple("timed", 5.0),
            org.assertj.core.groups.Tuple.tuple("stepped", 1.0));
    assertThat(source.poll(context(T0.plusSeconds(60))))
        .extracting(Sample::value)
        .containsExactly(6.0, 2.0);
    assertThat(source.poll(context(T0.plusSeconds(120))))
        .extracting(Sample::value)
        .containsExactly(3.0);
    assertThat(source.isFinished()).isFalse();
    assertThat(source.poll(context(T0.plusSeconds(180))))
        .extracting(Sample::value)
        .containsExactly(4.0);
    assertThat(source.isFinished()).isTrue();
  }

  @Test
  void failedPollConsumesNoTimedValue() throws Exception {
    IOException down = new IOException("down");
    ScriptedSource source =
        ScriptedSource.builder().series("cpu_usage", "vm-1", "1@0s 2@1m").failAt(1, down).build();

    assertThat(pollAt(source, Duration.ZERO)).containsExactly(1.0);
    assertThatThrownBy(() -> pollAt(source, Duration.ofMinutes(1))).isSameAs(down);
    assertThat(source.isFinished()).isFalse();
    assertThat(pollAt(source, Duration.ofMinutes(2))).containsExactly(2.0);
    assertThat(source.isFinished()).isTrue();
  }

  @Test
  void badOffsetIsRejectedNamingTheToken() {
    for (String bad : new String[] {"85@", "85@1x", "85@-1m", "85@1s1m", "85@1m1m", "85@1.5m"}) {
      assertThatThrownBy(() -> ScriptedSource.of("cpu_usage", "vm-1", "1@0s " + bad))
          .as(bad)
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("bad token \"" + bad + "\" at token 1 (index 5")
          .hasMessageContaining("an offset such as");
    }
  }

  @Test
  void badValueOfTimedTokenIsRejectedNamingTheToken() {
    assertThatThrownBy(() -> ScriptedSource.of("cpu_usage", "vm-1", "8o@0s"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("bad token \"8o@0s\" at token 0")
        .hasMessageContaining("before '@'");
  }

  @Test
  void offsetsMustIncrease() {
    assertThatThrownBy(() -> ScriptedSource.of("cpu_usage", "vm-1", "1@1m, 2@30s"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("bad token \"2@30s\" at token 1")
        .hasMessageContaining("after the previous one, 1m");
    assertThatThrownBy(() -> ScriptedSource.of("cpu_usage", "vm-1", "1@1m, 2@60s"))
        .hasMessageContaining("\"2@60s\"");
  }

  @Test
  void mixingTimedAndSteppedTokensIsRejectedNamingTheFirstThatDiffers() {
    assertThatThrownBy(() -> ScriptedSource.of("cpu_usage", "vm-1", "85@0s, 86, 87@2m"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("bad token \"86\" at token 1")
        .hasMessageContaining("VALUE@OFFSET like the first token \"85@0s\"");
    assertThatThrownBy(() -> ScriptedSource.of("cpu_usage", "vm-1", "85, 86@1m"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("bad token \"86@1m\" at step 1")
        .hasMessageContaining("like the first token \"85\"");
  }

  @Test
  void scriptedFailureIsThrownAtItsStepOnly() throws Exception {
    IOException down = new IOException("cloud API down");
    ScriptedSource source =
        ScriptedSource.builder().series("cpu_usage", "vm-1", "1 2 3").failAt(1, down).build();

    assertThat(values(source.poll(context(T0)))).containsExactly(1.0);
    assertThatThrownBy(() -> source.poll(context(T0))).isSameAs(down);
    assertThat(values(source.poll(context(T0)))).containsExactly(3.0);
  }

  @Test
  void failureBeyondTheValuesLengthensTheScript() throws Exception {
    IOException down = new IOException("down");
    ScriptedSource source =
        ScriptedSource.builder().series("cpu_usage", "vm-1", "1").failAt(3, down).build();

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
    assertThatThrownBy(() -> ScriptedSource.of("m", "r", "Infinity"))
        .hasMessageContaining("\"Infinity\"");
    assertThatThrownBy(() -> ScriptedSource.of("m", "r", "0x10")).hasMessageContaining("\"0x10\"");
    assertThatThrownBy(() -> ScriptedSource.of("m", "r", "1e999"))
        .hasMessageContaining("\"1e999\"")
        .hasMessageContaining("finite");
  }

  @Test
  void emptyScriptsAreRejected() {
    assertThatThrownBy(() -> ScriptedSource.of("m", "r", " , "))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("empty");
    assertThatThrownBy(() -> ScriptedSource.builder().build())
        .isInstanceOf(IllegalStateException.class);
    assertThatThrownBy(() -> ScriptedSource.builder().metric("m").values("1"))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("resource");
    assertThatThrownBy(() -> ScriptedSource.builder().failAt(-1, new IOException()))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
