package dev.vigil.http;

import dev.vigil.internal.Strings;
import java.io.IOException;
import org.jspecify.annotations.Nullable;

/**
 * A body that is not the JSON it should be: malformed, too large, or of the wrong shape. Carries
 * the Moshi-style JSON path; turned into a {@link dev.vigil.SourceException} of kind {@code
 * BAD_DATA} by the caller, which knows the URL. Path and detail come from the body (JSON keys,
 * Moshi's messages quoting them), so both are escaped and cut with {@link Strings#escape}.
 */
final class JsonProblem extends IOException {
  private static final long serialVersionUID = 1L;

  /** The longest JSON path kept, in characters of the original path. */
  static final int MAX_PATH_CHARS = 256;

  /** The longest detail kept, in characters of the original detail. */
  static final int MAX_DETAIL_CHARS = 512;

  private final String path;
  private final String detail;
  private final String rawPath;
  private final String rawDetail;

  JsonProblem(String path, String detail, @Nullable Throwable cause) {
    super(
        "bad data at "
            + Strings.escape(path, MAX_PATH_CHARS)
            + ": "
            + Strings.escape(detail, MAX_DETAIL_CHARS),
        cause);
    this.path = Strings.escape(path, MAX_PATH_CHARS);
    this.detail = Strings.escape(detail, MAX_DETAIL_CHARS);
    this.rawPath = path;
    this.rawDetail = detail;
  }

  /**
   * The JSON path as the body gave it, neither escaped nor cut: for the source to scrub of
   * credentials before it escapes and cuts it (a cut could leave part of a secret).
   */
  String rawPath() {
    return rawPath;
  }

  /** The detail as it was made, neither escaped nor cut; see {@link #rawPath()}. */
  String rawDetail() {
    return rawDetail;
  }

  /** The JSON path, such as {@code $.metrics.cpu_usage}, escaped. */
  String path() {
    return path;
  }

  /** What is wrong there, such as {@code expected a number but was STRING "80%"}, escaped. */
  String detail() {
    return detail;
  }
}
