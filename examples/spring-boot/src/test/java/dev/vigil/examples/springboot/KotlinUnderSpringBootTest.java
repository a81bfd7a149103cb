package dev.vigil.examples.springboot;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URL;
import java.security.CodeSource;
import java.util.List;
import kotlin.KotlinVersion;
import okhttp3.OkHttp;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;
import okhttp3.ResponseBody;
import org.junit.jupiter.api.Test;

/**
 * This module is built with {@code spring-boot-starter-parent}, whose dependency management picks
 * the Kotlin standard library: OkHttp 5 (under vigil-http) needs Kotlin 2.x, built against 2.1.21.
 * Checks the versions that are really on the class path, and that OkHttp works on them.
 */
class KotlinUnderSpringBootTest {
  @Test
  void kotlinStdlibOnTheClassPathIsAtLeastTheOneOkHttpIsBuiltAgainst() {
    assertThat(KotlinVersion.CURRENT.isAtLeast(2, 1, 21))
        .as("kotlin-stdlib %s is older than OkHttp 5's 2.1.21", KotlinVersion.CURRENT)
        .isTrue();
    assertThat(KotlinVersion.CURRENT.getMajor()).isGreaterThanOrEqualTo(2);
    // The jar itself, not only the constant compiled into it: one kotlin-stdlib, of that version.
    CodeSource source = KotlinVersion.class.getProtectionDomain().getCodeSource();
    URL jar = source.getLocation();
    assertThat(jar.getPath()).endsWith("/kotlin-stdlib-" + KotlinVersion.CURRENT + ".jar");
  }

  @Test
  void okHttp5CallsTheFakeCloudWithABearerToken() throws Exception {
    assertThat(OkHttp.VERSION).startsWith("5.");
    try (FakeCloud cloud = new FakeCloud("t0ken", List.of("vm-000001"), 42.5).start()) {
      OkHttpClient client = new OkHttpClient();
      Request request =
          new Request.Builder()
              .url(cloud.baseUrl() + "v1/resources/vm-000001/metrics")
              .header("Authorization", "Bearer t0ken")
              .build();
      try (Response response = client.newCall(request).execute()) {
        ResponseBody body = response.body();
        assertThat(response.code()).isEqualTo(200);
        assertThat(body.string()).contains("\"cpu_usage\":42.5");
      }
      Request noToken =
          new Request.Builder().url(cloud.baseUrl() + "v1/resources/page-1.json").build();
      try (Response response = client.newCall(noToken).execute()) {
        assertThat(response.code()).isEqualTo(401);
      }
      assertThat(cloud.authorizations()).containsExactly("Bearer t0ken", "<none>");
      client.dispatcher().executorService().shutdown();
      client.connectionPool().evictAll();
    }
  }
}
