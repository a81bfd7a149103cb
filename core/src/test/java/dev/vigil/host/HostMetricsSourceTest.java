package dev.vigil.host;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.vigil.PollContext;
import dev.vigil.Sample;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryUsage;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class HostMetricsSourceTest {
  private static final Instant NOW = Instant.parse("2026-11-24T10:15:30Z");

  @TempDir Path tempDir;

  private final RecordingContext context = new RecordingContext();

  @Test
  void pollReportsEveryJvmMetricWithinItsRange() {
    HostMetricsSource source = HostMetricsSource.builder().resource("my-host").build();

    List<Sample> samples = source.poll(context);

    assertThat(samples)
        .allSatisfy(
            s -> {
              assertThat(s.resource()).isEqualTo("my-host");
              assertThat(s.timestamp()).isEqualTo(NOW);
            });
    assertThat(value(samples, "heap_used_percent"))
        .hasValueSatisfying(v -> assertThat(v).isGreaterThan(0.0).isLessThanOrEqualTo(100.0));
    assertThat(value(samples, "heap_used_bytes"))
        .hasValueSatisfying(v -> assertThat(v).isGreaterThan(0.0));
    assertThat(value(samples, "jvm_threads"))
        .hasValueSatisfying(v -> assertThat(v).isGreaterThanOrEqualTo(1.0));
    assertThat(context.errors).isEmpty();
  }

  @Test
  void cpuMetricsArePercentagesWhenTheJdkHasThem() {
    HostMetricsSource source = HostMetricsSource.create();

    List<Sample> samples = source.poll(context);

    // Every OpenJDK has com.sun.management; its loads are not negative on Linux and macOS.
    assertThat(ManagementFactory.getOperatingSystemMXBean())
        .isInstanceOf(com.sun.management.OperatingSystemMXBean.class);
    for (String metric : List.of("process_cpu_usage", "system_cpu_usage")) {
      assertThat(value(samples, metric))
          .as(metric)
          .hasValueSatisfying(v -> assertThat(v).isBetween(0.0, 100.0));
    }
  }

  @Test
  void loadAverageIsReportedExactlyWhenTheOperatingSystemHasOne() {
    boolean available = ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage() >= 0;

    List<Sample> samples = HostMetricsSource.create().poll(context);

    if (available) {
      assertThat(value(samples, "system_load_average"))
          .hasValueSatisfying(v -> assertThat(v).isGreaterThanOrEqualTo(0.0));
    } else {
      assertThat(value(samples, "system_load_average")).isEmpty();
    }
  }

  @Test
  void diskFreeSpaceIsReportedPerPathWithPathLabel() {
    HostMetricsSource source =
        HostMetricsSource.builder()
            .resource("my-host")
            .disk(tempDir)
            .disk(tempDir.getRoot())
            .build();

    List<Sample> samples = source.poll(context);

    Map<String, Double> percent = byPath(samples, "disk_free_percent");
    Map<String, Double> bytes = byPath(samples, "disk_free_bytes");
    assertThat(percent.keySet())
        .containsExactlyInAnyOrder(tempDir.toString(), tempDir.getRoot().toString());
    assertThat(bytes.keySet()).isEqualTo(percent.keySet());
    assertThat(percent.values()).allSatisfy(v -> assertThat(v).isBetween(0.0, 100.0));
    assertThat(bytes.values()).allSatisfy(v -> assertThat(v).isGreaterThanOrEqualTo(0.0));
    assertThat(context.errors).isEmpty();
  }

  @Test
  void missingDiskPathIsReportedAsErrorWhileOtherSamplesStillComeBack() {
    Path missing = tempDir.resolve("no-such-dir");
    HostMetricsSource source =
        HostMetricsSource.builder().resource("my-host").disk(missing).disk(tempDir).build();

    List<Sample> samples = source.poll(context);

    assertThat(context.errors).hasSize(1);
    assertThat(context.errors.get(0).getKey()).isEqualTo(missing.toString());
    assertThat(context.errors.get(0).getValue())
        .isInstanceOf(IOException.class)
        .hasMessageContaining(missing.toString())
        .hasMessageContaining("my-host");
    assertThat(byPath(samples, "disk_free_percent")).containsOnlyKeys(tempDir.toString());
    assertThat(value(samples, "heap_used_bytes")).isPresent();
    assertThat(value(samples, "jvm_threads")).isPresent();
  }

  @Test
  void unavailableReadingsAreSkippedNeverReportedAsZero() {
    ScriptedProbe probe = new ScriptedProbe();
    probe.processCpuLoad = -1.0;
    probe.systemCpuLoad = Double.NaN;
    probe.systemLoadAverage = -1.0;
    HostMetricsSource source =
        HostMetricsSource.builder().resource("h").disk(tempDir).probe(probe).build();

    List<Sample> samples = source.poll(context);

    assertThat(samples)
        .extracting(Sample::metric)
        .containsExactlyInAnyOrder(
            "heap_used_percent",
            "heap_used_bytes",
            "jvm_threads",
            "disk_free_percent",
            "disk_free_bytes");
  }

  @Test
  void readingsAreConvertedToTheDocumentedUnits() {
    ScriptedProbe probe = new ScriptedProbe();
    HostMetricsSource source =
        HostMetricsSource.builder().resource("h").disk(tempDir).probe(probe).build();

    List<Sample> samples = source.poll(context);

    assertThat(value(samples, "process_cpu_usage")).hasValue(25.0);
    assertThat(value(samples, "system_cpu_usage")).hasValue(50.0);
    assertThat(value(samples, "system_load_average")).hasValue(1.5);
    assertThat(value(samples, "heap_used_percent")).hasValue(30.0);
    assertThat(value(samples, "heap_used_bytes")).hasValue(300.0);
    assertThat(value(samples, "jvm_threads")).hasValue(12.0);
  }

  @Test
  void heapPercentUsesCommittedHeapWhenMaxIsUndefined() {
    ScriptedProbe probe = new ScriptedProbe();
    probe.heap = new MemoryUsage(0, 100, 400, -1);
    HostMetricsSource source =
        HostMetricsSource.builder().resource("h").disk(tempDir).probe(probe).build();

    assertThat(value(source.poll(context), "heap_used_percent")).hasValue(25.0);
  }

  @Test
  void defaultsAreLocalHostNameAndRootOfWorkingDirectory() {
    HostMetricsSource source = HostMetricsSource.create();

    assertThat(source.resource()).isNotBlank();
    assertThat(source.disks()).containsExactly(Path.of("").toAbsolutePath().getRoot());
  }

  @Test
  void newBuilderKeepsSettings() {
    HostMetricsSource source = HostMetricsSource.builder().resource("a").disk(tempDir).build();

    HostMetricsSource copy = source.newBuilder().resource("b").build();

    assertThat(copy.resource()).isEqualTo("b");
    assertThat(copy.disks()).containsExactly(tempDir.toAbsolutePath());
  }

  @Test
  void builderRejectsBadSettingsAtOnce() {
    HostMetricsSource.Builder builder = HostMetricsSource.builder().disk(tempDir);

    assertThatThrownBy(() -> builder.resource(null))
        .isInstanceOf(NullPointerException.class)
        .hasMessage("resource == null");
    assertThatThrownBy(() -> builder.resource(" "))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("resource is blank");
    assertThatThrownBy(() -> builder.disk(null))
        .isInstanceOf(NullPointerException.class)
        .hasMessage("path == null");
    assertThatThrownBy(() -> builder.disk(tempDir.resolve(".")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining(tempDir.toString());
  }

  private static Optional<Double> value(List<Sample> samples, String metric) {
    List<Double> values =
        samples.stream().filter(s -> s.metric().equals(metric)).map(Sample::value).toList();
    assertThat(values).as("samples of " + metric).hasSizeLessThanOrEqualTo(1);
    return values.stream().findFirst();
  }

  private static Map<String, Double> byPath(List<Sample> samples, String metric) {
    return samples.stream()
        .filter(s -> s.metric().equals(metric))
        .collect(Collectors.toMap(s -> s.labels().get("path"), Sample::value));
  }

  /** The context of a poll at {@link #NOW}; records the errors the source reports. */
  private static final class RecordingContext implements PollContext {
    final List<Map.Entry<String, Exception>> errors = new CopyOnWriteArrayList<>();

    @Override
    public String sourceName() {
      return "host";
    }

    @Override
    public Instant now() {
      return NOW;
    }

    @Override
    public void reportError(String resource, Exception error) {
      errors.add(Map.entry(resource, error));
    }
  }
}
