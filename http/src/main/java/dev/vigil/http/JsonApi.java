package dev.vigil.http;

import okhttp3.HttpUrl;
import retrofit2.Call;
import retrofit2.http.GET;
import retrofit2.http.Header;
import retrofit2.http.Url;

/** The one request this package makes: a GET of a JSON document. */
interface JsonApi {

  /**
   * Gets the JSON document at {@code url}.
   *
   * @param url absolute URL, on the origin of the source's base URL
   * @param authorization the {@code Authorization} header value
   */
  @GET
  Call<JsonDocument> get(@Url HttpUrl url, @Header("Authorization") String authorization);
}
