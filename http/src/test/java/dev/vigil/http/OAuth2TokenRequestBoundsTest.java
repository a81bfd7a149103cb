package dev.vigil.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.vigil.SourceException;
import dev.vigil.SourceException.Kind;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.SocketEffect;
import mockwebserver3.junit5.StartStop;
import okio.Buffer;
import org.junit.jupiter.api.Test;

/**
 * The token request is bounded in time and memory, whatever the token endpoint does, and the client
 * secret stays scrubbed for the life of the source however many tokens rotate.
 *
 * <p>OkHttp's {@code callTimeout} "spans the entire call: resolving DNS, connecting, writing the
 * request body, server processing, and reading the response body"
 * (https://square.github.io/okhttp/5.x/okhttp/okhttp3/-ok-http-client/-builder/call-timeout.html);
 * the default client has none, so without one a token endpoint dribbling its answer would hold
 * every worker waiting for the token.
 */
class OAuth2TokenRequestBoundsTest {
  static final String SECRET = "cl13nt-s3cr3t-0815";

  @StartStop final MockWebServer auth = new MockWebServer();

  OAuth2ClientCredentials.Builder credentials() {
    return OAuth2ClientCredentials.builder()
        .tokenUrl(auth.url("/oauth/token").toString())
        .client("vigil-client", SECRET);
  }

  @Test
  void tokenEndpointDribblingItsAnswerFailsWithinTheTimeout() {
    auth.enqueue(
        new MockResponse.Builder()
            .setHeader("Content-Type", "application/json")
            .body("{\"access_token\":\"tok-1\",\"token_type\":\"Bearer\",\"expires_in\":3600}")
            .throttleBody(1, 100, TimeUnit.MILLISECONDS)
            .build());
    OAuth2ClientCredentials oauth2 = credentials().timeout(Duration.ofMillis(500)).build();
    long start = System.nanoTime();

    SourceException e = catchThrowableOfType(SourceException.class, oauth2::token);

    assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(3));
    assertThat(e.kind()).isEqualTo(Kind.AUTH);
    assertThat(e.getMessage()).contains("the token request failed").doesNotContain(SECRET);
  }

  @Test
  void tokenEndpointThatNeverAnswersFailsWithinTheTimeout() {
    auth.enqueue(new MockResponse.Builder().onResponseStart(SocketEffect.Stall.INSTANCE).build());
    OAuth2ClientCredentials oauth2 = credentials().timeout(Duration.ofMillis(300)).build();
    long start = System.nanoTime();

    SourceException e = catchThrowableOfType(SourceException.class, oauth2::token);

    assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(3));
    assertThat(e.kind()).isEqualTo(Kind.AUTH);
  }

  @Test
  void chunkedTokenAnswerOverTheLimitIsRefusedWithoutShowingIt() {
    // No Content-Length: only reading it shows how large it is.
    String huge = "{\"access_token\":\"tok-1\",\"pad\":\"" + "x".repeat(200_000) + "\"}";
    auth.enqueue(
        new MockResponse.Builder()
            .setHeader("Content-Type", "application/json")
            .chunkedBody(new Buffer().writeUtf8(huge), 8192)
            .build());

    SourceException e = catchThrowableOfType(SourceException.class, credentials().build()::token);

    assertThat(e.kind()).isEqualTo(Kind.AUTH);
    assertThat(e.getMessage()).contains("not a JSON object").doesNotContain("xxxx");
  }

  @Test
  void timeoutMustBePositive() {
    assertThat(
            catchThrowableOfType(
                IllegalArgumentException.class, () -> credentials().timeout(Duration.ZERO)))
        .hasMessageContaining("timeout");
  }

  @Test
  void clientSecretStaysScrubbedAfterManyTokensRotated() {
    Secrets secrets = new Secrets();
    credentials().build().rememberSecrets(secrets);

    for (int i = 0; i < 10; i++) secrets.remember("rotating-token-" + i);

    assertThat(secrets.scrub("echo " + SECRET)).isEqualTo("echo " + Secrets.REDACTED);
    assertThat(secrets.contains("rotating-token-9")).isTrue();
    assertThat(secrets.contains("rotating-token-0")).as("old tokens are let go").isFalse();
  }
}
