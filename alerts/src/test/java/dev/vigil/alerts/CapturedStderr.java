package dev.vigil.alerts;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * Replaces {@link System#err} until closed; slf4j-simple looks {@code System.err} up at each write,
 * so this captures what it logs.
 */
final class CapturedStderr implements AutoCloseable {
  private final PrintStream original = System.err;
  private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();

  CapturedStderr() {
    System.setErr(new PrintStream(bytes, true, StandardCharsets.UTF_8));
  }

  String text() {
    System.err.flush();
    return bytes.toString(StandardCharsets.UTF_8);
  }

  /**
   * The captured lines that mention {@code logger}, as slf4j-simple writes {@code LEVEL name -
   * msg}.
   */
  List<String> linesOf(String logger) {
    return text().lines().filter(l -> l.contains(" " + logger + " - ")).toList();
  }

  @Override
  public void close() {
    System.setErr(original);
  }
}
