package dev.vigil.host;

import static java.util.Objects.requireNonNull;

import dev.vigil.MetricSource;
import dev.vigil.PollContext;
import dev.vigil.Sample;
import java.io.IOException;
import java.lang.management.MemoryUsage;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.FileStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * A {@link MetricSource} for the JVM it runs in and the machine under it, read from the JDK's
 * management beans and file stores. JDK only: no agent, no native code.
 *
 * <pre>{@code
 * MetricSource host = HostMetricsSource.builder()
 *     .resource("billing-1")
 *     .disk(Path.of("/"))
 *     .disk(Path.of("/var/lib/billing"))
 *     .build();
 * }</pre>
 *
 * <p><b>Metrics.</b> Every sample has the {@link Builder#resource resource} name; the names are API
 * and will not change.
 *
 * <table>
 *   <caption>Metrics of a poll</caption>
 *   <tr><th>Metric</th><th>Unit</th><th>Meaning</th></tr>
 *   <tr><td>{@code process_cpu_usage}</td><td>percent, 0-100</td>
 *       <td>CPU used by this JVM process, relative to all CPUs available to it</td></tr>
 *   <tr><td>{@code system_cpu_usage}</td><td>percent, 0-100</td>
 *       <td>CPU used by the whole machine, or by the container the JVM runs in</td></tr>
 *   <tr><td>{@code system_load_average}</td><td>runnable entities</td>
 *       <td>the operating system's one-minute load average</td></tr>
 *   <tr><td>{@code heap_used_percent}</td><td>percent, 0-100</td>
 *       <td>used heap relative to the maximum heap, or to the committed heap when the maximum
 *       is undefined</td></tr>
 *   <tr><td>{@code heap_used_bytes}</td><td>bytes</td><td>used heap</td></tr>
 *   <tr><td>{@code jvm_threads}</td><td>threads</td><td>live threads of this JVM</td></tr>
 *   <tr><td>{@code disk_free_percent}</td><td>percent, 0-100</td>
 *       <td>space usable by this JVM on the file store of a {@link Builder#disk disk} path,
 *       relative to its total size; label {@code path}</td></tr>
 *   <tr><td>{@code disk_free_bytes}</td><td>bytes</td>
 *       <td>space usable by this JVM on that file store; label {@code path}</td></tr>
 * </table>
 *
 * <p>The CPU metrics come from {@code com.sun.management.OperatingSystemMXBean} (module {@code
 * jdk.management}, part of every OpenJDK build); on a runtime without it they are never reported. A
 * reading the JDK marks as not available (a negative value, as the load average is on Windows) is
 * skipped for that poll: this source never reports a made-up 0. A disk path that cannot be read (it
 * does not exist, or its file store reports a total size of 0) is reported through {@link
 * PollContext#reportError} with the path as the resource, and the other samples are returned as
 * usual. Timestamps are {@link PollContext#now()}.
 *
 * <p><b>Threading and lifecycle.</b> Immutable and thread safe; it holds no threads or files, so
 * {@link #close()} does nothing.
 */
public final class HostMetricsSource implements MetricSource {
  private final String resource;
  private final List<Path> disks;
  private final HostProbe probe;

  private HostMetricsSource(String resource, List<Path> disks, HostProbe probe) {
    this.resource = resource;
    this.disks = disks;
    this.probe = probe;
  }

  /**
   * Returns a source with the defaults: the local host name as resource, and the root of the
   * working directory as the only disk.
   */
  public static HostMetricsSource create() {
    return builder().build();
  }

  /** Returns a new builder. */
  public static Builder builder() {
    return new Builder();
  }

  /** Returns a builder initialised with this source's settings, for variations. */
  public Builder newBuilder() {
    Builder b = new Builder();
    b.resource = resource;
    b.disks.addAll(disks);
    b.probe = probe;
    return b;
  }

  /** The resource name of every sample. */
  public String resource() {
    return resource;
  }

  /** The disk paths whose free space is reported, absolute, in the order they were added. */
  public List<Path> disks() {
    return disks;
  }

  /**
   * Reads the current values. Disk paths that cannot be read are reported through {@code context};
   * everything else is read from memory and does not fail.
   */
  @Override
  public List<Sample> poll(PollContext context) {
    Instant now = context.now();
    List<Sample> samples = new ArrayList<>(6 + 2 * disks.size());
    addCpu(samples, "process_cpu_usage", probe.processCpuLoad(), now);
    addCpu(samples, "system_cpu_usage", probe.systemCpuLoad(), now);
    double load = probe.systemLoadAverage();
    if (load >= 0) samples.add(Sample.of("system_load_average", resource, load, now));

    MemoryUsage heap = probe.heap();
    long limit = heap.getMax() > 0 ? heap.getMax() : heap.getCommitted();
    if (limit > 0) {
      samples.add(Sample.of("heap_used_percent", resource, percent(heap.getUsed(), limit), now));
    }
    samples.add(Sample.of("heap_used_bytes", resource, (double) heap.getUsed(), now));
    samples.add(Sample.of("jvm_threads", resource, probe.threadCount(), now));

    for (Path disk : disks) {
      try {
        FileStore store = Files.getFileStore(disk);
        long total = store.getTotalSpace();
        long usable = store.getUsableSpace();
        if (total <= 0) {
          throw new IOException("file store " + store + " reports a total size of " + total);
        }
        Map<String, String> labels = Map.of("path", disk.toString());
        samples.add(new Sample("disk_free_percent", resource, labels, percent(usable, total), now));
        samples.add(new Sample("disk_free_bytes", resource, labels, usable, now));
      } catch (IOException | SecurityException e) {
        context.reportError(
            disk.toString(),
            new IOException("cannot read free space of " + disk + " on " + resource + ": " + e, e));
      }
    }
    return samples;
  }

  private void addCpu(List<Sample> samples, String metric, double load, Instant now) {
    if (load >= 0) { // false for negative ("not available") and NaN
      samples.add(Sample.of(metric, resource, Math.min(100.0, load * 100.0), now));
    }
  }

  private static double percent(long part, long whole) {
    return Math.min(100.0, 100.0 * part / whole);
  }

  @Override
  public String toString() {
    return "HostMetricsSource{resource=" + resource + ", disks=" + disks + "}";
  }

  /** Configures a {@link HostMetricsSource}. Not thread safe; setters reject bad values at once. */
  public static final class Builder {
    private @Nullable String resource;
    private final Set<Path> disks = new LinkedHashSet<>();
    private @Nullable HostProbe probe;

    private Builder() {}

    /**
     * Sets the resource name of every sample. The default is the local host name, or {@code
     * localhost} if it cannot be found.
     *
     * @throws NullPointerException if {@code resource} is null
     * @throws IllegalArgumentException if {@code resource} is blank
     */
    public Builder resource(String resource) {
      requireNonNull(resource, "resource == null");
      if (resource.isBlank()) throw new IllegalArgumentException("resource is blank");
      this.resource = resource;
      return this;
    }

    /**
     * Adds a path whose file store's free space is reported, with the absolute path as label {@code
     * path}. The path need not exist yet: a path that cannot be read is reported on each poll.
     * Without any, the root of the working directory is reported.
     *
     * @throws NullPointerException if {@code path} is null
     * @throws IllegalArgumentException if the path was already added
     */
    public Builder disk(Path path) {
      requireNonNull(path, "path == null");
      Path absolute = path.toAbsolutePath().normalize();
      if (!disks.add(absolute)) {
        throw new IllegalArgumentException("disk already added: " + absolute);
      }
      return this;
    }

    /** Replaces the JVM's management beans, for tests. */
    Builder probe(HostProbe probe) {
      this.probe = requireNonNull(probe, "probe == null");
      return this;
    }

    /**
     * Builds the source. Looks up the local host name if no resource was set, which may ask the
     * name service.
     */
    public HostMetricsSource build() {
      List<Path> paths =
          disks.isEmpty() ? List.of(Path.of("").toAbsolutePath().getRoot()) : List.copyOf(disks);
      return new HostMetricsSource(
          resource != null ? resource : localHostName(),
          paths,
          probe != null ? probe : HostProbe.platform());
    }

    private static String localHostName() {
      try {
        String name = InetAddress.getLocalHost().getHostName();
        return name.isBlank() ? "localhost" : name;
      } catch (UnknownHostException | SecurityException e) {
        return "localhost";
      }
    }
  }
}
