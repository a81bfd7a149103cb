package dev.vigil.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import mockwebserver3.MockWebServer;
import mockwebserver3.junit5.StartStop;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 9, "memory bounded per poll": a metrics body costs memory for the values the source
 * selects, not for its size. Eight 50 MiB bodies, generated while they are sent ({@link BigBody}),
 * are polled at once (concurrency 8) by a JVM of its own with {@code -Xmx256m} and {@code
 * -XX:+ExitOnOutOfMemoryError}; reading them as trees needs several GiB. Moshi's {@code
 * JsonReader.skipValue()}
 * (https://square.github.io/moshi/1.x/moshi/com.squareup.moshi/-json-reader/skip-value.html) is
 * what lets the unselected filler pass without being kept.
 */
class BoundedMemoryTest {
  private static final long MIB = 1024 * 1024;

  @StartStop final MockWebServer server = new MockWebServer();
  final FakeCloud cloud = new FakeCloud();

  @Test
  void eightConcurrentFiftyMebibyteBodiesUnderXmx256mEndInSamplesOrBadDataNeverOutOfMemory(
      @TempDir Path dir) throws Exception {
    String[] ids = {"vm-0", "vm-1", "vm-2", "vm-3", "vm-4", "vm-5", "vm-6", "vm-7"};
    cloud.always("/v1/resources/page-1.json", FakeCloud.listing(null, ids));
    for (int i = 0; i < 8; i++) {
      boolean bad = i == 4 || i == 5;
      boolean announced = i < 4;
      BigBody body = new BigBody(50 * MIB, bad ? "\"80%\"" : "42.5", announced);
      cloud.always(FakeCloud.metricsPath(ids[i]), body.response());
    }
    server.setDispatcher(cloud);

    // First with room for the bodies (samples, and bad data for vm-4 and vm-5), then with the
    // default cap of 8 MiB (every body too large: announced ones at once, chunked ones mid-stream).
    List<String> out =
        runForked(dir, server.url("/").toString(), Long.toString(64 * MIB), Long.toString(8 * MIB));

    assertThat(out).contains("DONE").noneMatch(l -> l.contains("OutOfMemory"));
    int first = out.indexOf("SOURCE maxBodyBytes=" + 64 * MIB);
    int second = out.indexOf("SOURCE maxBodyBytes=" + 8 * MIB);
    List<String> roomy = out.subList(first + 1, second);
    List<String> capped = out.subList(second + 1, out.size());
    assertThat(roomy)
        .as("output: %s", out)
        .filteredOn(l -> l.startsWith("SAMPLE"))
        .containsExactlyInAnyOrder(
            "SAMPLE vm-0 cpu_usage 42.5",
            "SAMPLE vm-1 cpu_usage 42.5",
            "SAMPLE vm-2 cpu_usage 42.5",
            "SAMPLE vm-3 cpu_usage 42.5",
            "SAMPLE vm-6 cpu_usage 42.5",
            "SAMPLE vm-7 cpu_usage 42.5");
    assertThat(roomy)
        .filteredOn(l -> l.startsWith("ERROR"))
        .hasSize(2)
        .allMatch(l -> l.startsWith("ERROR vm-4 BAD_DATA") || l.startsWith("ERROR vm-5 BAD_DATA"))
        .allMatch(
            l ->
                l.contains(
                    "bad data at $.metrics.cpu_usage: expected a number but was STRING \"80%\""))
        .allMatch(l -> l.contains("GET " + server.url("/v1/resources/")));
    assertThat(capped).noneMatch(l -> l.startsWith("SAMPLE"));
    List<String> failures = new ArrayList<>();
    for (String l : capped) {
      if (l.startsWith("POLL-FAILED") || l.startsWith("SUPPRESSED")) failures.add(l);
    }
    assertThat(failures)
        .hasSize(8)
        .allMatch(
            l ->
                l.contains(" BAD_DATA $")
                    && l.contains(": bad data at $")
                    && l.contains("exceeds maxBodyBytes=" + 8 * MIB));
  }

  /** Runs {@link BoundedMemoryMain} with -Xmx256m; fails after 5 minutes or on a non-zero exit. */
  private static List<String> runForked(Path dir, String... args) throws Exception {
    Path output = dir.resolve("out.txt");
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.add("-Xmx256m");
    command.add("-XX:+ExitOnOutOfMemoryError");
    command.add("-cp");
    command.add(System.getProperty("java.class.path"));
    command.add(BoundedMemoryMain.class.getName());
    command.addAll(List.of(args));
    Process p =
        new ProcessBuilder(command)
            .redirectErrorStream(true)
            .redirectOutput(output.toFile())
            .directory(new File(System.getProperty("user.dir")))
            .start();
    boolean ended = p.waitFor(5, TimeUnit.MINUTES);
    if (!ended) p.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
    List<String> out = Files.readAllLines(output, StandardCharsets.UTF_8);
    assertThat(ended).as("the forked poll ended within 5 minutes; output:%n%s", out).isTrue();
    assertThat(p.exitValue()).as("exit code of the forked poll; output:%n%s", out).isZero();
    return out;
  }
}
