package dev.vigil.http;

import java.nio.charset.StandardCharsets;
import java.util.Locale;
import okhttp3.HttpUrl;

/** URL helpers: redaction for messages, path-segment encoding, origin checks. */
final class Urls {
  private Urls() {}

  private static final String[] SECRET_PARAMETER_PARTS = {
    "token", "key", "secret", "password", "signature", "auth"
  };
  private static final char[] HEX = "0123456789ABCDEF".toCharArray();

  /**
   * Returns {@code url} as text without credentials: no user info, no fragment, and the value of
   * every query parameter whose name suggests a secret replaced by {@code REDACTED}.
   */
  /**
   * A URL that did not parse, safe to show: user info and everything from the query on are replaced
   * by {@code ***}, and it is cut to 200 characters. Over-redacts rather than guesses: anything
   * before the last {@code @} after {@code //} counts as user info.
   */
  static String redactUnparsed(String url) {
    String s = url;
    int query = s.length();
    for (char c : new char[] {'?', '#'}) {
      int at = s.indexOf(c);
      if (at >= 0 && at < query) query = at;
    }
    if (query < s.length()) s = s.substring(0, query) + "?***";
    int authority = s.indexOf("//");
    int userInfo = s.lastIndexOf('@');
    if (authority >= 0 && userInfo > authority) {
      s = s.substring(0, authority + 2) + "***@" + s.substring(userInfo + 1);
    }
    return s.length() > 200 ? s.substring(0, 200) + "..." : s;
  }

  static String redact(HttpUrl url) {
    // The usual case costs nothing: HttpUrl keeps its text, and there is nothing to take out.
    if (url.querySize() == 0
        && url.username().isEmpty()
        && url.password().isEmpty()
        && url.fragment() == null) {
      return url.toString();
    }
    HttpUrl.Builder b = url.newBuilder().username("").password("").fragment(null);
    if (url.querySize() > 0) {
      b.query(null);
      for (int i = 0; i < url.querySize(); i++) {
        String name = url.queryParameterName(i);
        String value = url.queryParameterValue(i);
        b.addQueryParameter(name, isSecretName(name) && value != null ? "REDACTED" : value);
      }
    }
    return b.build().toString();
  }

  private static boolean isSecretName(String name) {
    String lower = name.toLowerCase(Locale.ROOT);
    for (String part : SECRET_PARAMETER_PARTS) {
      if (lower.contains(part)) return true;
    }
    return false;
  }

  /** Returns scheme://host:port of {@code url}, for messages about foreign origins. */
  static String origin(HttpUrl url) {
    return url.scheme() + "://" + url.host() + ":" + url.port();
  }

  /** True if both URLs have the same scheme, host and port. */
  static boolean sameOrigin(HttpUrl a, HttpUrl b) {
    return a.scheme().equals(b.scheme()) && a.host().equals(b.host()) && a.port() == b.port();
  }

  /**
   * Percent-encodes {@code s} as one URL path segment: everything but RFC 3986 unreserved
   * characters is encoded, so a "/" or "?" in a resource id can never change the URL's structure.
   */
  static String encodePathSegment(String s) {
    if (isUnreserved(s)) return s; // the usual id: no copy
    byte[] bytes = s.getBytes(StandardCharsets.UTF_8);
    StringBuilder out = new StringBuilder(bytes.length + 8);
    for (byte b : bytes) {
      int c = b & 0xff;
      if ((c >= 'a' && c <= 'z')
          || (c >= 'A' && c <= 'Z')
          || (c >= '0' && c <= '9')
          || c == '-'
          || c == '.'
          || c == '_'
          || c == '~') {
        out.append((char) c);
      } else {
        out.append('%').append(HEX[c >> 4]).append(HEX[c & 0xf]);
      }
    }
    return out.toString();
  }

  private static boolean isUnreserved(String s) {
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (!((c >= 'a' && c <= 'z')
          || (c >= 'A' && c <= 'Z')
          || (c >= '0' && c <= '9')
          || c == '-'
          || c == '.'
          || c == '_'
          || c == '~')) {
        return false;
      }
    }
    return true;
  }
}
