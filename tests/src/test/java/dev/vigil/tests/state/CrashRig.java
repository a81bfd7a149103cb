package dev.vigil.tests.state;

import dev.vigil.AlertRule;
import dev.vigil.AlertSink;
import dev.vigil.ResourceMonitor;
import dev.vigil.Sample;
import dev.vigil.Schedule;
import dev.vigil.state.FileStateStore;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * The process {@link CrashTest} kills: a monitor with a {@link FileStateStore} that polls 20
 * resources every 20 ms, their cpu flipping at random, and a sink that appends each delivery to a
 * file and forces it to disk before it returns. Two rules: a plain threshold, and one held {@code
 * for} 60 ms that keeps firing for 40 ms, so that pending timers and keep-firing countdowns are in
 * the store's alert states when the process dies. With {@code resolve} as third argument every cpu
 * is low, the monitor runs a second and closes cleanly.
 */
public final class CrashRig {
  private CrashRig() {}

  public static void main(String[] args) throws Exception {
    Path dir = Path.of(args[0]);
    Path out = Path.of(args[1]);
    boolean resolve = args.length > 2 && args[2].equals("resolve");
    Random random = new Random();
    double[] cpu = new double[20];
    try (FileChannel log =
            FileChannel.open(
                out,
                StandardOpenOption.CREATE,
                StandardOpenOption.WRITE,
                StandardOpenOption.APPEND);
        FileStateStore store = FileStateStore.open(dir)) {
      AlertSink sink =
          n -> {
            String line = n.idempotencyKey() + " " + n.type() + " " + n.fingerprint() + "\n";
            synchronized (log) {
              log.write(ByteBuffer.wrap(line.getBytes(StandardCharsets.UTF_8)));
              log.force(false);
            }
          };
      ResourceMonitor monitor =
          ResourceMonitor.builder()
              .source(
                  "cloud",
                  Schedule.every(Duration.ofMillis(20)),
                  context -> {
                    List<Sample> samples = new ArrayList<>();
                    for (int i = 0; i < cpu.length; i++) {
                      if (resolve) cpu[i] = 10;
                      else if (random.nextInt(10) == 0) cpu[i] = cpu[i] > 80 ? 10 : 95;
                      samples.add(Sample.of("cpu", "vm-" + i, cpu[i], context.now()));
                    }
                    return samples;
                  })
              .rule(AlertRule.builder("HighCpu").metric("cpu").above(80).build())
              .rule(
                  AlertRule.builder("HighCpuFor")
                      .metric("cpu")
                      .above(80)
                      .forDuration(Duration.ofMillis(60))
                      .keepFiringFor(Duration.ofMillis(40))
                      .build())
              .sink("log", sink)
              .stateStore(store)
              .build();
      monitor.start();
      if (resolve) {
        dev.vigil.testing.Await.until(
            "a few polls", () -> monitor.stats().sources().get("cloud").polls() >= 10);
        monitor.close();
        System.out.println("closed");
      } else {
        Thread.currentThread().join(); // until killed
      }
    }
  }
}
