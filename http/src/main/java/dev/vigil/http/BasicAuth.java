package dev.vigil.http;

import static java.util.Objects.requireNonNull;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;

/**
 * HTTP basic authentication (RFC 7617) as a source sends it: the {@code Authorization} header
 * value, and the secrets to scrub from server text (the password, and {@code user:password}).
 * Checked when made; {@link #toString()} shows neither.
 */
final class BasicAuth {
  private final String header;
  private final List<String> secrets;

  private BasicAuth(String header, List<String> secrets) {
    this.header = header;
    this.secrets = secrets;
  }

  /**
   * Checks {@code user} and {@code password}, the arguments of a {@code basicAuth} setter.
   *
   * @throws NullPointerException if an argument is null
   * @throws IllegalArgumentException if {@code user} is blank or holds a colon
   */
  static BasicAuth of(String user, String password) {
    requireNonNull(user, "basicAuth user == null");
    requireNonNull(password, "basicAuth password == null");
    if (user.isBlank() || user.indexOf(':') >= 0) {
      throw new IllegalArgumentException("basicAuth user is blank or holds a colon");
    }
    String pair = user + ":" + password;
    return new BasicAuth(
        "Basic " + Base64.getEncoder().encodeToString(pair.getBytes(StandardCharsets.UTF_8)),
        List.of(password, pair));
  }

  /** The {@code Authorization} header value. */
  String header() {
    return header;
  }

  /** The password and {@code user:password}, to pin in the source's {@link Secrets}. */
  List<String> secrets() {
    return secrets;
  }

  @Override
  public String toString() {
    return "BasicAuth{REDACTED}";
  }
}
