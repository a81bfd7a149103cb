package dev.vigil.http;

import com.squareup.moshi.Json;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import retrofit2.Call;
import retrofit2.http.GET;
import retrofit2.http.Path;
import retrofit2.http.Query;

/**
 * The part of the Hetzner Cloud API (docs.hetzner.cloud) that {@link HetznerCloudSource} reads,
 * relative to {@code https://api.hetzner.cloud/v1/}. Only the fields used are declared; Moshi skips
 * the others. Every field may be missing, so every one is nullable and checked where it is used.
 */
interface HetznerCloudApi {
  /** {@code GET /servers}: one page of servers, {@code meta.pagination.next_page} the next. */
  @GET("servers")
  Call<ServerPage> servers(
      @Query("page") int page,
      @Query("per_page") int perPage,
      @Query("label_selector") @Nullable String labelSelector);

  /**
   * {@code GET /servers/{id}/metrics?type=cpu,disk,network&start=..&end=..&step=..}: time series of
   * {@code [epoch seconds, "value"]} pairs.
   */
  @GET("servers/{id}/metrics")
  Call<MetricsAnswer> metrics(
      @Path("id") long id,
      @Query("type") String type,
      @Query("start") String start,
      @Query("end") String end,
      @Query("step") long step);

  /** A page of the listing. */
  record ServerPage(@Nullable List<Server> servers, @Nullable Meta meta) {}

  /** The page's meta object. */
  record Meta(@Nullable Pagination pagination) {}

  /** Hetzner's pagination: {@code next_page} is null on the last page. */
  record Pagination(@Nullable Integer page, @Json(name = "next_page") @Nullable Integer nextPage) {}

  /** A server. */
  record Server(
      @Nullable Long id,
      @Nullable String name,
      @Nullable String status,
      @Json(name = "server_type") @Nullable ServerType serverType,
      @Nullable Datacenter datacenter,
      @Nullable Map<String, String> labels) {}

  /** A server type: {@code cores} is the number of vCPUs. */
  record ServerType(@Nullable String name, @Nullable Integer cores) {}

  /** A datacenter, such as {@code fsn1-dc14} in location {@code fsn1}. */
  record Datacenter(@Nullable String name, @Nullable Location location) {}

  /** A location. */
  record Location(@Nullable String name) {}

  /** The answer of the metrics endpoint. */
  record MetricsAnswer(@Nullable Metrics metrics) {}

  /** The metrics: time series by name ({@code cpu}, {@code disk.0.iops.read}, ...). */
  record Metrics(
      @Nullable Integer step,
      @Json(name = "time_series") @Nullable Map<String, TimeSeries> timeSeries) {}

  /** One time series: {@code [[1435781470.622, "42"], ...]}. */
  record TimeSeries(@Nullable List<List<Object>> values) {}
}
