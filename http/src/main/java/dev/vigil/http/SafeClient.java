package dev.vigil.http;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import okhttp3.ConnectionPool;
import okhttp3.HttpUrl;
import okhttp3.Interceptor;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import org.jspecify.annotations.Nullable;

/**
 * The one way the sources of this package make their {@link OkHttpClient}: from the host's client
 * (its pool, proxy, TLS and interceptors) or a new one, with the source's timeouts always set,
 * redirects never followed (a redirect could take the bearer token, or just the request, to another
 * origin), a connection pool that keeps as many idle connections as requests in flight (OkHttp
 * keeps 5), and, last of all interceptors, a guard that removes the {@code Authorization} header
 * from any request to another origin than the base URL.
 */
final class SafeClient {
  private SafeClient() {}

  /**
   * Returns the client a source uses.
   *
   * @param host the host's client, or null to build one (then the source owns it)
   * @param interceptors application interceptors added after the host's own
   */
  static OkHttpClient build(
      @Nullable OkHttpClient host,
      HttpUrl baseUrl,
      Duration connectTimeout,
      Duration readTimeout,
      Duration callTimeout,
      int concurrency,
      List<Interceptor> interceptors) {
    OkHttpClient.Builder b = (host != null ? host : new OkHttpClient()).newBuilder();
    if (host == null) {
      // OkHttp keeps 5 idle connections by default: with more requests in flight, the pool
      // closes connections that the next requests of the sweep open again.
      b.connectionPool(new ConnectionPool(Math.max(5, concurrency), 5, TimeUnit.MINUTES));
    }
    for (Interceptor i : interceptors) b.addInterceptor(i);
    return b.connectTimeout(connectTimeout)
        .readTimeout(readTimeout)
        .callTimeout(callTimeout)
        .followRedirects(false)
        .followSslRedirects(false)
        // The last guard: whatever a host interceptor or a future change does, the bearer token
        // is only ever sent to the origin of baseUrl.
        .addNetworkInterceptor(
            chain -> {
              Request request = chain.request();
              if (request.header("Authorization") != null
                  && !Urls.sameOrigin(request.url(), baseUrl)) {
                request = request.newBuilder().removeHeader("Authorization").build();
              }
              return chain.proceed(request);
            })
        .build();
  }
}
