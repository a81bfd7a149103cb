package dev.vigil.host;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.lang.management.MemoryUsage;
import java.lang.management.OperatingSystemMXBean;
import java.lang.management.ThreadMXBean;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Reads the platform MXBeans; CPU loads come from {@code com.sun.management} when present. */
final class MxBeanProbe implements HostProbe {
  private static final Logger log = LoggerFactory.getLogger(HostMetricsSource.class);

  private final OperatingSystemMXBean os;
  private final MemoryMXBean memory;
  private final ThreadMXBean threads;
  private final @Nullable CpuLoad cpu;

  private MxBeanProbe(
      OperatingSystemMXBean os, MemoryMXBean memory, ThreadMXBean threads, @Nullable CpuLoad cpu) {
    this.os = os;
    this.memory = memory;
    this.threads = threads;
    this.cpu = cpu;
  }

  static MxBeanProbe create() {
    OperatingSystemMXBean os = ManagementFactory.getOperatingSystemMXBean();
    CpuLoad cpu = null;
    try {
      cpu = SunCpuLoad.of(os);
    } catch (LinkageError e) {
      // The jdk.management module is not in this runtime.
      log.debug("com.sun.management is not available: {}", e.toString());
    }
    if (cpu == null) {
      log.info(
          "CPU usage is not available in this JVM; process_cpu_usage and system_cpu_usage"
              + " will not be reported");
    }
    return new MxBeanProbe(
        os, ManagementFactory.getMemoryMXBean(), ManagementFactory.getThreadMXBean(), cpu);
  }

  @Override
  public double processCpuLoad() {
    return cpu == null ? -1.0 : cpu.process();
  }

  @Override
  public double systemCpuLoad() {
    return cpu == null ? -1.0 : cpu.system();
  }

  @Override
  public double systemLoadAverage() {
    return os.getSystemLoadAverage();
  }

  @Override
  public MemoryUsage heap() {
    return memory.getHeapMemoryUsage();
  }

  @Override
  public int threadCount() {
    return threads.getThreadCount();
  }

  /** CPU loads; implemented apart so that only its class refers to {@code com.sun.management}. */
  interface CpuLoad {
    double process();

    double system();
  }
}
