package dev.vigil.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

import okhttp3.HttpUrl;
import org.junit.jupiter.api.Test;

class UrlsTest {
  @Test
  void redactionStripsUserInfoAndSecretLookingQueryValues() {
    HttpUrl url =
        HttpUrl.get(
            "https://me:pw@api.example.com/v1?page=2&api_key=k1&X-Amz-Signature=s1&authCode=a1"
                + "&client_secret=c1&Password=p1&access_token=t1#frag");

    assertThat(Urls.redact(url))
        .isEqualTo(
            "https://api.example.com/v1?page=2&api_key=REDACTED&X-Amz-Signature=REDACTED"
                + "&authCode=REDACTED&client_secret=REDACTED&Password=REDACTED&access_token=REDACTED");
  }

  @Test
  void redactionOfAUrlWithNothingToHideIsItsText() {
    HttpUrl url = HttpUrl.get("https://api.example.com:8443/v1/resources/a%2Fb%20c/metrics");

    assertThat(Urls.redact(url)).isSameAs(url.toString());
    assertThat(Urls.redact(HttpUrl.get("https://api.example.com/v1?page=2")))
        .isEqualTo("https://api.example.com/v1?page=2");
  }

  @Test
  void pathSegmentEncodingKeepsOnlyUnreservedCharacters() {
    assertThat(Urls.encodePathSegment("vm-0_1.a~b")).isEqualTo("vm-0_1.a~b");
    assertThat(Urls.encodePathSegment("a/b c?d#é")).isEqualTo("a%2Fb%20c%3Fd%23%C3%A9");
  }

  @Test
  void unreservedIdIsReturnedWithoutACopy() {
    String id = "vm-000042";
    assertThat(Urls.encodePathSegment(id)).isSameAs(id);
    assertThat(Urls.encodePathSegment("vm 42")).isNotSameAs("vm 42").isEqualTo("vm%2042");
  }

  @Test
  void aUrlThatDoesNotParseShowsNeitherItsUserInfoNorItsQuery() {
    assertThat(Urls.redactUnparsed("https://api.example.com:99999/v1/?api_key=SUPERSECRET123"))
        .isEqualTo("https://api.example.com:99999/v1/?***");
    assertThat(Urls.redactUnparsed("https://admin:s3cr/et@prom.example.com:99999/"))
        .isEqualTo("https://***@prom.example.com:99999/");
    assertThat(Urls.redactUnparsed("htps://u:p@x#token=t")).isEqualTo("htps://***@x?***");
    assertThat(Urls.redactUnparsed("x".repeat(500))).hasSize(203);
  }

  @Test
  void everySourceBuilderRejectsABadUrlWithoutEchoingItsSecrets() {
    String bad = "https://admin:pa/ss@api.example.com:99999/v1/?token=SUPERSECRET123";
    assertThatIllegalArgumentException()
        .isThrownBy(() -> HttpJsonSource.builder().baseUrl(bad))
        .withMessageNotContaining("SUPERSECRET123")
        .withMessageNotContaining("pa/ss");
    assertThatIllegalArgumentException()
        .isThrownBy(() -> PrometheusSource.builder().baseUrl(bad))
        .withMessageNotContaining("SUPERSECRET123")
        .withMessageNotContaining("pa/ss");
    assertThatIllegalArgumentException()
        .isThrownBy(() -> EndpointCheck.builder("api", bad))
        .withMessageNotContaining("SUPERSECRET123")
        .withMessageNotContaining("pa/ss");
  }
}
