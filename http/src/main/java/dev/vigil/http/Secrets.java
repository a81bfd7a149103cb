package dev.vigil.http;

import dev.vigil.internal.Strings;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * The credentials a source currently uses (the bearer tokens it sent lately, an OAuth2 client
 * secret), and the one way to make server text safe for a message, a log line or a notification:
 * {@link #quote} first replaces every credential, raw, Base64 (standard and URL-safe, with and
 * without padding) and URL-encoded (form and path-segment encoding, either hex case), by {@code
 * REDACTED}, and only then escapes and cuts, so that a cut can never leave part of a secret. A
 * server that echoes the token (in a reason phrase, a {@code Location} header, a JSON value) gets
 * nowhere with it. Thread safe.
 */
final class Secrets {
  static final String REDACTED = "REDACTED";

  /** Tokens remembered: the current one and a few before it, for rotation in flight. */
  private static final int REMEMBERED = 4;

  /** Shorter texts are not treated as secrets: replacing them would garble every message. */
  private static final int MIN_LENGTH = 4;

  private final Object lock = new Object();
  private final LinkedHashSet<String> secrets = new LinkedHashSet<>();
  private volatile List<String> forms = List.of();
  private volatile @Nullable String latest;

  /** Remembers {@code secret} as a current credential; cheap when it is the latest already. */
  void remember(@Nullable String secret) {
    if (secret == null || secret.length() < MIN_LENGTH || secret.equals(latest)) return;
    synchronized (lock) {
      secrets.remove(secret);
      secrets.add(secret);
      while (secrets.size() > REMEMBERED) secrets.remove(secrets.iterator().next());
      Set<String> all = new LinkedHashSet<>();
      for (String s : secrets) all.addAll(formsOf(s));
      List<String> sorted = new ArrayList<>(all);
      sorted.sort((a, b) -> b.length() - a.length()); // longest first: a form may contain another
      forms = List.copyOf(sorted);
      latest = secret;
    }
  }

  private static Set<String> formsOf(String s) {
    Set<String> f = new LinkedHashSet<>();
    byte[] bytes = s.getBytes(StandardCharsets.UTF_8);
    f.add(s);
    f.add(Base64.getEncoder().encodeToString(bytes));
    f.add(Base64.getEncoder().withoutPadding().encodeToString(bytes));
    f.add(Base64.getUrlEncoder().encodeToString(bytes));
    f.add(Base64.getUrlEncoder().withoutPadding().encodeToString(bytes));
    String form = URLEncoder.encode(s, StandardCharsets.UTF_8);
    f.add(form);
    f.add(lowerHex(form));
    String segment = Urls.encodePathSegment(s);
    f.add(segment);
    f.add(lowerHex(segment));
    f.removeIf(x -> x.length() < MIN_LENGTH);
    return f;
  }

  private static String lowerHex(String encoded) {
    StringBuilder out = new StringBuilder(encoded.length());
    for (int i = 0; i < encoded.length(); i++) {
      char c = encoded.charAt(i);
      if (c == '%' && i + 2 < encoded.length()) {
        out.append('%').append(encoded.substring(i + 1, i + 3).toLowerCase(Locale.ROOT));
        i += 2;
      } else {
        out.append(c);
      }
    }
    return out.toString();
  }

  /** True if {@code text} holds a credential in one of its forms. */
  boolean contains(String text) {
    for (String f : forms) {
      if (text.contains(f)) return true;
    }
    return false;
  }

  /** Returns {@code text} with every form of every credential replaced by {@code REDACTED}. */
  String scrub(String text) {
    String out = text;
    for (String f : forms) {
      if (out.contains(f)) out = out.replace(f, REDACTED);
    }
    return out;
  }

  /** Server text made safe for one message or log line: scrubbed, then escaped and cut. */
  String quote(String text, int maxChars) {
    return Strings.escape(scrub(text), maxChars);
  }

  /** A JSON value with its credentials scrubbed, for {@link JsonPointer#describe}. */
  @Nullable Object scrubValue(@Nullable Object value) {
    return value instanceof String s ? scrub(s) : value;
  }

  /**
   * Returns {@code t} if no message in its cause chain holds a credential, else a stand-in that
   * names the classes and carries the scrubbed messages and the same stack traces.
   */
  @Nullable Throwable cause(@Nullable Throwable t) {
    if (t == null) return null;
    boolean leaks = false;
    for (Throwable c = t; c != null && !leaks; c = c.getCause()) {
      String m = c.getMessage();
      leaks = m != null && contains(m);
      if (c.getCause() == c) break;
    }
    return leaks ? scrubbed(t, 0) : t;
  }

  private Throwable scrubbed(Throwable t, int depth) {
    String m = t.getMessage();
    Scrubbed copy = new Scrubbed(t.getClass().getName() + (m == null ? "" : ": " + scrub(m)));
    copy.setStackTrace(t.getStackTrace());
    Throwable cause = t.getCause();
    if (cause != null && cause != t && depth < 16) copy.initCause(scrubbed(cause, depth + 1));
    return copy;
  }

  /** Stands in for an exception whose message held a credential. */
  static final class Scrubbed extends Exception {
    private static final long serialVersionUID = 1L;

    Scrubbed(String message) {
      super(message, null, false, true);
    }
  }

  @Override
  public String toString() {
    return "Secrets{REDACTED}";
  }
}
