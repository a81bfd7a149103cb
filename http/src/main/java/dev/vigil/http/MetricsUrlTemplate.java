package dev.vigil.http;

import java.util.List;
import okhttp3.HttpUrl;
import org.jspecify.annotations.Nullable;

/**
 * A resource's metrics URL, resolved against the base URL once when the source is built: per
 * resource only the path segment that holds {@code {id}} is set, to the id encoded with {@link
 * Urls#encodePathSegment}, giving the same URL as replacing {@code {id}} in the path and resolving
 * it, without parsing a URL per resource. Immutable and thread safe.
 */
final class MetricsUrlTemplate {
  /** {@code {id}} as a resolved path segment: OkHttp percent-encodes the braces. */
  private static final String ENCODED_ID = "%7Bid%7D";

  private final HttpUrl template;
  private final int segment;

  private MetricsUrlTemplate(HttpUrl template, int segment) {
    this.template = template;
    this.segment = segment;
  }

  /**
   * The template of {@code metricsPath} on {@code base}, or null if {@code {id}} is not one whole
   * path segment of the resolved URL (such as {@code /v1/{id}.json} or {@code ?id={id}}): then the
   * caller replaces and resolves per resource.
   */
  static @Nullable MetricsUrlTemplate of(HttpUrl base, String metricsPath) {
    HttpUrl template = base.resolve(metricsPath);
    if (template == null || !Urls.sameOrigin(template, base)) return null;
    List<String> segments = template.encodedPathSegments();
    int at = segments.indexOf(ENCODED_ID);
    if (at < 0 || segments.lastIndexOf(ENCODED_ID) != at) return null;
    String query = template.encodedQuery();
    String fragment = template.encodedFragment();
    if ((query != null && query.contains(ENCODED_ID))
        || (fragment != null && fragment.contains(ENCODED_ID))) {
      return null;
    }
    return new MetricsUrlTemplate(template, at);
  }

  /** The metrics URL of {@code id}, which must be usable as a path segment (not "." or ".."). */
  HttpUrl url(String id) {
    return template.newBuilder().setEncodedPathSegment(segment, Urls.encodePathSegment(id)).build();
  }
}
