package dev.vigil.http;

import java.io.IOException;
import org.jspecify.annotations.Nullable;

/**
 * A body that is not the JSON it should be: malformed, too large, or of the wrong shape. Carries
 * the Moshi-style JSON path; turned into a {@link dev.vigil.SourceException} of kind {@code
 * BAD_DATA} by the caller, which knows the URL.
 */
final class JsonProblem extends IOException {
  private static final long serialVersionUID = 1L;

  private final String path;
  private final String detail;

  JsonProblem(String path, String detail, @Nullable Throwable cause) {
    super("bad data at " + path + ": " + detail, cause);
    this.path = path;
    this.detail = detail;
  }

  /** The JSON path, such as {@code $.metrics.cpu_usage}. */
  String path() {
    return path;
  }

  /** What is wrong there, such as {@code expected a number but was STRING "80%"}. */
  String detail() {
    return detail;
  }
}
