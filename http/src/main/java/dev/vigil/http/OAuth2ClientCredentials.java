package dev.vigil.http;

import static java.util.Objects.requireNonNull;

import com.squareup.moshi.JsonReader;
import dev.vigil.SourceException;
import dev.vigil.SourceException.Kind;
import dev.vigil.Ticker;
import dev.vigil.internal.Durations;
import java.io.IOException;
import java.time.Duration;
import java.util.Map;
import okhttp3.Credentials;
import okhttp3.FormBody;
import okhttp3.HttpUrl;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;
import okhttp3.ResponseBody;
import okio.BufferedSource;
import org.jspecify.annotations.Nullable;

/**
 * Bearer tokens from an OAuth2 token endpoint with the client credentials grant (RFC 6749 section
 * 4.4), for {@link HttpJsonSource.Builder#oauth2}. The client authenticates with HTTP Basic ({@code
 * client_secret_basic}, the default) or in the form body ({@code client_secret_post}), optionally
 * asking for a {@code scope}. The token is cached and fetched again {@link Builder#refreshBefore}
 * its {@code expires_in} ends, and once when the API answers 401.
 *
 * <p>The client secret goes only into the token request, to the token endpoint; it never appears in
 * {@link #toString()}, messages or logs, and the source scrubs it (and the access tokens) from any
 * server text it reports. A failed token request is a {@link SourceException} of kind {@link
 * Kind#AUTH} naming the endpoint and the status, never the answer's body. Redirects from the token
 * endpoint are not followed.
 *
 * <p>Thread safe: concurrent requests share one token and at most one token request runs at once.
 * Use one instance per source.
 */
public final class OAuth2ClientCredentials {
  /** How the client authenticates to the token endpoint. */
  public enum ClientAuthentication {
    /** HTTP Basic with the client id and secret ({@code client_secret_basic}). */
    BASIC,
    /**
     * {@code client_id} and {@code client_secret} in the form body ({@code client_secret_post}).
     */
    FORM
  }

  private static final long MAX_TOKEN_RESPONSE_BYTES = 64 * 1024;

  private final HttpUrl tokenUrl;
  private final String clientId;
  private final String clientSecret;
  private final @Nullable String scope;
  private final ClientAuthentication authentication;
  private final Duration refreshBefore;
  private final Ticker ticker;
  private final OkHttpClient client;

  private @Nullable String token; // guarded by this
  private long refreshAt; // ticker nanos; guarded by this
  private boolean expires; // guarded by this

  private OAuth2ClientCredentials(Builder b, HttpUrl tokenUrl, String clientId, String secret) {
    this.tokenUrl = tokenUrl;
    this.clientId = clientId;
    this.clientSecret = secret;
    this.scope = b.scope;
    this.authentication = b.authentication;
    this.refreshBefore = b.refreshBefore;
    this.ticker = b.ticker;
    OkHttpClient base = b.client != null ? b.client : new OkHttpClient();
    this.client =
        base.newBuilder()
            .followRedirects(false)
            .followSslRedirects(false)
            // Requests wait for a token under this object's lock: a hanging endpoint must not
            // hold the source's workers past this.
            .callTimeout(b.timeout)
            .build();
  }

  /** Returns a new builder. */
  public static Builder builder() {
    return new Builder();
  }

  /** The secrets a source must scrub from what it reports. */
  void rememberSecrets(Secrets secrets) {
    // Pinned: the access tokens that rotate through the source's remember() must not push them out.
    secrets.pin(clientSecret);
    secrets.pin(clientId + ":" + clientSecret); // Base64 of it is the Basic credential
  }

  /**
   * Returns the cached token, or fetches a new one if there is none or it is about to expire.
   *
   * @throws SourceException of kind {@link Kind#AUTH} if the token endpoint refused or failed
   */
  synchronized String token() throws SourceException {
    String current = token;
    if (current != null && (!expires || ticker.read() - refreshAt < 0)) return current;
    return fetch();
  }

  /** Forgets {@code rejected} if it is still the cached token: the API answered 401 to it. */
  synchronized void invalidate(String rejected) {
    if (rejected.equals(token)) token = null;
  }

  private String fetch() throws SourceException {
    String shown = Urls.redact(tokenUrl);
    FormBody.Builder form = new FormBody.Builder().add("grant_type", "client_credentials");
    if (scope != null) form.add("scope", scope);
    Request.Builder request = new Request.Builder().url(tokenUrl);
    if (authentication == ClientAuthentication.BASIC) {
      request.header(
          "Authorization",
          Credentials.basic(clientId, clientSecret, java.nio.charset.StandardCharsets.UTF_8));
    } else {
      form.add("client_id", clientId).add("client_secret", clientSecret);
    }
    request.header("Accept", "application/json").post(form.build());
    long started = ticker.read();
    try (Response response = client.newCall(request.build()).execute()) {
      if (!response.isSuccessful()) {
        throw failure(
            shown, "HTTP " + response.code() + " from the token endpoint", response.code());
      }
      ResponseBody body = response.body();
      Map<String, Object> fields = read(body, shown);
      if (!(fields.get("access_token") instanceof String fresh)) {
        throw failure(shown, "the token endpoint returned no access_token string", -1);
      }
      String problem = BearerAuth.tokenProblem(fresh);
      if (problem != null) throw failure(shown, "the token endpoint returned " + problem, -1);
      Object type = fields.get("token_type");
      if (type != null && !"bearer".equalsIgnoreCase(String.valueOf(type))) {
        throw failure(shown, "the token endpoint returned a token that is not a bearer token", -1);
      }
      Object expiresIn = fields.get("expires_in");
      expires = expiresIn instanceof Number;
      if (expiresIn instanceof Number n) {
        long lifetime = (long) (n.doubleValue() * 1e9);
        refreshAt = started + Math.max(0, lifetime - refreshBefore.toNanos());
      }
      token = fresh;
      return fresh;
    } catch (SourceException e) {
      throw e;
    } catch (IOException e) {
      // Not kept as the cause: its message could quote the endpoint's answer.
      throw failure(shown, "the token request failed: " + e.getClass().getName(), -1);
    }
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> read(ResponseBody body, String shown) throws SourceException {
    try {
      if (body.contentLength() > MAX_TOKEN_RESPONSE_BYTES) throw new IOException("too large");
      BufferedSource source = body.source();
      // A chunked answer declares no length: buffer at most the limit before parsing anything.
      if (source.request(MAX_TOKEN_RESPONSE_BYTES + 1)) throw new IOException("too large");
      JsonReader reader = JsonReader.of(source);
      Object root = reader.readJsonValue();
      if (root instanceof Map<?, ?> map) return (Map<String, Object>) map;
    } catch (IOException | RuntimeException e) {
      // The body is not shown: a broken endpoint may echo the credentials.
    }
    throw failure(shown, "the token endpoint's answer is not a JSON object", -1);
  }

  private static SourceException failure(String shown, String what, int status) {
    return new SourceException(
        Kind.AUTH, "POST " + shown + ": OAuth2 token request: " + what, shown, status, null, null);
  }

  /** Describes the configuration without the client secret or token. */
  @Override
  public String toString() {
    return "OAuth2ClientCredentials{tokenUrl="
        + Urls.redact(tokenUrl)
        + ", clientId="
        + clientId
        + ", scope="
        + scope
        + ", authentication="
        + authentication
        + ", clientSecret=REDACTED}";
  }

  /**
   * Configures {@link OAuth2ClientCredentials}. Not thread safe. Setters reject bad values with a
   * {@link NullPointerException} or {@link IllegalArgumentException} naming the setting.
   */
  public static final class Builder {
    private @Nullable HttpUrl tokenUrl;
    private @Nullable String clientId;
    private @Nullable String clientSecret;
    private @Nullable String scope;
    private ClientAuthentication authentication = ClientAuthentication.BASIC;
    private Duration refreshBefore = Duration.ofSeconds(60);
    private Duration timeout = Duration.ofSeconds(30);
    private Ticker ticker = Ticker.system();
    private @Nullable OkHttpClient client;

    private Builder() {}

    /**
     * Sets the token endpoint; it should be https.
     *
     * @throws NullPointerException if {@code url} is null
     * @throws IllegalArgumentException if {@code url} is not an http or https URL
     */
    public Builder tokenUrl(String url) {
      requireNonNull(url, "tokenUrl == null");
      HttpUrl parsed = HttpUrl.parse(url);
      if (parsed == null)
        throw new IllegalArgumentException("tokenUrl is not an http or https URL");
      this.tokenUrl = parsed;
      return this;
    }

    /**
     * Sets the client id and secret.
     *
     * @throws NullPointerException if an argument is null
     * @throws IllegalArgumentException if one is blank (the message does not show the secret)
     */
    public Builder client(String clientId, String clientSecret) {
      requireNonNull(clientId, "clientId == null");
      requireNonNull(clientSecret, "clientSecret == null");
      if (clientId.isBlank()) throw new IllegalArgumentException("clientId is blank");
      if (clientSecret.isBlank()) throw new IllegalArgumentException("clientSecret is blank");
      this.clientId = clientId;
      this.clientSecret = clientSecret;
      return this;
    }

    /**
     * Sets the scope asked for, space-separated; default none.
     *
     * @throws NullPointerException if {@code scope} is null
     */
    public Builder scope(String scope) {
      this.scope = requireNonNull(scope, "scope == null");
      return this;
    }

    /**
     * Sets how the client authenticates; default {@link ClientAuthentication#BASIC}.
     *
     * @throws NullPointerException if {@code authentication} is null
     */
    public Builder clientAuthentication(ClientAuthentication authentication) {
      this.authentication = requireNonNull(authentication, "clientAuthentication == null");
      return this;
    }

    /**
     * Sets how long before its {@code expires_in} ends a token is fetched again; default 60 s.
     *
     * @throws NullPointerException if {@code margin} is null
     * @throws IllegalArgumentException if {@code margin} is negative
     */
    public Builder refreshBefore(Duration margin) {
      this.refreshBefore = Durations.nonNegative(margin, "refreshBefore");
      return this;
    }

    /**
     * Sets the longest one token request may take, connecting and reading the answer included;
     * default 30 s. It replaces the call timeout of a client passed to {@link #httpClient}. A token
     * request that takes longer fails the requests waiting for it with {@link Kind#AUTH}.
     *
     * @throws NullPointerException if {@code timeout} is null
     * @throws IllegalArgumentException if {@code timeout} is not positive
     */
    public Builder timeout(Duration timeout) {
      this.timeout = Durations.positive(timeout, "timeout");
      return this;
    }

    /**
     * Sets the monotonic ticker token lifetimes are measured on; default {@link Ticker#system()}.
     *
     * @throws NullPointerException if {@code ticker} is null
     */
    public Builder ticker(Ticker ticker) {
      this.ticker = requireNonNull(ticker, "ticker == null");
      return this;
    }

    /**
     * Uses the host's client for token requests (with redirects turned off).
     *
     * @throws NullPointerException if {@code client} is null
     */
    public Builder httpClient(OkHttpClient client) {
      this.client = requireNonNull(client, "httpClient == null");
      return this;
    }

    /**
     * Builds it.
     *
     * @throws IllegalStateException if tokenUrl or client is not set
     */
    public OAuth2ClientCredentials build() {
      HttpUrl url = tokenUrl;
      String id = clientId;
      String secret = clientSecret;
      if (url == null) throw new IllegalStateException("tokenUrl is not set");
      if (id == null || secret == null) throw new IllegalStateException("client is not set");
      return new OAuth2ClientCredentials(this, url, id, secret);
    }

    @Override
    public String toString() {
      return "OAuth2ClientCredentials.Builder{clientSecret=REDACTED}";
    }
  }
}
