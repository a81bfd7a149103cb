package dev.vigil.host;

import java.lang.management.MemoryUsage;

/** A probe whose readings the test sets. */
final class ScriptedProbe implements HostProbe {
  double processCpuLoad = 0.25;
  double systemCpuLoad = 0.5;
  double systemLoadAverage = 1.5;
  MemoryUsage heap = new MemoryUsage(0, 300, 400, 1000);
  int threadCount = 12;

  @Override
  public double processCpuLoad() {
    return processCpuLoad;
  }

  @Override
  public double systemCpuLoad() {
    return systemCpuLoad;
  }

  @Override
  public double systemLoadAverage() {
    return systemLoadAverage;
  }

  @Override
  public MemoryUsage heap() {
    return heap;
  }

  @Override
  public int threadCount() {
    return threadCount;
  }
}
