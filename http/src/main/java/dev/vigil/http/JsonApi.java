package dev.vigil.http;

import retrofit2.Call;
import retrofit2.http.GET;
import retrofit2.http.Header;
import retrofit2.http.Url;

/** The one request this package makes: a GET of a JSON document. */
interface JsonApi {

  /**
   * Gets the JSON document at {@code url}.
   *
   * @param url a reference resolved against the base URL, always to a URL on its origin; give the
   *     {@linkplain Urls#originRelative origin-relative} form, which Retrofit resolves without
   *     parsing the host again
   * @param authorization the {@code Authorization} header value
   */
  @GET
  Call<JsonDocument> get(@Url String url, @Header("Authorization") String authorization);
}
