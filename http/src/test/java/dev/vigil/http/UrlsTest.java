package dev.vigil.http;

import static org.assertj.core.api.Assertions.assertThat;

import okhttp3.HttpUrl;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

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

  @ParameterizedTest
  @ValueSource(
      strings = {
        "https://api.example.com/v1/resources/vm-1/metrics",
        "https://api.example.com:8443/v1/a%2Fb%20c%3Fd/metrics?x=1&y=%20#frag",
        "http://[::1]:8080/v1/x",
        "https://me:p%2Fw@api.example.com/v1/x",
        "https://api.example.com/",
        "https://xn--mnchen-3ya.example/v1/x"
      })
  void originRelativeReferenceResolvesToTheSameUrl(String text) {
    HttpUrl url = HttpUrl.get(text);
    HttpUrl base = url.newBuilder().username("").password("").encodedPath("/base/").build();

    String reference = Urls.originRelative(url);

    assertThat(reference).startsWith("/").doesNotStartWith("//");
    assertThat(base.resolve(reference))
        .isEqualTo(url.newBuilder().username("").password("").build());
  }

  @Test
  void originRelativeKeepsAPathStartingWithTwoSlashesAbsoluteSoItCannotNameAHost() {
    HttpUrl url = HttpUrl.get("https://api.example.com//evil.example/x");
    HttpUrl base = HttpUrl.get("https://api.example.com/");

    assertThat(Urls.originRelative(url)).isEqualTo("https://api.example.com//evil.example/x");
    assertThat(base.resolve(Urls.originRelative(url))).isEqualTo(url);
    assertThat(base.resolve("//evil.example/x").host())
        .as("what the reference would have done")
        .isEqualTo("evil.example");
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
}
