package dev.vigil.http;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class HttpJsonSourceBuilderTest {
  static final String TOKEN = FakeCloud.TOKEN;

  static HttpJsonSource.Builder complete() {
    return HttpJsonSource.builder()
        .baseUrl("https://api.example.com/")
        .bearerToken(TOKEN)
        .resourcesPath("/v1/resources/page-1.json")
        .metricsPath("/v1/resources/{id}/metrics")
        .metric("cpu_usage", "/metrics/cpu_usage");
  }

  @Test
  void nullSettingsAreRejectedNamingTheSetting() {
    HttpJsonSource.Builder b = HttpJsonSource.builder();
    assertThatThrownBy(() -> b.baseUrl((String) null))
        .isInstanceOf(NullPointerException.class)
        .hasMessage("baseUrl == null");
    assertThatThrownBy(() -> b.bearerToken((String) null)).hasMessage("bearerToken == null");
    assertThatThrownBy(() -> b.resourcesPath(null)).hasMessage("resourcesPath == null");
    assertThatThrownBy(() -> b.metricsPath(null)).hasMessage("metricsPath == null");
    assertThatThrownBy(() -> b.itemsPointer(null)).hasMessage("itemsPointer == null");
    assertThatThrownBy(() -> b.readTimeout(null)).hasMessage("readTimeout == null");
    assertThatThrownBy(() -> b.retry(null)).hasMessage("retry == null");
  }

  @Test
  void baseUrlMustBeHttpOrHttps() {
    assertThatThrownBy(() -> HttpJsonSource.builder().baseUrl("ftp://files.example.com/"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("baseUrl")
        .hasMessageContaining("ftp://files.example.com/");
    assertThatThrownBy(() -> HttpJsonSource.builder().baseUrl("ftp://me:pw@files.example.com/"))
        .hasMessageNotContaining("pw");
  }

  @Test
  void blankOrCrLfTokenIsRejectedWithoutShowingIt() {
    assertThatThrownBy(() -> HttpJsonSource.builder().bearerToken("  "))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("bearerToken")
        .hasMessageContaining("blank");
    assertThatThrownBy(() -> HttpJsonSource.builder().bearerToken(TOKEN + "\r\nX: y"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("CR or LF")
        .hasMessageNotContaining(TOKEN);
  }

  @Test
  void pointersMustBeJsonPointers() {
    assertThatThrownBy(() -> complete().metric("mem", "metrics/mem"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("metric mem")
        .hasMessageContaining("metrics/mem");
    assertThatThrownBy(() -> complete().idPointer("/a~2b")).hasMessageContaining("idPointer");
    assertThatThrownBy(() -> complete().resourceLabel("region", "region"))
        .hasMessageContaining("resourceLabel region");
  }

  @Test
  void duplicateMetricsAndLabelsAreRejected() {
    assertThatThrownBy(() -> complete().metric("cpu_usage", "/x"))
        .hasMessageContaining("metric already added: cpu_usage");
    assertThatThrownBy(() -> complete().resourceLabel("r", "/r").resourceLabel("r", "/s"))
        .hasMessageContaining("resourceLabel already added: r");
  }

  @Test
  void labelNamesTheEngineSetsItselfAreRejected() {
    for (String reserved : List.of("alertname", "resource", "severity")) {
      assertThatThrownBy(() -> complete().resourceLabel(reserved, "/x"))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageStartingWith("resourceLabel name is reserved: " + reserved);
    }
    assertThatCode(
            () -> complete().resourceLabel("source", "/x").resourceLabel("Resource", "/y").build())
        .doesNotThrowAnyException();
  }

  @Test
  void metricsPathNeedsIdPlaceholder() {
    assertThatThrownBy(() -> complete().metricsPath("/v1/metrics"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("metricsPath")
        .hasMessageContaining("{id}");
  }

  @Test
  void rangesAreCheckedNamingSettingAndValue() {
    assertThatThrownBy(() -> complete().concurrency(0))
        .hasMessage("concurrency must be between 1 and 256: 0");
    assertThatThrownBy(() -> complete().maxBodyBytes(0))
        .hasMessage("maxBodyBytes must be positive: 0");
    assertThatThrownBy(() -> complete().maxPages(-1)).hasMessage("maxPages must be positive: -1");
    assertThatThrownBy(() -> complete().maxPages(0)).hasMessage("maxPages must be positive: 0");
    assertThatThrownBy(() -> complete().maxResources(0))
        .hasMessage("maxResources must be positive: 0");
    assertThatThrownBy(() -> complete().maxIdLength(0))
        .hasMessage("maxIdLength must be positive: 0");
    assertThatThrownBy(() -> complete().maxLabelValueLength(-5))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("maxLabelValueLength must be positive: -5");
    assertThatThrownBy(() -> complete().connectTimeout(Duration.ZERO))
        .hasMessage("connectTimeout must be positive: PT0S");
    assertThatThrownBy(() -> complete().callTimeout(Duration.ofSeconds(-1)))
        .hasMessageContaining("callTimeout");
  }

  @Test
  void buildNamesTheMissingSetting() {
    assertThatThrownBy(() -> HttpJsonSource.builder().build())
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("baseUrl is not set");
    assertThatThrownBy(() -> HttpJsonSource.builder().baseUrl("http://h/").build())
        .hasMessage("bearerToken is not set (or oauth2)");
    assertThatThrownBy(() -> HttpJsonSource.builder().baseUrl("http://h/").bearerToken("t").build())
        .hasMessage("resourcesPath is not set");
    assertThatThrownBy(
            () ->
                HttpJsonSource.builder()
                    .baseUrl("http://h/")
                    .bearerToken("t")
                    .resourcesPath("/r")
                    .build())
        .hasMessage("metricsPath is not set");
    assertThatThrownBy(
            () ->
                HttpJsonSource.builder()
                    .baseUrl("http://h/")
                    .bearerToken("t")
                    .resourcesPath("/r")
                    .metricsPath("/m/{id}")
                    .build())
        .hasMessageContaining("no metric");
  }

  @Test
  void pathsOnAnotherOriginAreRejectedAtBuild() {
    assertThatThrownBy(() -> complete().resourcesPath("https://evil.example.com/list").build())
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("resourcesPath");
    assertThatThrownBy(() -> complete().metricsPath("//evil.example.com/{id}").build())
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("metricsPath");
  }
}
