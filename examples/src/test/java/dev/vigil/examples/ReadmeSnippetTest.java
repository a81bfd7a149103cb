package dev.vigil.examples;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

class ReadmeSnippetTest {

  @Test
  void readmeSnippetIsTheCompiledBodyOfCloudCpuAlerts() throws IOException {
    String source =
        Files.readString(Path.of("src/main/java/dev/vigil/examples/CloudCpuAlerts.java"));
    String begin = "// README snippet begins\n";
    String body =
        source.substring(
            source.indexOf(begin) + begin.length(), source.indexOf("    // README snippet ends"));
    String snippet =
        body.lines()
            .map(l -> l.startsWith("    ") ? l.substring(4) : l)
            .collect(Collectors.joining("\n"));
    String readme = Files.readString(Path.of("../README.md"));

    assertThat(snippet).contains("ResourceMonitor.builder()").contains("HttpJsonSource.builder()");
    assertThat(readme).contains("```java\n" + snippet + "\n");
  }
}
