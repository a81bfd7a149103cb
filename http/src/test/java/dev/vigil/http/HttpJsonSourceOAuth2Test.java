package dev.vigil.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.vigil.SourceException;
import dev.vigil.SourceException.Kind;
import dev.vigil.testing.ManualClock;
import dev.vigil.testing.ManualTicker;
import dev.vigil.testing.RecordingPollContext;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import mockwebserver3.Dispatcher;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;
import mockwebserver3.junit5.StartStop;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * OAuth2 client credentials (RFC 6749 section 4.4; client authentication of section 2.3.1) against
 * a token endpoint on another origin than the API: tokens cached, refreshed before expiry and once
 * on a 401; the client secret only ever in the token request.
 */
class HttpJsonSourceOAuth2Test {
  static final String CLIENT_ID = "vigil-client";
  static final String CLIENT_SECRET = "cl13nt-s3cr3t-0815";

  @StartStop final MockWebServer api = new MockWebServer();
  @StartStop final MockWebServer auth = new MockWebServer();
  final FakeCloud cloud = new FakeCloud();
  final ManualTicker ticker = ManualTicker.create();
  final RecordingPollContext context = RecordingPollContext.create("cloud", ManualClock.create());
  final List<RecordedRequest> tokenRequests = new CopyOnWriteArrayList<>();
  final AtomicInteger issued = new AtomicInteger();
  final List<HttpJsonSource> sources = new ArrayList<>();
  volatile long expiresIn = 120;

  @BeforeEach
  void serve() {
    api.setDispatcher(cloud);
    cloud.resources("vm-1", "vm-2");
    cloud.acceptedToken = t -> t.startsWith("tok-");
    auth.setDispatcher(
        new Dispatcher() {
          @Override
          public MockResponse dispatch(RecordedRequest request) {
            tokenRequests.add(request);
            return FakeCloud.json(
                "{\"access_token\":\"tok-"
                    + issued.incrementAndGet()
                    + "\",\"token_type\":\"Bearer\",\"expires_in\":"
                    + expiresIn
                    + "}");
          }
        });
  }

  @AfterEach
  void closeSources() {
    sources.forEach(HttpJsonSource::close);
  }

  OAuth2ClientCredentials.Builder credentials() {
    return OAuth2ClientCredentials.builder()
        .tokenUrl(auth.url("/oauth/token").toString())
        .client(CLIENT_ID, CLIENT_SECRET)
        .scope("metrics:read")
        .refreshBefore(Duration.ofSeconds(60))
        .ticker(ticker);
  }

  HttpJsonSource source(OAuth2ClientCredentials credentials) {
    HttpJsonSource source =
        HttpJsonSource.builder()
            .baseUrl(api.url("/"))
            .oauth2(credentials)
            .resourcesPath("/v1/resources/page-1.json")
            .metricsPath("/v1/resources/{id}/metrics")
            .metric("cpu_usage", "/metrics/cpu_usage")
            .retry(HttpJsonSourceTest.ONE_ATTEMPT)
            .build();
    sources.add(source);
    return source;
  }

  List<String> apiAuthorizations() {
    return cloud.requests.stream().map(r -> r.getHeaders().get("Authorization")).toList();
  }

  @Test
  void tokenIsCachedAcrossRequestsAndPolls() throws Exception {
    HttpJsonSource source = source(credentials().build());

    assertThat(source.poll(context)).hasSize(2);
    assertThat(source.poll(context)).hasSize(2);

    assertThat(tokenRequests).hasSize(1);
    assertThat(apiAuthorizations()).hasSize(6).containsOnly("Bearer tok-1");
  }

  @Test
  void tokenIsRefreshedBeforeItExpires() throws Exception {
    HttpJsonSource source = source(credentials().build());
    source.poll(context);

    ticker.advance(Duration.ofSeconds(59)); // 120 s lifetime, refreshed 60 s before its end
    source.poll(context);
    assertThat(tokenRequests).hasSize(1);
    ticker.advance(Duration.ofSeconds(2));
    source.poll(context);

    assertThat(tokenRequests).hasSize(2);
    assertThat(apiAuthorizations().subList(6, 9)).containsOnly("Bearer tok-2");
  }

  @Test
  void tokenIsRefreshedOnceOnA401() throws Exception {
    HttpJsonSource source = source(credentials().build());
    source.poll(context);
    cloud.acceptedToken = "tok-2"::equals; // tok-1 revoked before its expiry

    assertThat(source.poll(context)).hasSize(2);

    assertThat(tokenRequests).hasSize(2);
    assertThat(context.errors()).isEmpty();
  }

  @Test
  void persistent401RefreshesOnlyOnceAndIsAuth() {
    cloud.acceptedToken = t -> false;
    HttpJsonSource source = source(credentials().build());

    SourceException e = catchThrowableOfType(SourceException.class, () -> source.poll(context));

    assertThat(e.kind()).isEqualTo(Kind.AUTH);
    assertThat(tokenRequests).hasSize(2);
    assertThat(cloud.requests).hasSize(2);
  }

  @Test
  void basicClientAuthenticationSendsTheSecretOnlyToTheTokenEndpoint() throws Exception {
    source(credentials().build()).poll(context);

    RecordedRequest token = tokenRequests.get(0);
    String basic =
        Base64.getEncoder()
            .encodeToString((CLIENT_ID + ":" + CLIENT_SECRET).getBytes(StandardCharsets.UTF_8));
    assertThat(token.getMethod()).isEqualTo("POST");
    assertThat(token.getHeaders().get("Authorization")).isEqualTo("Basic " + basic);
    String form = token.getBody().utf8();
    assertThat(form).isEqualTo("grant_type=client_credentials&scope=metrics%3Aread");
    assertSecretNeverReachedTheApi(basic);
  }

  @Test
  void formClientAuthenticationPutsTheCredentialsInTheBody() throws Exception {
    source(
            credentials()
                .clientAuthentication(OAuth2ClientCredentials.ClientAuthentication.FORM)
                .build())
        .poll(context);

    RecordedRequest token = tokenRequests.get(0);
    assertThat(token.getHeaders().get("Authorization")).isNull();
    assertThat(token.getBody().utf8())
        .isEqualTo(
            "grant_type=client_credentials&scope=metrics%3Aread&client_id=vigil-client"
                + "&client_secret="
                + CLIENT_SECRET);
    assertSecretNeverReachedTheApi(CLIENT_SECRET);
  }

  private void assertSecretNeverReachedTheApi(String form) {
    for (RecordedRequest r : cloud.requests) {
      assertThat(r.getHeaders().toString()).doesNotContain(CLIENT_SECRET).doesNotContain(form);
      assertThat(r.getUrl().toString()).doesNotContain(CLIENT_SECRET);
    }
  }

  @Test
  void refusedTokenRequestIsAuthWithoutTheAnswerOrTheSecret() {
    auth.setDispatcher(
        new Dispatcher() {
          @Override
          public MockResponse dispatch(RecordedRequest request) {
            return new MockResponse.Builder()
                .code(400)
                .body("{\"error\":\"invalid_client\",\"echo\":\"" + CLIENT_SECRET + "\"}")
                .build();
          }
        });
    OAuth2ClientCredentials credentials = credentials().build();
    HttpJsonSource source = source(credentials);

    SourceException e = catchThrowableOfType(SourceException.class, () -> source.poll(context));

    assertThat(e.kind()).isEqualTo(Kind.AUTH);
    assertThat(e.httpStatus()).isEqualTo(400);
    assertThat(e.getMessage())
        .contains("OAuth2 token request: HTTP 400")
        .doesNotContain(CLIENT_SECRET);
    assertThat(credentials.toString()).doesNotContain(CLIENT_SECRET);
    assertThat(cloud.requests).isEmpty();
  }
}
