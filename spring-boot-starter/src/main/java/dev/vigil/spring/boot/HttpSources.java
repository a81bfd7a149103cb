package dev.vigil.spring.boot;

import static dev.vigil.spring.boot.Settings.at;
import static dev.vigil.spring.boot.Settings.require;
import static dev.vigil.spring.boot.Settings.run;

import dev.vigil.Matcher;
import dev.vigil.MetricSource;
import dev.vigil.Ticker;
import dev.vigil.http.DigitalOceanSource;
import dev.vigil.http.EndpointCheck;
import dev.vigil.http.EndpointCheckSource;
import dev.vigil.http.HetznerCloudSource;
import dev.vigil.http.HttpJsonSource;
import dev.vigil.http.OAuth2ClientCredentials;
import dev.vigil.http.Pagination;
import dev.vigil.http.PrometheusSource;
import dev.vigil.spring.boot.VigilProperties.Check;
import dev.vigil.spring.boot.VigilProperties.Source;
import io.github.resilience4j.retry.Retry;
import io.github.resilience4j.retry.RetryConfig;
import java.time.Clock;
import java.util.Map;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;

/**
 * The sources of vigil-http, from {@code vigil.sources.<name>.*}. Loaded only when vigil-http is on
 * the classpath.
 */
final class HttpSources {
  private HttpSources() {}

  static MetricSource build(String name, Source s, Clock clock, Ticker ticker) {
    String p = "vigil.sources." + name;
    VigilProperties.SourceType type = require(s.getType(), p + ".type", "set the source type");
    return switch (type) {
      case HTTP_JSON -> httpJson(name, p, s, clock, ticker);
      case HETZNER -> hetzner(name, p, s, clock, ticker);
      case DIGITALOCEAN -> digitalOcean(name, p, s, clock, ticker);
      case PROMETHEUS -> prometheus(name, p, s, clock, ticker);
      case ENDPOINT_CHECK -> endpointChecks(p, s, ticker);
      case HOST -> throw new IllegalStateException("host is not an HTTP source");
    };
  }

  private static <T> void ifSet(@Nullable T value, Consumer<T> setter, String path, String action) {
    if (value != null) run(path, action, () -> setter.accept(value));
  }

  private static final String DURATION = "set a positive duration, such as 10s";
  private static final String POSITIVE = "set a positive number";

  private static @Nullable Retry retry(String name, Source s) {
    Integer attempts = s.getMaxAttempts();
    if (attempts == null) return null;
    return at(
        "vigil.sources." + name + ".max-attempts",
        "set a number of attempts of at least 1",
        () ->
            Retry.of(
                "vigil-" + name,
                RetryConfig.from(HttpJsonSource.defaultRetryConfig())
                    .maxAttempts(attempts)
                    .build()));
  }

  private static MetricSource httpJson(
      String name, String p, Source s, Clock clock, Ticker ticker) {
    HttpJsonSource.Builder b = HttpJsonSource.builder().clock(clock).ticker(ticker);
    String baseUrl = require(s.getBaseUrl(), p + ".base-url", "set it to the API's base URL");
    run(p + ".base-url", "set an http or https URL", () -> b.baseUrl(baseUrl));
    auth(p, s, b);
    String resources =
        require(
            s.getResourcesPath(),
            p + ".resources-path",
            "set it to the path of the resource listing, such as /servers");
    run(p + ".resources-path", "set a path on the base URL", () -> b.resourcesPath(resources));
    String metrics =
        require(
            s.getMetricsPath(),
            p + ".metrics-path",
            "set it to the path of a resource's metrics, with {id}, such as /servers/{id}/metrics");
    run(p + ".metrics-path", "put {id} in the path exactly once", () -> b.metricsPath(metrics));
    if (s.getMetrics().isEmpty()) {
      throw new VigilConfigurationException(
          p + ".metrics",
          "is empty",
          "map each metric name to the JSON Pointer of its number, such as cpu_usage: /cpu",
          null);
    }
    for (Map.Entry<String, String> m : s.getMetrics().entrySet()) {
      run(
          p + ".metrics." + m.getKey(),
          "set a JSON Pointer, such as /cpu",
          () -> b.metric(m.getKey(), m.getValue()));
    }
    ifSet(s.getItemsPointer(), b::itemsPointer, p + ".items-pointer", "set a JSON Pointer");
    ifSet(s.getIdPointer(), b::idPointer, p + ".id-pointer", "set a JSON Pointer");
    ifSet(
        s.getTimestampPointer(),
        b::timestampPointer,
        p + ".timestamp-pointer",
        "set a JSON Pointer");
    for (Map.Entry<String, String> l : s.getResourceLabels().entrySet()) {
      run(
          p + ".resource-labels." + l.getKey(),
          "use a label name other than alertname, resource and severity, and a JSON Pointer",
          () -> b.resourceLabel(l.getKey(), l.getValue()));
    }
    for (Matcher m : Settings.matchers(s.getResourceFilters(), p + ".resource-filters")) {
      b.resourceFilter(m);
    }
    pagination(p + ".pagination", s.getPagination(), b);
    ifSet(s.getConnectTimeout(), b::connectTimeout, p + ".connect-timeout", DURATION);
    ifSet(s.getReadTimeout(), b::readTimeout, p + ".read-timeout", DURATION);
    ifSet(s.getCallTimeout(), b::callTimeout, p + ".call-timeout", DURATION);
    ifSet(s.getSweepTimeout(), b::sweepTimeout, p + ".sweep-timeout", DURATION);
    ifSet(s.getMaxRetryAfter(), b::maxRetryAfter, p + ".max-retry-after", "set a duration");
    ifSet(s.getRequestsPerSecond(), b::requestsPerSecond, p + ".requests-per-second", POSITIVE);
    ifSet(s.getConcurrency(), b::concurrency, p + ".concurrency", "set 1 to 256");
    ifSet(s.getMaxBodyBytes(), b::maxBodyBytes, p + ".max-body-bytes", POSITIVE);
    ifSet(s.getMaxPages(), b::maxPages, p + ".max-pages", POSITIVE);
    ifSet(s.getMaxResources(), b::maxResources, p + ".max-resources", POSITIVE);
    Retry retry = retry(name, s);
    if (retry != null) b.retry(retry);
    return build(p, b::build);
  }

  private static void auth(String p, Source s, HttpJsonSource.Builder b) {
    String token = s.getToken();
    VigilProperties.OAuth2 o = s.getOauth2();
    if (token != null && o.getTokenUrl() != null) {
      throw new VigilConfigurationException(
          p + ".token", "conflicts with oauth2.token-url", "set one of token and oauth2", null);
    }
    if (o.getTokenUrl() != null) {
      b.oauth2(oauth2(p + ".oauth2", o));
      return;
    }
    String t =
        require(
            token,
            p + ".token",
            "set it to the API's bearer token (such as ${CLOUD_TOKEN}), or configure "
                + p
                + ".oauth2.token-url");
    run(
        p + ".token",
        "set a token without whitespace or control characters",
        () -> b.bearerToken(t));
  }

  private static OAuth2ClientCredentials oauth2(String p, VigilProperties.OAuth2 o) {
    OAuth2ClientCredentials.Builder b = OAuth2ClientCredentials.builder();
    String url = require(o.getTokenUrl(), p + ".token-url", "set the token endpoint's URL");
    run(p + ".token-url", "set an http or https URL", () -> b.tokenUrl(url));
    String id = require(o.getClientId(), p + ".client-id", "set the OAuth2 client id");
    String secret =
        require(o.getClientSecret(), p + ".client-secret", "set the OAuth2 client secret");
    run(p + ".client-id", "set the client id and secret", () -> b.client(id, secret));
    ifSet(o.getScope(), b::scope, p + ".scope", "set a scope");
    VigilProperties.ClientAuthentication auth = o.getClientAuthentication();
    if (auth != null) {
      b.clientAuthentication(
          auth == VigilProperties.ClientAuthentication.BASIC
              ? OAuth2ClientCredentials.ClientAuthentication.BASIC
              : OAuth2ClientCredentials.ClientAuthentication.FORM);
    }
    ifSet(o.getRefreshBefore(), b::refreshBefore, p + ".refresh-before", "set a duration");
    ifSet(o.getTimeout(), b::timeout, p + ".timeout", DURATION);
    return at(p, "set token-url, client-id and client-secret", b::build);
  }

  private static void pagination(String p, VigilProperties.Pagination g, HttpJsonSource.Builder b) {
    switch (g.getType()) {
      case NEXT_LINK -> {
        String next = g.getNextPointer();
        if (next != null) {
          run(
              p + ".next-pointer",
              "set a JSON Pointer",
              () -> b.pagination(Pagination.nextLink(next)));
        }
      }
      case LINK_HEADER -> b.pagination(Pagination.linkHeader());
      case PAGE_TOKEN -> {
        String pointer =
            require(g.getTokenPointer(), p + ".token-pointer", "set the JSON Pointer to the token");
        String parameter =
            require(g.getParameter(), p + ".parameter", "set the query parameter of the token");
        run(
            p,
            "set token-pointer and parameter",
            () -> b.pagination(Pagination.pageToken(pointer, parameter)));
      }
      case OFFSET_LIMIT -> {
        String offset =
            require(g.getOffsetParameter(), p + ".offset-parameter", "set the offset parameter");
        String limit =
            require(g.getLimitParameter(), p + ".limit-parameter", "set the limit parameter");
        int size = require(g.getLimit(), p + ".limit", "set the page size, such as 100");
        run(
            p,
            "set two different parameters and a positive limit",
            () -> b.pagination(Pagination.offsetLimit(offset, limit, size)));
      }
    }
  }

  private static MetricSource hetzner(String name, String p, Source s, Clock clock, Ticker ticker) {
    HetznerCloudSource.Builder b = HetznerCloudSource.builder().clock(clock).ticker(ticker);
    ifSet(s.getBaseUrl(), b::baseUrl, p + ".base-url", "set an http or https URL");
    String token =
        require(s.getToken(), p + ".token", "set it to the Hetzner Cloud API token (read only)");
    run(p + ".token", "set a token without whitespace", () -> b.bearerToken(token));
    ifSet(s.getLabelSelector(), b::labelSelector, p + ".label-selector", "set a label selector");
    if (!s.getTypes().isEmpty()) {
      run(
          p + ".types",
          "use " + String.join(", ", HetznerCloudSource.TYPES),
          () -> b.types(s.getTypes().toArray(new String[0])));
    }
    ifSet(s.getWindow(), b::window, p + ".window", DURATION);
    ifSet(s.getMaxPages(), b::maxPages, p + ".max-pages", POSITIVE);
    ifSet(s.getRequestsPerSecond(), b::requestsPerSecond, p + ".requests-per-second", POSITIVE);
    ifSet(s.getSweepTimeout(), b::sweepTimeout, p + ".sweep-timeout", DURATION);
    Retry retry = retry(name, s);
    if (retry != null) b.retry(retry);
    return build(p, b::build);
  }

  private static MetricSource digitalOcean(
      String name, String p, Source s, Clock clock, Ticker ticker) {
    DigitalOceanSource.Builder b = DigitalOceanSource.builder().clock(clock).ticker(ticker);
    ifSet(s.getBaseUrl(), b::baseUrl, p + ".base-url", "set an http or https URL");
    String token =
        require(s.getToken(), p + ".token", "set it to a DigitalOcean API token (read scope)");
    run(p + ".token", "set a token without whitespace", () -> b.bearerToken(token));
    ifSet(s.getTag(), b::tag, p + ".tag", "set a droplet tag");
    if (!s.getTypes().isEmpty()) {
      run(
          p + ".types",
          "use " + String.join(", ", DigitalOceanSource.METRICS),
          () -> b.metrics(s.getTypes().toArray(new String[0])));
    }
    ifSet(s.getWindow(), b::window, p + ".window", DURATION);
    ifSet(s.getMaxPages(), b::maxPages, p + ".max-pages", POSITIVE);
    ifSet(s.getRequestsPerSecond(), b::requestsPerSecond, p + ".requests-per-second", POSITIVE);
    ifSet(s.getSweepTimeout(), b::sweepTimeout, p + ".sweep-timeout", DURATION);
    Retry retry = retry(name, s);
    if (retry != null) b.retry(retry);
    return build(p, b::build);
  }

  private static MetricSource prometheus(
      String name, String p, Source s, Clock clock, Ticker ticker) {
    PrometheusSource.Builder b = PrometheusSource.builder().clock(clock).ticker(ticker);
    String baseUrl =
        require(
            s.getBaseUrl(),
            p + ".base-url",
            "set it to the Prometheus server's URL, such as http://127.0.0.1:9090");
    run(p + ".base-url", "set an http or https URL", () -> b.baseUrl(baseUrl));
    if (s.getQueries().isEmpty()) {
      throw new VigilConfigurationException(
          p + ".queries",
          "is empty",
          "map each metric name to a PromQL instant query, such as up: up",
          null);
    }
    for (Map.Entry<String, String> q : s.getQueries().entrySet()) {
      run(
          p + ".queries." + q.getKey(),
          "set a PromQL query",
          () -> b.query(q.getKey(), q.getValue()));
    }
    if (!s.getResourceLabel().isEmpty()) {
      run(
          p + ".resource-label",
          "name series labels",
          () -> b.resourceLabel(s.getResourceLabel().toArray(new String[0])));
    }
    ifSet(s.getDefaultResource(), b::defaultResource, p + ".default-resource", "set a name");
    String token = s.getToken();
    String user = s.getUsername();
    if (token != null && user != null) {
      throw new VigilConfigurationException(
          p + ".token", "conflicts with username", "set one of token and username/password", null);
    }
    if (token != null)
      run(p + ".token", "set a token without whitespace", () -> b.bearerToken(token));
    if (user != null) {
      String password = require(s.getPassword(), p + ".password", "set the basic auth password");
      run(p + ".username", "set user and password", () -> b.basicAuth(user, password));
    }
    ifSet(s.getConnectTimeout(), b::connectTimeout, p + ".connect-timeout", DURATION);
    ifSet(s.getReadTimeout(), b::readTimeout, p + ".read-timeout", DURATION);
    ifSet(s.getCallTimeout(), b::callTimeout, p + ".call-timeout", DURATION);
    ifSet(s.getSweepTimeout(), b::sweepTimeout, p + ".sweep-timeout", DURATION);
    ifSet(s.getMaxRetryAfter(), b::maxRetryAfter, p + ".max-retry-after", "set a duration");
    ifSet(s.getRequestsPerSecond(), b::requestsPerSecond, p + ".requests-per-second", POSITIVE);
    ifSet(s.getConcurrency(), b::concurrency, p + ".concurrency", "set 1 to 256");
    ifSet(s.getMaxBodyBytes(), b::maxBodyBytes, p + ".max-body-bytes", POSITIVE);
    ifSet(s.getMaxSeries(), b::maxSeries, p + ".max-series", POSITIVE);
    Retry retry = retry(name, s);
    if (retry != null) b.retry(retry);
    return build(p, b::build);
  }

  private static MetricSource endpointChecks(String p, Source s, Ticker ticker) {
    EndpointCheckSource.Builder b = EndpointCheckSource.builder().ticker(ticker);
    if (s.getChecks().isEmpty()) {
      throw new VigilConfigurationException(
          p + ".checks",
          "is empty",
          "add a check, such as " + p + ".checks.api.url=https://api.example.com/health",
          null);
    }
    for (Map.Entry<String, Check> e : s.getChecks().entrySet()) {
      b.check(check(p + ".checks." + e.getKey(), e.getKey(), e.getValue()));
    }
    ifSet(s.getMaxBodyBytes(), b::maxBodyBytes, p + ".max-body-bytes", POSITIVE);
    ifSet(s.getConcurrency(), b::concurrency, p + ".concurrency", "set 1 to 256");
    return build(p, b::build);
  }

  private static EndpointCheck check(String p, String name, Check c) {
    String url = require(c.getUrl(), p + ".url", "set the URL to check");
    EndpointCheck.Builder b =
        at(p + ".url", "set an http or https URL", () -> EndpointCheck.builder(name, url));
    VigilProperties.EndpointMethod method = c.getMethod();
    if (method != null) {
      b.method(
          method == VigilProperties.EndpointMethod.HEAD
              ? EndpointCheck.Method.HEAD
              : EndpointCheck.Method.GET);
    }
    Integer min = c.getStatusMin();
    Integer max = c.getStatusMax();
    if (min != null || max != null) {
      int lo = require(min, p + ".status-min", "set both status-min and status-max");
      int hi = require(max, p + ".status-max", "set both status-min and status-max");
      run(
          p + ".status-min",
          "set 100 <= status-min <= status-max <= 599",
          () -> b.expectStatus(lo, hi));
    }
    ifSet(c.getTimeout(), b::timeout, p + ".timeout", DURATION);
    ifSet(c.getBodyContains(), b::bodyContains, p + ".body-contains", "set a text");
    String pointer = c.getBodyJsonPointer();
    String equals = c.getBodyJsonEquals();
    if (equals != null) {
      String ptr =
          require(pointer, p + ".body-json-pointer", "set the JSON Pointer of the compared value");
      run(
          p + ".body-json-equals",
          "set a JSON Pointer and a value",
          () -> b.bodyJsonEquals(ptr, equals));
    } else if (pointer != null) {
      run(p + ".body-json-pointer", "set a JSON Pointer", () -> b.bodyJsonExists(pointer));
    }
    ifSet(c.getToken(), b::bearerToken, p + ".token", "set a token without whitespace");
    String user = c.getUsername();
    if (user != null) {
      String password = require(c.getPassword(), p + ".password", "set the basic auth password");
      run(p + ".username", "set user and password", () -> b.basicAuth(user, password));
    }
    return at(p, "fix the check's settings", b::build);
  }

  /** A failing build() is the source as a whole; its message names the builder's setting. */
  private static MetricSource build(String p, java.util.function.Supplier<MetricSource> build) {
    return at(p, "fix the source's settings (see docs/spring-boot.md)", build);
  }
}
