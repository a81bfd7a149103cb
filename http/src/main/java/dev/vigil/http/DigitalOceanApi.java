package dev.vigil.http;

import com.squareup.moshi.Json;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import retrofit2.Call;
import retrofit2.http.GET;
import retrofit2.http.Path;
import retrofit2.http.Query;
import retrofit2.http.Url;

/**
 * The part of the DigitalOcean API (docs.digitalocean.com/reference/api) that {@link
 * DigitalOceanSource} reads, relative to {@code https://api.digitalocean.com/v2/}. Only the fields
 * used are declared; every one may be missing, so every one is nullable and checked where used.
 */
interface DigitalOceanApi {
  /** {@code GET /droplets}: the first page; {@code links.pages.next} is the next one's URL. */
  @GET("droplets")
  Call<DropletPage> droplets(
      @Query("page") int page,
      @Query("per_page") int perPage,
      @Query("tag_name") @Nullable String tagName);

  /** A next page, by the absolute URL in {@code links.pages.next}. */
  @GET
  Call<DropletPage> page(@Url String url);

  /**
   * {@code GET /monitoring/metrics/droplet/{metric}?host_id=..&start=..&end=..}: a Prometheus-style
   * matrix.
   */
  @GET("monitoring/metrics/droplet/{metric}")
  Call<MetricAnswer> metric(
      @Path("metric") String metric,
      @Query("host_id") String hostId,
      @Query("start") long start,
      @Query("end") long end);

  /** A page of the listing. */
  record DropletPage(@Nullable List<Droplet> droplets, @Nullable Links links) {}

  /** The page's links. */
  record Links(@Nullable Pages pages) {}

  /** {@code next} is absent on the last page. */
  record Pages(@Nullable String next) {}

  /** A droplet. */
  record Droplet(
      @Nullable Long id,
      @Nullable String name,
      @Nullable String status,
      @Nullable Region region,
      @Json(name = "size_slug") @Nullable String sizeSlug,
      @Nullable List<String> tags) {}

  /** A region, such as {@code nyc3}. */
  record Region(@Nullable String slug) {}

  /** The answer of a metrics endpoint. */
  record MetricAnswer(@Nullable String status, @Nullable MatrixData data) {}

  /** {@code resultType} is {@code matrix}. */
  record MatrixData(@Nullable String resultType, @Nullable List<Series> result) {}

  /** One series: its labels ({@code host_id}, {@code mode}) and {@code [epoch, "value"]} points. */
  record Series(@Nullable Map<String, String> metric, @Nullable List<List<Object>> values) {}
}
