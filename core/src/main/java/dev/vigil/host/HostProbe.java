package dev.vigil.host;

import java.lang.management.MemoryUsage;

/**
 * The JVM and machine readings behind {@link HostMetricsSource}, so that tests can script them. CPU
 * loads are fractions in {@code [0, 1]}; a negative value (or NaN) means "not available".
 */
interface HostProbe {

  /** The CPU load of this JVM process, or a negative value if not available. */
  double processCpuLoad();

  /** The CPU load of the whole machine (or container), or a negative value if not available. */
  double systemCpuLoad();

  /** The one-minute system load average, or a negative value if not available. */
  double systemLoadAverage();

  /** The heap usage. */
  MemoryUsage heap();

  /** The number of live threads. */
  int threadCount();

  /** The probe of this JVM's platform MXBeans. */
  static HostProbe platform() {
    return MxBeanProbe.create();
  }
}
