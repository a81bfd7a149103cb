package dev.vigil.http;

import static java.util.Objects.requireNonNull;

import java.util.List;
import java.util.Locale;
import okhttp3.HttpUrl;
import org.jspecify.annotations.Nullable;

/**
 * How an {@link HttpJsonSource} finds the next page of a resource listing; set with {@link
 * HttpJsonSource.Builder#pagination}. Immutable and thread safe.
 *
 * <pre>{@code
 * Pagination.nextLink("/next")                        // {"items": [...], "next": "/v1/r?page=2"}
 * Pagination.linkHeader()                             // Link: <https://api/v1/r?page=2>; rel="next"
 * Pagination.pageToken("/nextPageToken", "pageToken") // {"items": [...], "nextPageToken": "abc"}
 * Pagination.offsetLimit("offset", "limit", 100)      // ?offset=0&limit=100, ?offset=100&limit=100
 * }</pre>
 *
 * <p>Whatever the style, a next page on another origin than the base URL is refused (it would
 * receive the bearer token), a page already read ends the poll as bad data (a loop), and the
 * source's {@code maxPages} and {@code maxResources} caps apply.
 */
public abstract sealed class Pagination
    permits Pagination.NextLink,
        Pagination.LinkHeader,
        Pagination.PageToken,
        Pagination.OffsetLimit {
  private Pagination() {}

  /**
   * The next page's link (relative or absolute) is the string at {@code pointer} in each page; a
   * null or missing link ends the listing. The default, with {@code /next}.
   *
   * @throws NullPointerException if {@code pointer} is null
   * @throws IllegalArgumentException if {@code pointer} is not a JSON Pointer
   */
  public static Pagination nextLink(String pointer) {
    requireNonNull(pointer, "pagination nextLink pointer == null");
    return new NextLink(JsonPointer.parse(pointer, "pagination nextLink pointer"));
  }

  /**
   * The next page is the target of the response's RFC 8288 {@code Link} header with relation {@code
   * next} (as GitHub's API sends it); without one the listing ends.
   */
  public static Pagination linkHeader() {
    return LinkHeader.INSTANCE;
  }

  /**
   * Each page carries a token or cursor for the next one at {@code tokenPointer}; the next page is
   * the first page's URL with query parameter {@code parameter} set to it. A null, missing or empty
   * token ends the listing.
   *
   * @throws NullPointerException if an argument is null
   * @throws IllegalArgumentException if {@code tokenPointer} is not a JSON Pointer or {@code
   *     parameter} is blank
   */
  public static Pagination pageToken(String tokenPointer, String parameter) {
    requireNonNull(tokenPointer, "pagination pageToken tokenPointer == null");
    return new PageToken(
        JsonPointer.parse(tokenPointer, "pagination pageToken tokenPointer"),
        parameter(parameter, "pagination pageToken parameter"));
  }

  /**
   * Pages are asked for by position: the first page's URL with {@code offsetParameter=0} and {@code
   * limitParameter=limit}, then offset {@code limit}, {@code 2 × limit}, and so on; a page with
   * fewer than {@code limit} items is the last.
   *
   * @throws NullPointerException if a parameter name is null
   * @throws IllegalArgumentException if a parameter name is blank, both are the same, or {@code
   *     limit} is not positive
   */
  public static Pagination offsetLimit(String offsetParameter, String limitParameter, int limit) {
    String offset = parameter(offsetParameter, "pagination offsetLimit offsetParameter");
    String lim = parameter(limitParameter, "pagination offsetLimit limitParameter");
    if (offset.equals(lim)) {
      throw new IllegalArgumentException(
          "pagination offsetLimit offsetParameter and limitParameter are both " + offset);
    }
    if (limit < 1) {
      throw new IllegalArgumentException("pagination offsetLimit limit must be positive: " + limit);
    }
    return new OffsetLimit(offset, lim, limit);
  }

  private static String parameter(String name, String setting) {
    requireNonNull(name, setting + " == null");
    if (name.isBlank()) throw new IllegalArgumentException(setting + " is blank");
    return name;
  }

  /** The pointer every page is read for, or null if the style needs none. */
  @Nullable JsonPointer pointer() {
    return null;
  }

  /** The URL of the first page, from the configured one. */
  HttpUrl first(HttpUrl resources) {
    return resources;
  }

  /**
   * Problems with the configuration as a whole, for {@code build()}: null if none.
   *
   * @param resources the first page's URL as configured
   * @param maxResources the source's cap on listed resources
   */
  @Nullable String problem(HttpUrl resources, int maxResources) {
    return null;
  }

  /** What the next page is, from what this page gave. */
  abstract Next next(Page page);

  /**
   * What the listing code knows about the page just read, and the source's credentials, to be
   * scrubbed from any server text a problem quotes before it is cut.
   */
  record Page(
      HttpUrl first,
      HttpUrl url,
      int number,
      JsonDocument doc,
      List<String> links,
      int items,
      Secrets secrets) {}

  /**
   * The next page: a URL, or none, or a problem (bad data at {@code path}).
   *
   * @param url the next page, or null if the listing ends (or on a problem)
   * @param path where the problem is, such as {@code $.next} or {@code Link header}
   * @param problem what is wrong with the next-page information, or null
   * @param isLink whether {@code url} came from the server (a link), so its origin must be checked
   */
  record Next(@Nullable HttpUrl url, String path, @Nullable String problem, boolean isLink) {
    static final Next END = new Next(null, "$", null, false);

    static Next bad(String path, String problem) {
      return new Next(null, path, problem, false);
    }
  }

  static final class NextLink extends Pagination {
    private final JsonPointer pointer;

    NextLink(JsonPointer pointer) {
      this.pointer = pointer;
    }

    @Override
    JsonPointer pointer() {
      return pointer;
    }

    @Override
    Next next(Page page) {
      JsonPointer.Lookup next = page.doc().find(pointer);
      if (!next.found() || next.value() == null) return Next.END;
      if (!(next.value() instanceof String link) || link.isBlank()) {
        return Next.bad(
            next.path(),
            "expected a link string or null but was " + next.whatWasFound(page.secrets()));
      }
      HttpUrl resolved = page.url().resolve(link);
      if (resolved == null) {
        return Next.bad(
            next.path(), "the next link is not a valid URL: " + next.whatWasFound(page.secrets()));
      }
      return new Next(resolved, next.path(), null, true);
    }

    @Override
    public String toString() {
      return "Pagination.nextLink(" + pointer + ")";
    }
  }

  static final class LinkHeader extends Pagination {
    static final LinkHeader INSTANCE = new LinkHeader();

    @Override
    Next next(Page page) {
      for (String header : page.links()) {
        String target = LinkHeaders.next(header);
        if (target == null) continue;
        HttpUrl resolved = page.url().resolve(target);
        if (resolved == null) {
          return Next.bad(
              "Link header",
              "the next link is not a valid URL: \"" + page.secrets().quote(target, 40) + "\"");
        }
        return new Next(resolved, "Link header", null, true);
      }
      return Next.END;
    }

    @Override
    public String toString() {
      return "Pagination.linkHeader()";
    }
  }

  static final class PageToken extends Pagination {
    private final JsonPointer tokenPointer;
    private final String parameter;

    PageToken(JsonPointer tokenPointer, String parameter) {
      this.tokenPointer = tokenPointer;
      this.parameter = parameter;
    }

    @Override
    JsonPointer pointer() {
      return tokenPointer;
    }

    @Override
    @Nullable String problem(HttpUrl resources, int maxResources) {
      return resources.queryParameter(parameter) != null
          ? "resourcesPath already has the query parameter "
              + parameter
              + " that pagination pageToken sets"
          : null;
    }

    @Override
    Next next(Page page) {
      JsonPointer.Lookup token = page.doc().find(tokenPointer);
      if (!token.found() || token.value() == null) return Next.END;
      if (!(token.value() instanceof String text)) {
        return Next.bad(
            token.path(),
            "expected a page token string or null but was " + token.whatWasFound(page.secrets()));
      }
      if (text.isEmpty()) return Next.END;
      return new Next(
          page.first().newBuilder().setQueryParameter(parameter, text).build(),
          token.path(),
          null,
          false);
    }

    @Override
    public String toString() {
      return "Pagination.pageToken(" + tokenPointer + ", " + parameter + ")";
    }
  }

  static final class OffsetLimit extends Pagination {
    private final String offsetParameter;
    private final String limitParameter;
    private final int limit;

    OffsetLimit(String offsetParameter, String limitParameter, int limit) {
      this.offsetParameter = offsetParameter;
      this.limitParameter = limitParameter;
      this.limit = limit;
    }

    @Override
    HttpUrl first(HttpUrl resources) {
      return at(resources, 0);
    }

    private HttpUrl at(HttpUrl first, long offset) {
      return first
          .newBuilder()
          .setQueryParameter(offsetParameter, Long.toString(offset))
          .setQueryParameter(limitParameter, Integer.toString(limit))
          .build();
    }

    @Override
    @Nullable String problem(HttpUrl resources, int maxResources) {
      for (String p : List.of(offsetParameter, limitParameter)) {
        if (resources.queryParameter(p) != null) {
          return "resourcesPath already has the query parameter "
              + p
              + " that pagination offsetLimit sets";
        }
      }
      if (limit > maxResources) {
        return "pagination offsetLimit limit="
            + limit
            + " exceeds maxResources="
            + maxResources
            + ": one page could never be read";
      }
      return null;
    }

    @Override
    Next next(Page page) {
      if (page.items() < limit) return Next.END;
      return new Next(at(page.first(), (long) page.number() * limit), "$", null, false);
    }

    @Override
    public String toString() {
      return String.format(
          Locale.ROOT,
          "Pagination.offsetLimit(%s, %s, %d)",
          offsetParameter,
          limitParameter,
          limit);
    }
  }
}
