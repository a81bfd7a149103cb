package dev.vigil.http;

import static org.assertj.core.api.Assertions.assertThat;

import okhttp3.HttpUrl;
import org.junit.jupiter.api.Test;

/** The template resolved once gives the URL that replacing {id} and resolving per id gives. */
class MetricsUrlTemplateTest {
  static final HttpUrl BASE = HttpUrl.get("https://api.example.com/base/");

  static HttpUrl slow(String path, String id) {
    return BASE.resolve(path.replace("{id}", Urls.encodePathSegment(id)));
  }

  @Test
  void setsOnlyTheIdSegmentAndGivesTheResolvedUrl() {
    String[] paths = {
      "/v1/resources/{id}/metrics", "v1/{id}", "{id}/metrics?fields=cpu", "../{id}/m#top", "/{id}"
    };
    String[] ids = {"vm-1", "vm 42", "a/b", "ä?#%", "..."};
    for (String path : paths) {
      MetricsUrlTemplate template = MetricsUrlTemplate.of(BASE, path);
      assertThat(template).as(path).isNotNull();
      for (String id : ids) {
        assertThat(template.url(id)).as("%s with %s", path, id).isEqualTo(slow(path, id));
      }
    }
  }

  @Test
  void idThatIsNotAWholePathSegmentIsLeftToTheCaller() {
    assertThat(MetricsUrlTemplate.of(BASE, "/v1/{id}.json")).isNull();
    assertThat(MetricsUrlTemplate.of(BASE, "/v1/metrics?id={id}")).isNull();
    assertThat(MetricsUrlTemplate.of(BASE, "/v1/%7Bid%7D/{id}")).isNull();
  }
}
