package dev.vigil.alerts;

import static java.util.Objects.requireNonNull;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * A URL an HTTP sink posts to, checked at build time, with the form that may be shown in logs,
 * {@code toString()} and exception messages: without user info, query and fragment, and, for a URL
 * that is itself a credential (Slack, Teams), without its path too ({@code
 * https://hooks.slack.com/…}).
 */
final class Endpoint {
  final URI uri;
  final String shown;

  /** The parts of the URL that must never appear in text, longest first. */
  final List<String> secrets;

  private Endpoint(URI uri, String shown, List<String> secrets) {
    this.uri = uri;
    this.shown = shown;
    this.secrets = secrets;
  }

  /**
   * Parses and checks {@code url} for the setting {@code setting}.
   *
   * @param secretPath true if the path and query are a credential (a webhook URL)
   * @param plainHttp whether {@code http://} is allowed for a host that is not loopback
   * @throws NullPointerException if {@code url} is null
   * @throws IllegalArgumentException naming the setting, without the secret parts of the URL
   */
  static Endpoint parse(String setting, String url, boolean secretPath, boolean plainHttp) {
    requireNonNull(url, setting + " == null");
    URI uri;
    try {
      uri = new URI(url.strip());
    } catch (URISyntaxException e) {
      throw new IllegalArgumentException(setting + " is not a URL (" + e.getReason() + ")");
    }
    String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
    if (!scheme.equals("http") && !scheme.equals("https")) {
      throw new IllegalArgumentException(setting + " must be an http or https URL");
    }
    String host = uri.getHost();
    if (host == null || host.isEmpty()) {
      throw new IllegalArgumentException(setting + " has no host");
    }
    if (uri.getRawUserInfo() != null) {
      throw new IllegalArgumentException(
          setting
              + " holds user info (user:password@): credentials in a URL end up in logs;"
              + " pass them as a header");
    }
    String origin = scheme + "://" + host + (uri.getPort() >= 0 ? ":" + uri.getPort() : "");
    if (scheme.equals("http") && !plainHttp && !EmailAlertSink.Builder.isLoopback(host)) {
      throw new IllegalArgumentException(
          setting
              + " must use https ("
              + origin
              + " is not loopback): its URL or headers are"
              + " credentials");
    }
    String path = uri.getRawPath() == null ? "" : uri.getRawPath();
    List<String> secrets = new ArrayList<>();
    String query = uri.getRawQuery();
    if (secretPath && path.length() > 1) {
      secrets.add(path);
      // A receiver may echo one segment (the token) rather than the whole path.
      for (String segment : path.split("/", -1)) if (segment.length() >= 8) secrets.add(segment);
    }
    if (query != null) {
      secrets.add(query);
      for (String pair : query.split("&", -1)) {
        int eq = pair.indexOf('=');
        String value = eq < 0 ? pair : pair.substring(eq + 1);
        if (value.length() >= 4) secrets.add(value);
      }
    }
    secrets.sort((a, b) -> b.length() - a.length());
    String shown = secretPath ? origin + (path.length() > 1 ? "/…" : "") : origin + path;
    return new Endpoint(uri, shown, List.copyOf(secrets));
  }

  /** This endpoint with {@code path} appended to its path, such as {@code /api/v2/alerts}. */
  Endpoint resolve(String path) {
    String base = uri.getRawPath() == null ? "" : uri.getRawPath();
    if (base.endsWith("/")) base = base.substring(0, base.length() - 1);
    URI joined = URI.create(origin(uri) + base + path);
    return new Endpoint(joined, shown.replaceAll("/+$", "") + path, secrets);
  }

  private static String origin(URI uri) {
    return uri.getScheme() + "://" + uri.getRawAuthority();
  }

  @Override
  public String toString() {
    return shown;
  }
}
