package dev.vigil.http;

import dev.vigil.SourceException;
import dev.vigil.SourceException.Kind;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;

/**
 * The bearer token of a source's requests, from a fixed token, a supplier asked before every
 * request, or OAuth2 client credentials; every token sent is remembered in the source's {@link
 * Secrets} so that no server text that echoes it reaches a message. Thread safe.
 */
final class BearerAuth {
  private final Supplier<String> tokens;
  private final @Nullable OAuth2ClientCredentials oauth2;
  private final Secrets secrets;

  private BearerAuth(
      Supplier<String> tokens, @Nullable OAuth2ClientCredentials oauth2, Secrets secrets) {
    this.tokens = tokens;
    this.oauth2 = oauth2;
    this.secrets = secrets;
    if (oauth2 == null && tokens instanceof FixedToken fixed) secrets.pin(fixed.get());
    if (oauth2 != null) oauth2.rememberSecrets(secrets);
  }

  /**
   * Returns the authentication of a source, for its builder's {@code build()}.
   *
   * @throws IllegalStateException if both or neither are set
   */
  static BearerAuth of(
      @Nullable Supplier<String> tokens,
      @Nullable OAuth2ClientCredentials oauth2,
      Secrets secrets) {
    if (tokens != null && oauth2 != null) {
      throw new IllegalStateException("bearerToken and oauth2 are both set: choose one");
    }
    if (oauth2 != null)
      return new BearerAuth(new FixedToken("unused-with-oauth2"), oauth2, secrets);
    if (tokens == null) throw new IllegalStateException("bearerToken is not set (or oauth2)");
    return new BearerAuth(tokens, null, secrets);
  }

  /**
   * A fixed token, checked at once.
   *
   * @throws NullPointerException if {@code token} is null
   * @throws IllegalArgumentException if it is blank or not valid in a header (the message does not
   *     show it)
   */
  static Supplier<String> fixed(@Nullable String token) {
    if (token == null) throw new NullPointerException("bearerToken == null");
    String problem = tokenProblem(token);
    if (problem != null) throw new IllegalArgumentException("bearerToken is " + problem);
    return new FixedToken(token);
  }

  /** The OAuth2 credentials, or null for a fixed or supplied token. */
  @Nullable OAuth2ClientCredentials oauth2() {
    return oauth2;
  }

  /**
   * Returns the token for the next request, remembered as a secret.
   *
   * @throws SourceException of kind {@link Kind#AUTH} if the supplier failed or gave a bad token,
   *     or the OAuth2 token endpoint refused
   */
  String token(String method, String shownUrl) throws SourceException {
    OAuth2ClientCredentials o = oauth2;
    if (o != null) {
      String fresh = o.token();
      secrets.remember(fresh);
      return fresh;
    }
    String token;
    try {
      token = tokens.get();
    } catch (RuntimeException e) {
      // By type and a fixed message only: the supplier's exception text, and so its stack trace,
      // may hold a credential (a token endpoint's answer, a vault path with a key).
      throw new SourceException(
          Kind.AUTH,
          method
              + " "
              + shownUrl
              + ": the bearer token supplier failed with "
              + e.getClass().getName()
              + " (its message is not shown: it could hold a credential)",
          shownUrl,
          -1,
          null,
          null);
    }
    String problem = tokenProblem(token);
    if (problem != null) {
      throw new SourceException(
          Kind.AUTH,
          method + " " + shownUrl + ": the bearer token supplier returned " + problem,
          shownUrl,
          -1,
          null,
          null);
    }
    secrets.remember(token);
    return token;
  }

  /**
   * Forgets an OAuth2 token the API answered 401 to, so that the next request fetches a new one.
   * True if there is a new one to be had (OAuth2); false for a fixed or supplied token.
   */
  boolean invalidate(String rejected) {
    OAuth2ClientCredentials o = oauth2;
    if (o == null) return false;
    o.invalidate(rejected);
    return true;
  }

  /** Describes what is wrong with a token without showing it, or returns null if it is usable. */
  static @Nullable String tokenProblem(@Nullable String token) {
    if (token == null) return "null";
    if (token.isBlank()) return "a blank token";
    for (int i = 0; i < token.length(); i++) {
      char c = token.charAt(i);
      if (c == '\r' || c == '\n') return "a token containing CR or LF (at index " + i + ")";
      if (c <= 0x20 || c >= 0x7f) {
        return "a token with a character not allowed in an HTTP header (at index " + i + ")";
      }
    }
    return null;
  }

  @Override
  public String toString() {
    return "BearerAuth{REDACTED}";
  }

  /** A fixed token whose toString does not show it. */
  private static final class FixedToken implements Supplier<String> {
    private final String token;

    FixedToken(String token) {
      this.token = token;
    }

    @Override
    public String get() {
      return token;
    }

    @Override
    public String toString() {
      return "FixedToken{REDACTED}";
    }
  }
}
