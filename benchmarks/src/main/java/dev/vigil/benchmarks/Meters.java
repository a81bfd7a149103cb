package dev.vigil.benchmarks;

import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.util.HashMap;
import java.util.Map;

/**
 * The JVM's counters: wall time, process CPU time, bytes allocated and CPU time per thread, GC. Not
 * thread safe; one per benchmark run.
 */
final class Meters {
  private final com.sun.management.OperatingSystemMXBean os =
      (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
  private final com.sun.management.ThreadMXBean threads =
      (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();

  Meters() {
    if (!threads.isThreadAllocatedMemorySupported()) {
      throw new IllegalStateException("this JVM does not count allocated bytes per thread");
    }
    threads.setThreadAllocatedMemoryEnabled(true);
  }

  record Snapshot(
      long wallNanos,
      long cpuNanos,
      Map<Long, Long> allocatedByThread,
      Map<Long, Long> cpuByThread,
      Map<Long, String> names,
      long threadsStarted,
      long gcCount,
      long gcMillis) {}

  Snapshot snapshot() {
    long[] ids = threads.getAllThreadIds();
    long[] bytes = threads.getThreadAllocatedBytes(ids);
    Map<Long, Long> byThread = new HashMap<>();
    Map<Long, Long> cpuByThread = new HashMap<>();
    Map<Long, String> names = new HashMap<>();
    for (int i = 0; i < ids.length; i++) {
      if (bytes[i] >= 0) byThread.put(ids[i], bytes[i]); // -1: the thread has ended meanwhile
      long cpu = threads.getThreadCpuTime(ids[i]);
      if (cpu >= 0) cpuByThread.put(ids[i], cpu);
      java.lang.management.ThreadInfo info = threads.getThreadInfo(ids[i]);
      if (info != null) names.put(ids[i], info.getThreadName());
    }
    long gcCount = 0;
    long gcMillis = 0;
    for (GarbageCollectorMXBean gc : ManagementFactory.getGarbageCollectorMXBeans()) {
      gcCount += Math.max(0, gc.getCollectionCount());
      gcMillis += Math.max(0, gc.getCollectionTime());
    }
    return new Snapshot(
        System.nanoTime(),
        os.getProcessCpuTime(),
        byThread,
        cpuByThread,
        names,
        threads.getTotalStartedThreadCount(),
        gcCount,
        gcMillis);
  }
}
