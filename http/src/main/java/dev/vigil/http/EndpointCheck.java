package dev.vigil.http;

import static java.util.Objects.requireNonNull;

import dev.vigil.internal.Durations;
import java.time.Duration;
import java.util.List;
import okhttp3.HttpUrl;
import org.jspecify.annotations.Nullable;

/**
 * One endpoint an {@link EndpointCheckSource} checks on every poll: a name (the samples' resource),
 * a URL, the method, the statuses that count as up, a timeout, optionally a condition on the body
 * and credentials. Immutable and thread safe; made with {@link #builder}.
 *
 * <pre>{@code
 * EndpointCheck api = EndpointCheck.builder("api", "https://api.example.com/health")
 *     .expectStatus(200, 299)
 *     .timeout(Duration.ofSeconds(5))
 *     .bodyJsonEquals("/status", "UP")
 *     .build();
 * }</pre>
 */
public final class EndpointCheck {
  /** The request methods a check may use: both only read. */
  public enum Method {
    /** Reads the status and the body. */
    GET,
    /** Reads the status only; no body condition. */
    HEAD
  }

  /** What the body must hold for the check to be up. */
  enum BodyKind {
    CONTAINS,
    JSON_EQUALS,
    JSON_EXISTS
  }

  private final String name;
  private final HttpUrl url;
  private final String shownUrl;
  private final Method method;
  private final int minStatus;
  private final int maxStatus;
  private final Duration timeout;
  private final @Nullable BodyKind bodyKind;
  private final @Nullable String bodyText;
  private final @Nullable JsonPointer bodyPointer;
  private final @Nullable String authorization;
  private final List<String> secrets;

  private EndpointCheck(Builder b) {
    this.name = b.name;
    this.url = b.url;
    this.shownUrl = Urls.redact(b.url);
    this.method = b.method;
    this.minStatus = b.minStatus;
    this.maxStatus = b.maxStatus;
    this.timeout = b.timeout;
    this.bodyKind = b.bodyKind;
    this.bodyText = b.bodyText;
    this.bodyPointer = b.bodyPointer;
    this.authorization = b.authorization;
    this.secrets = List.copyOf(b.secrets);
  }

  /**
   * Returns a builder of a check named {@code name} (the resource of its samples) of {@code url}.
   *
   * @throws NullPointerException if an argument is null
   * @throws IllegalArgumentException if {@code name} is blank or holds a control character, or
   *     {@code url} is not an http or https URL
   */
  public static Builder builder(String name, String url) {
    return new Builder(name, url);
  }

  /** The check's name: the resource of its samples. */
  public String name() {
    return name;
  }

  /** The URL without user info and with secret-looking query parameters redacted. */
  public String url() {
    return shownUrl;
  }

  /** The request method. */
  public Method method() {
    return method;
  }

  /** The timeout of the whole request: connect, TLS, status line, headers and the body read. */
  public Duration timeout() {
    return timeout;
  }

  HttpUrl target() {
    return url;
  }

  boolean expected(int status) {
    return status >= minStatus && status <= maxStatus;
  }

  String expectedStatuses() {
    return minStatus == maxStatus ? Integer.toString(minStatus) : minStatus + "-" + maxStatus;
  }

  @Nullable BodyKind bodyKind() {
    return bodyKind;
  }

  @Nullable String bodyText() {
    return bodyText;
  }

  @Nullable JsonPointer bodyPointer() {
    return bodyPointer;
  }

  @Nullable String authorization() {
    return authorization;
  }

  List<String> secrets() {
    return secrets;
  }

  /** Describes the check, without credentials. */
  @Override
  public String toString() {
    return "EndpointCheck{"
        + name
        + ", "
        + method
        + " "
        + shownUrl
        + ", expect "
        + expectedStatuses()
        + ", timeout "
        + timeout
        + (bodyKind == null ? "" : ", body " + bodyKind)
        + (authorization == null ? "" : ", auth REDACTED")
        + "}";
  }

  /**
   * Configures an {@link EndpointCheck}. Not thread safe. Setters reject bad values at once; {@link
   * #build()} rejects conflicting ones with an {@link IllegalStateException}.
   */
  public static final class Builder {
    private final String name;
    private final HttpUrl url;
    private Method method = Method.GET;
    private int minStatus = 200;
    private int maxStatus = 299;
    private Duration timeout = Duration.ofSeconds(10);
    private @Nullable BodyKind bodyKind;
    private @Nullable String bodyText;
    private @Nullable JsonPointer bodyPointer;
    private @Nullable String authorization;
    private List<String> secrets = List.of();

    private Builder(String name, String url) {
      requireNonNull(name, "name == null");
      requireNonNull(url, "url == null");
      if (name.isBlank()) throw new IllegalArgumentException("check name is blank");
      for (int i = 0; i < name.length(); i++) {
        if (Character.isISOControl(name.charAt(i))) {
          throw new IllegalArgumentException("check name holds a control character: " + i);
        }
      }
      HttpUrl parsed = HttpUrl.parse(url);
      if (parsed == null) {
        throw new IllegalArgumentException(
            "check " + name + ": not an http or https URL: " + Urls.redactUnparsed(url));
      }
      if (!parsed.username().isEmpty() || !parsed.password().isEmpty()) {
        throw new IllegalArgumentException(
            "check " + name + ": the URL holds user info; use basicAuth(user, password)");
      }
      this.name = name;
      this.url = parsed;
    }

    /**
     * Sets the method; default {@link Method#GET}.
     *
     * @throws NullPointerException if {@code method} is null
     */
    public Builder method(Method method) {
      this.method = requireNonNull(method, "method == null");
      return this;
    }

    /**
     * Sets the statuses that count as up, {@code min} to {@code max} inclusive; default 200 to 299.
     * Redirects are never followed: to check one, expect its status ({@code 301, 301}).
     *
     * @throws IllegalArgumentException if not {@code 100 <= min <= max <= 599}
     */
    public Builder expectStatus(int min, int max) {
      if (min < 100 || max > 599 || min > max) {
        throw new IllegalArgumentException(
            "expectStatus must satisfy 100 <= min <= max <= 599: " + min + ", " + max);
      }
      this.minStatus = min;
      this.maxStatus = max;
      return this;
    }

    /**
     * Sets the timeout of the whole request, connect to the last byte read; default 10 seconds.
     *
     * @throws NullPointerException if {@code timeout} is null
     * @throws IllegalArgumentException if not positive or too long
     */
    public Builder timeout(Duration timeout) {
      this.timeout = Durations.timeout(timeout, "timeout");
      return this;
    }

    /**
     * Requires the body, read as UTF-8, to contain {@code text}.
     *
     * @throws NullPointerException if {@code text} is null
     * @throws IllegalArgumentException if {@code text} is empty
     */
    public Builder bodyContains(String text) {
      requireNonNull(text, "bodyContains == null");
      if (text.isEmpty()) throw new IllegalArgumentException("bodyContains is empty");
      return body(BodyKind.CONTAINS, text, null);
    }

    /**
     * Requires the body to be JSON with a value at {@code pointer} (RFC 6901), {@code null}
     * included.
     *
     * @throws NullPointerException if {@code pointer} is null
     * @throws IllegalArgumentException if {@code pointer} is not a JSON Pointer
     */
    public Builder bodyJsonExists(String pointer) {
      requireNonNull(pointer, "bodyJsonExists == null");
      return body(BodyKind.JSON_EXISTS, null, JsonPointer.parse(pointer, "bodyJsonExists"));
    }

    /**
     * Requires the body to be JSON whose value at {@code pointer} equals {@code expected}: a string
     * exactly, a number numerically ({@code "200"} matches {@code 200.0}), a boolean or null as
     * {@code "true"}, {@code "false"}, {@code "null"}.
     *
     * @throws NullPointerException if an argument is null
     * @throws IllegalArgumentException if {@code pointer} is not a JSON Pointer
     */
    public Builder bodyJsonEquals(String pointer, String expected) {
      requireNonNull(pointer, "bodyJsonEquals pointer == null");
      requireNonNull(expected, "bodyJsonEquals expected == null");
      return body(BodyKind.JSON_EQUALS, expected, JsonPointer.parse(pointer, "bodyJsonEquals"));
    }

    private Builder body(BodyKind kind, @Nullable String text, @Nullable JsonPointer pointer) {
      if (bodyKind != null) {
        throw new IllegalArgumentException("check " + name + " has a body condition already");
      }
      this.bodyKind = kind;
      this.bodyText = text;
      this.bodyPointer = pointer;
      return this;
    }

    /**
     * Sends {@code Authorization: Bearer <token>}. Redirects are never followed, so the token only
     * goes to this URL.
     *
     * @throws NullPointerException if {@code token} is null
     * @throws IllegalArgumentException if the token is not usable in a header (not shown)
     */
    public Builder bearerToken(String token) {
      requireNonNull(token, "bearerToken == null");
      String problem = BearerAuth.tokenProblem(token);
      if (problem != null) throw new IllegalArgumentException("bearerToken is " + problem);
      this.authorization = "Bearer " + token;
      this.secrets = List.of(token);
      return this;
    }

    /**
     * Sends HTTP basic authentication (RFC 7617). Redirects are never followed, so the password
     * only goes to this URL.
     *
     * @throws NullPointerException if an argument is null
     * @throws IllegalArgumentException if {@code user} is blank or holds a colon
     */
    public Builder basicAuth(String user, String password) {
      BasicAuth basic = BasicAuth.of(user, password);
      this.authorization = basic.header();
      this.secrets = basic.secrets();
      return this;
    }

    /**
     * Builds the check.
     *
     * @throws IllegalStateException if a body condition is set on a {@link Method#HEAD} check
     */
    public EndpointCheck build() {
      if (method == Method.HEAD && bodyKind != null) {
        throw new IllegalStateException(
            "check " + name + ": a HEAD answer has no body; use GET for a body condition");
      }
      return new EndpointCheck(this);
    }
  }
}
