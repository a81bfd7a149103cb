package dev.vigil.host;

import java.lang.management.OperatingSystemMXBean;
import org.jspecify.annotations.Nullable;

/** The only class that refers to {@code com.sun.management}: loading it fails without it. */
final class SunCpuLoad implements MxBeanProbe.CpuLoad {
  private final com.sun.management.OperatingSystemMXBean os;

  private SunCpuLoad(com.sun.management.OperatingSystemMXBean os) {
    this.os = os;
  }

  /** Returns the CPU loads of {@code os}, or null if it is not a {@code com.sun} bean. */
  static @Nullable SunCpuLoad of(OperatingSystemMXBean os) {
    return os instanceof com.sun.management.OperatingSystemMXBean sun ? new SunCpuLoad(sun) : null;
  }

  @Override
  public double process() {
    return os.getProcessCpuLoad();
  }

  @Override
  public double system() {
    return os.getCpuLoad();
  }
}
