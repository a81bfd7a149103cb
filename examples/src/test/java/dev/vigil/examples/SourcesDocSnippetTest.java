package dev.vigil.examples;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

class SourcesDocSnippetTest {

  @Test
  void presetSnippetsOfDocsSourcesAreTheCompiledBodiesOfCloudPresetAlerts() throws IOException {
    String source =
        Files.readString(Path.of("src/main/java/dev/vigil/examples/CloudPresetAlerts.java"));
    String begin = "// docs snippet begins\n";
    String end = "    // docs snippet ends";
    List<String> snippets = new ArrayList<>();
    for (int at = source.indexOf(begin); at >= 0; at = source.indexOf(begin, at + 1)) {
      String body = source.substring(at + begin.length(), source.indexOf(end, at));
      snippets.add(
          body.lines()
              .map(l -> l.startsWith("    ") ? l.substring(4) : l)
              .collect(Collectors.joining("\n")));
    }
    String docs = Files.readString(Path.of("../docs/sources.md"));

    assertThat(snippets).hasSize(2);
    assertThat(snippets.get(0)).contains("HetznerCloudSource.builder()");
    assertThat(snippets.get(1)).contains("DigitalOceanSource.builder()");
    for (String snippet : snippets) assertThat(docs).contains("```java\n" + snippet + "\n```");
  }
}
