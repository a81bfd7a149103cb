package dev.vigil.benchmarks;

import java.io.IOException;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import okhttp3.Call;
import okhttp3.Callback;
import okhttp3.ConnectionPool;
import okhttp3.Dispatcher;
import okhttp3.HttpUrl;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;
import okio.Okio;
import org.jspecify.annotations.Nullable;

/**
 * What OkHttp alone costs per request on the same fake cloud as {@link SweepBenchmark}: every
 * resource's metrics URL once per sweep, the body read to its end and dropped, no JSON, no retry,
 * no Vigil. Either blocking {@code execute()} on {@code concurrency} threads (what the source does)
 * or {@code enqueue()} on a private {@link Dispatcher} limited to {@code concurrency} requests (per
 * host too). It is the floor under the source's figures, and shows what the asynchronous API would
 * change.
 *
 * <p>Usage: {@code OkHttpFloor <baseUrl> <resources> <concurrency> <warmupSweeps> <sweeps>
 * <sync|async>}; 127.0.0.1 only. The last line starts with {@code FLOOR} and holds the figures.
 * {@code -Dfloor.like=timeouts,interceptor,buffer,moshi} adds, one by one, what {@code
 * HttpJsonSource} does around OkHttp: its connect, read and call timeouts; a network interceptor
 * like its origin guard; the body read through a forwarding source buffered again, like {@code
 * PickingConverterFactory}; the body read by Moshi's {@code JsonReader}. None of them changes the
 * bytes per request much (measured: 10.3 to 10.5 KB with each of the first three, 11.0 KB with
 * Moshi), and none makes OkHttp allocate Okio segments, which the source's sweep does.
 */
public final class OkHttpFloor {
  private OkHttpFloor() {}

  /**
   * Runs the benchmark.
   *
   * @param args base URL, resources, concurrency, warm-up sweeps, measured sweeps, mode
   * @throws Exception if a request fails
   */
  public static void main(String[] args) throws Exception {
    if (args.length != 6) {
      System.err.println(
          "usage: OkHttpFloor <baseUrl> <resources> <concurrency> <warmup> <sweeps> <sync|async>");
      System.exit(2);
    }
    HttpUrl baseUrl = HttpUrl.get(args[0]);
    if (!baseUrl.host().equals("127.0.0.1")) {
      throw new IllegalArgumentException("the benchmark only talks to 127.0.0.1: " + baseUrl);
    }
    int resources = Integer.parseInt(args[1]);
    int concurrency = Integer.parseInt(args[2]);
    int warmup = Integer.parseInt(args[3]);
    int sweeps = Integer.parseInt(args[4]);
    boolean async = args[5].equals("async");
    HttpUrl[] urls = new HttpUrl[resources];
    for (int i = 0; i < resources; i++) {
      urls[i] = baseUrl.resolve(String.format(Locale.ROOT, "/v1/resources/vm-%05d/metrics", i + 1));
    }
    Dispatcher dispatcher = new Dispatcher();
    dispatcher.setMaxRequests(concurrency);
    dispatcher.setMaxRequestsPerHost(concurrency);
    OkHttpClient.Builder builder =
        new OkHttpClient.Builder()
            .dispatcher(dispatcher)
            .connectionPool(new ConnectionPool(concurrency, 5, TimeUnit.MINUTES));
    String like = System.getProperty("floor.like", "");
    // -Dfloor.like=timeouts,interceptor: the settings HttpJsonSource gives its client, one by one.
    if (like.contains("timeouts")) {
      builder
          .connectTimeout(java.time.Duration.ofSeconds(10))
          .readTimeout(java.time.Duration.ofSeconds(10))
          .callTimeout(java.time.Duration.ofSeconds(30));
    }
    if (like.contains("interceptor")) {
      builder.addNetworkInterceptor(
          chain -> {
            Request r = chain.request();
            if (r.header("Authorization") != null && !r.url().host().equals(baseUrl.host())) {
              r = r.newBuilder().removeHeader("Authorization").build();
            }
            return chain.proceed(r);
          });
    }
    OkHttpClient client = builder.build();
    ExecutorService workers = Executors.newFixedThreadPool(concurrency);
    try {
      for (int i = 0; i < warmup; i++) sweep(client, urls, concurrency, async, workers);
      Meters meters = new Meters();
      Meters.Snapshot before = meters.snapshot();
      for (int i = 0; i < sweeps; i++) sweep(client, urls, concurrency, async, workers);
      Meters.Snapshot after = meters.snapshot();
      long requests = (long) resources * sweeps;
      long allocated = 0;
      for (Map.Entry<Long, Long> t : after.allocatedByThread().entrySet()) {
        allocated += t.getValue() - before.allocatedByThread().getOrDefault(t.getKey(), 0L);
      }
      double seconds = (after.wallNanos() - before.wallNanos()) / 1e9;
      System.out.printf(
          Locale.ROOT,
          "FLOOR mode=%s requests_per_s=%.0f cpu_us_per_request=%.2f bytes_per_request=%.0f"
              + " threads_started=%d%n",
          async ? "async" : "sync",
          requests / seconds,
          (after.cpuNanos() - before.cpuNanos()) / 1e3 / requests,
          (double) allocated / requests,
          after.threadsStarted() - before.threadsStarted());
    } finally {
      workers.shutdownNow();
      dispatcher.executorService().shutdownNow();
      client.connectionPool().evictAll();
    }
  }

  private static void sweep(
      OkHttpClient client, HttpUrl[] urls, int concurrency, boolean async, ExecutorService workers)
      throws Exception {
    CountDownLatch done = new CountDownLatch(async ? urls.length : concurrency);
    AtomicReference<@Nullable Throwable> failure = new AtomicReference<>();
    if (async) {
      Callback callback =
          new Callback() {
            @Override
            public void onResponse(Call call, Response response) {
              try (response) {
                read(response);
              } catch (IOException | RuntimeException e) {
                failure.compareAndSet(null, e);
              } finally {
                done.countDown();
              }
            }

            @Override
            public void onFailure(Call call, IOException e) {
              failure.compareAndSet(null, e);
              done.countDown();
            }
          };
      for (HttpUrl url : urls) client.newCall(request(url)).enqueue(callback);
    } else {
      AtomicInteger next = new AtomicInteger();
      for (int w = 0; w < concurrency; w++) {
        workers.execute(
            () -> {
              try {
                for (int i = next.getAndIncrement(); i < urls.length; i = next.getAndIncrement()) {
                  try (Response response = client.newCall(request(urls[i])).execute()) {
                    read(response);
                  }
                }
              } catch (IOException | RuntimeException e) {
                failure.compareAndSet(null, e);
              } finally {
                done.countDown();
              }
            });
      }
    }
    if (!done.await(5, TimeUnit.MINUTES)) throw new IllegalStateException("sweep timed out");
    Throwable t = failure.get();
    if (t != null) throw new IllegalStateException("a request failed", t);
  }

  private static Request request(HttpUrl url) {
    return new Request.Builder().url(url).header("Authorization", "Bearer benchmark-token").build();
  }

  private static final boolean BUFFERED = System.getProperty("floor.like", "").contains("buffer");
  private static final boolean MOSHI = System.getProperty("floor.like", "").contains("moshi");

  private static void read(Response response) throws IOException {
    if (!response.isSuccessful()) throw new IOException("HTTP " + response.code());
    if (MOSHI) { // the body read as JSON by Moshi, skipped value by value
      com.squareup.moshi.JsonReader reader =
          com.squareup.moshi.JsonReader.of(response.body().source());
      reader.skipValue();
      if (reader.peek() != com.squareup.moshi.JsonReader.Token.END_DOCUMENT) {
        throw new IOException("data after the JSON document");
      }
    } else if (BUFFERED) { // as PickingConverterFactory: a forwarding source, buffered again
      okio.BufferedSource source =
          Okio.buffer(new okio.ForwardingSource(response.body().source()) {});
      source.readAll(Okio.blackhole());
    } else {
      response.body().source().readAll(Okio.blackhole());
    }
  }
}
