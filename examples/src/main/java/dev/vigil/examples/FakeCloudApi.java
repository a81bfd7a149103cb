package dev.vigil.examples;

import static java.util.Objects.requireNonNull;

import com.sun.net.httpserver.Headers;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * An in-process fake of a cloud provider's monitoring API, for the examples, tests and benchmarks.
 * A real HTTP server ({@code com.sun.net.httpserver}) on {@code 127.0.0.1} and an ephemeral port;
 * JDK only.
 *
 * <pre>{@code
 * try (FakeCloudApi api = FakeCloudApi.builder().token("demo-token").build().start()) {
 *   String url = api.baseUrl() + "v1/resources/page-1.json"; // http://127.0.0.1:PORT/v1/...
 * }
 * }</pre>
 *
 * <p><b>Endpoints.</b> Every answer is {@code application/json}.
 *
 * <ul>
 *   <li>{@code GET /v1/resources/page-N.json}, N from 1: {@code
 *       {"items":[{"id":"vm-000001","region":"eu-west-1"},...],
 *       "next":"/v1/resources/page-2.json"}}; {@code next} is {@code null} on the last page. Page 1
 *       always exists, possibly empty.
 *   <li>{@code GET /v1/resources/{id}/metrics}: {@code
 *       {"resource_id":"vm-000001","timestamp":"2026-11-24T00:00:00Z",
 *       "metrics":{"cpu_usage":42.5,"memory_usage":61.0,"disk_usage":70.0}}}, the timestamp being
 *       the clock's time, truncated to seconds.
 *   <li>A request without {@code Authorization: Bearer <token>} gets 401; an unknown resource or
 *       path gets 404; another method than GET gets 405. Error bodies are {@code {"error":"..."}}.
 * </ul>
 *
 * <p><b>Data.</b> Resources are {@code vm-000001} to {@code vm-%06d} of {@link Builder#resources},
 * with regions cycling through {@code eu-west-1}, {@code us-east-1}, {@code ap-southeast-2}. Values
 * are deterministic functions of the resource and of the time elapsed on the {@link Builder#clock
 * clock} since {@link #start()}, rounded to one decimal. {@code cpu_usage} is a sine wave of period
 * {@link Builder#cpuPeriod} with a phase per resource: every fifth resource ({@code vm-000001},
 * {@code vm-000006}, ...) peaks between 88 and 90, stays above 80 for a quarter to a third of each
 * period, and falls back as low as 38; the others stay between 16 and 65. {@code memory_usage} and
 * {@code disk_usage} drift slowly and stay below 80 and 90.
 *
 * <p><b>Latency.</b> Loading this class sets the system property {@code sun.net.httpserver.nodelay}
 * to {@code true} unless it is set: without it every answer of the JDK's server is delayed by about
 * 40 ms (Nagle's algorithm against delayed ACKs). It only takes effect if no {@code
 * com.sun.net.httpserver} server was created in this JVM before.
 *
 * <p><b>Threads and lifecycle.</b> {@link #start()} once, {@link #close()} when done (idempotent):
 * it stops the server, its dispatcher thread and its handler threads ({@code fake-cloud-N}). All
 * are daemon threads, so a forgotten API does not keep the JVM alive. Thread safe.
 */
public final class FakeCloudApi implements AutoCloseable {
  private static final List<String> REGIONS = List.of("eu-west-1", "us-east-1", "ap-southeast-2");
  private static final String PAGE_PREFIX = "/v1/resources/page-";
  private static final Pattern PAGE =
      Pattern.compile("/v1/resources/page-([1-9][0-9]{0,8})\\.json");
  private static final Pattern METRICS = Pattern.compile("/v1/resources/([^/]+)/metrics");
  private static final Pattern RESOURCE_ID = Pattern.compile("vm-([0-9]{6})");

  static {
    // The JDK server writes headers and body in separate segments; without TCP_NODELAY, Nagle's
    // algorithm and the client's delayed ACK add about 40 ms to every request. Read once per JVM,
    // when the first server is created.
    if (System.getProperty("sun.net.httpserver.nodelay") == null) {
      System.setProperty("sun.net.httpserver.nodelay", "true");
    }
  }

  private final String token;
  private final int resources;
  private final int pageSize;
  private final Duration cpuPeriod;
  private final Clock clock;
  private final int threads;

  private final AtomicLong requests = new AtomicLong();
  private final Object failureLock = new Object();
  private int failuresLeft; // guarded by failureLock
  private int failureStatus; // guarded by failureLock

  private final Object lifecycleLock = new Object();
  private @Nullable HttpServer server; // guarded by lifecycleLock
  private @Nullable ThreadPoolExecutor executor; // guarded by lifecycleLock
  private boolean closed; // guarded by lifecycleLock
  private volatile @Nullable Instant startedAt;
  private volatile @Nullable String baseUrl;

  private FakeCloudApi(Builder b) {
    this.token = b.token;
    this.resources = b.resources;
    this.pageSize = b.pageSize;
    this.cpuPeriod = b.cpuPeriod;
    this.clock = b.clock;
    this.threads = b.threads;
  }

  /** Returns a new builder. */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * Binds the server to {@code 127.0.0.1} on an ephemeral port and starts answering.
   *
   * @return this
   * @throws IOException if the server could not be bound
   * @throws IllegalStateException if this API was already started or closed
   */
  public FakeCloudApi start() throws IOException {
    synchronized (lifecycleLock) {
      if (closed) throw new IllegalStateException("FakeCloudApi is closed");
      if (server != null) throw new IllegalStateException("FakeCloudApi is already started");
      HttpServer s =
          HttpServer.create(
              new InetSocketAddress(InetAddress.getByAddress(new byte[] {127, 0, 0, 1}), 0), 0);
      ThreadPoolExecutor pool =
          new ThreadPoolExecutor(
              threads, threads, 30, TimeUnit.SECONDS, new LinkedBlockingQueue<>(), daemonThreads());
      pool.allowCoreThreadTimeOut(true);
      s.setExecutor(pool);
      s.createContext("/", this::handle);
      startedAt = clock.instant().truncatedTo(ChronoUnit.SECONDS);
      startAsDaemon(s);
      server = s;
      executor = pool;
      baseUrl = "http://127.0.0.1:" + s.getAddress().getPort() + "/";
      return this;
    }
  }

  /**
   * Returns the URL of the API's root, such as {@code http://127.0.0.1:PORT/}, ending with a slash.
   *
   * @throws IllegalStateException if the API was not started
   */
  public String baseUrl() {
    String url = baseUrl;
    if (url == null) throw new IllegalStateException("FakeCloudApi is not started");
    return url;
  }

  /** Returns how many requests the server received, answered successfully or not. */
  public long requestCount() {
    return requests.get();
  }

  /** Returns the number of resources the API lists. */
  public int resources() {
    return resources;
  }

  /**
   * Answers the next {@code n} requests, whatever they ask, with {@code status} and a JSON error
   * body, before checking the token. Replaces a previous call's remaining failures; {@code n = 0}
   * cancels them.
   *
   * @throws IllegalArgumentException if {@code n} is negative or {@code status} is not in {@code
   *     [400, 599]}
   */
  public void failNextRequests(int n, int status) {
    if (n < 0) throw new IllegalArgumentException("n must not be negative: " + n);
    if (status < 400 || status > 599) {
      throw new IllegalArgumentException("status must be in [400, 599]: " + status);
    }
    synchronized (failureLock) {
      failuresLeft = n;
      failureStatus = status;
    }
  }

  /**
   * Stops the server and its threads, waiting at most a few seconds for running requests.
   * Idempotent; after it, connections to {@link #baseUrl()} are refused.
   */
  @Override
  public void close() {
    HttpServer s;
    ThreadPoolExecutor pool;
    synchronized (lifecycleLock) {
      if (closed) return;
      closed = true;
      s = server;
      pool = executor;
    }
    if (s != null) s.stop(0);
    if (pool != null) {
      pool.shutdownNow();
      try {
        pool.awaitTermination(5, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }

  /**
   * Starts the server from a daemon thread: its dispatcher thread inherits that, so a forgotten API
   * never keeps the JVM from exiting.
   */
  private static void startAsDaemon(HttpServer server) {
    Thread starter = new Thread(server::start, "fake-cloud-start");
    starter.setDaemon(true);
    starter.start();
    boolean interrupted = false;
    while (true) {
      try {
        starter.join();
        break;
      } catch (InterruptedException e) {
        interrupted = true;
      }
    }
    if (interrupted) Thread.currentThread().interrupt();
  }

  @Override
  public String toString() {
    String url = baseUrl;
    return "FakeCloudApi{" + (url == null ? "not started" : url) + ", resources=" + resources + "}";
  }

  /** The CPU usage in percent of resource {@code index} (from 1) after {@code elapsed}. */
  static double cpuUsage(int index, Duration elapsed, Duration period) {
    double phase = (index * 0.618_033_988_75) % 1.0; // golden ratio: phases spread evenly
    double t = (double) elapsed.toMillis() / period.toMillis();
    double wave = Math.sin(2 * Math.PI * (t + phase));
    boolean hot = (index - 1) % 5 == 0;
    double value = hot ? 63.0 + (index % 3) + 25.0 * wave : 40.0 + (index % 3) * 0.5 + 24.0 * wave;
    return round1(value);
  }

  static double memoryUsage(int index, Duration elapsed, Duration period) {
    double wave = Math.sin(2 * Math.PI * ((double) elapsed.toMillis() / (4 * period.toMillis())));
    return round1(45.0 + (index * 17) % 25 + 5.0 * wave);
  }

  static double diskUsage(int index, Duration elapsed) {
    // One point per hour, at most five.
    double growth = Math.max(0.0, Math.min(5.0, elapsed.toSeconds() / 3600.0));
    return round1(50.0 + (index * 11) % 30 + growth);
  }

  private static double round1(double value) {
    return Math.round(value * 10.0) / 10.0;
  }

  private void handle(HttpExchange exchange) throws IOException {
    requests.incrementAndGet();
    try (exchange;
        InputStream body = exchange.getRequestBody()) {
      body.readAllBytes();
      int injected = takeInjectedFailure();
      if (injected > 0) {
        respond(exchange, injected, error("injected failure: HTTP " + injected));
        return;
      }
      String auth = exchange.getRequestHeaders().getFirst("Authorization");
      if (auth == null || !auth.equals("Bearer " + token)) {
        exchange.getResponseHeaders().set("WWW-Authenticate", "Bearer realm=\"fake-cloud\"");
        respond(
            exchange,
            401,
            error(auth == null ? "missing Authorization header" : "invalid bearer token"));
        return;
      }
      if (!exchange.getRequestMethod().equals("GET")) {
        exchange.getResponseHeaders().set("Allow", "GET");
        respond(exchange, 405, error("method not allowed: " + exchange.getRequestMethod()));
        return;
      }
      String path = exchange.getRequestURI().getRawPath();
      Matcher page = PAGE.matcher(path);
      if (page.matches()) {
        page(exchange, Integer.parseInt(page.group(1)));
        return;
      }
      Matcher metrics = METRICS.matcher(path);
      if (metrics.matches()) {
        metrics(exchange, metrics.group(1));
        return;
      }
      respond(exchange, 404, error("unknown path: " + path));
    }
  }

  private int takeInjectedFailure() {
    synchronized (failureLock) {
      if (failuresLeft == 0) return 0;
      failuresLeft--;
      return failureStatus;
    }
  }

  private void page(HttpExchange exchange, int page) throws IOException {
    int pages = Math.max(1, (resources + pageSize - 1) / pageSize);
    if (page > pages) {
      respond(exchange, 404, error("unknown page: " + page + " of " + pages));
      return;
    }
    StringBuilder json = new StringBuilder("{\"items\":[");
    int first = (page - 1) * pageSize + 1;
    int last = Math.min(resources, page * pageSize);
    for (int i = first; i <= last; i++) {
      if (i > first) json.append(',');
      json.append("{\"id\":\"")
          .append(id(i))
          .append("\",\"region\":\"")
          .append(REGIONS.get((i - 1) % REGIONS.size()))
          .append("\"}");
    }
    json.append("],\"next\":");
    json.append(page < pages ? "\"" + PAGE_PREFIX + (page + 1) + ".json\"" : "null");
    respond(exchange, 200, json.append('}').toString());
  }

  private void metrics(HttpExchange exchange, String id) throws IOException {
    Matcher m = RESOURCE_ID.matcher(id);
    int index = m.matches() ? Integer.parseInt(m.group(1)) : 0;
    if (index < 1 || index > resources) {
      respond(exchange, 404, error("unknown resource: " + id));
      return;
    }
    Instant now = clock.instant().truncatedTo(ChronoUnit.SECONDS);
    Instant origin = startedAt;
    Duration elapsed = Duration.between(origin == null ? now : origin, now);
    String json =
        "{\"resource_id\":\""
            + id(index)
            + "\",\"timestamp\":\""
            + now
            + "\",\"metrics\":{\"cpu_usage\":"
            + cpuUsage(index, elapsed, cpuPeriod)
            + ",\"memory_usage\":"
            + memoryUsage(index, elapsed, cpuPeriod)
            + ",\"disk_usage\":"
            + diskUsage(index, elapsed)
            + "}}";
    respond(exchange, 200, json);
  }

  private static String id(int index) {
    return String.format(Locale.ROOT, "vm-%06d", index);
  }

  private static String error(String message) {
    StringBuilder json = new StringBuilder("{\"error\":\"");
    for (int i = 0; i < message.length(); i++) {
      char c = message.charAt(i);
      if (c == '"' || c == '\\') json.append('\\').append(c);
      else if (c < 0x20) json.append(String.format(Locale.ROOT, "\\u%04x", (int) c));
      else json.append(c);
    }
    return json.append("\"}").toString();
  }

  private static void respond(HttpExchange exchange, int status, String json) throws IOException {
    byte[] bytes = json.getBytes(StandardCharsets.UTF_8);
    Headers headers = exchange.getResponseHeaders();
    headers.set("Content-Type", "application/json");
    exchange.sendResponseHeaders(status, bytes.length);
    try (OutputStream out = exchange.getResponseBody()) {
      out.write(bytes);
    }
  }

  private static ThreadFactory daemonThreads() {
    AtomicInteger next = new AtomicInteger(1);
    return r -> {
      Thread t = new Thread(r, "fake-cloud-" + next.getAndIncrement());
      t.setDaemon(true);
      return t;
    };
  }

  /** Configures a {@link FakeCloudApi}. Not thread safe; setters reject bad values at once. */
  public static final class Builder {
    private String token = "demo-token";
    private int resources = 40;
    private int pageSize = 10;
    private Duration cpuPeriod = Duration.ofSeconds(60);
    private Clock clock = Clock.systemUTC();
    private int threads = 4;

    private Builder() {}

    /**
     * Sets the bearer token every request must carry; {@code demo-token} by default.
     *
     * @throws NullPointerException if {@code token} is null
     * @throws IllegalArgumentException if {@code token} is blank
     */
    public Builder token(String token) {
      requireNonNull(token, "token == null");
      if (token.isBlank()) throw new IllegalArgumentException("token is blank");
      this.token = token;
      return this;
    }

    /**
     * Sets how many resources the API lists; 40 by default.
     *
     * @throws IllegalArgumentException if {@code count} is negative or above 999999
     */
    public Builder resources(int count) {
      if (count < 0 || count > 999_999) {
        throw new IllegalArgumentException("resources must be in [0, 999999]: " + count);
      }
      this.resources = count;
      return this;
    }

    /**
     * Sets how many resources a page lists; 10 by default.
     *
     * @throws IllegalArgumentException if {@code size} is not positive
     */
    public Builder pageSize(int size) {
      if (size < 1) throw new IllegalArgumentException("pageSize must be positive: " + size);
      this.pageSize = size;
      return this;
    }

    /**
     * Sets the period of the CPU wave; 60 seconds by default.
     *
     * @throws NullPointerException if {@code period} is null
     * @throws IllegalArgumentException if {@code period} is shorter than a second
     */
    public Builder cpuPeriod(Duration period) {
      requireNonNull(period, "cpuPeriod == null");
      if (period.compareTo(Duration.ofSeconds(1)) < 0) {
        throw new IllegalArgumentException("cpuPeriod must be at least 1s: " + period);
      }
      this.cpuPeriod = period;
      return this;
    }

    /**
     * Sets the clock of the timestamps and of the CPU wave; the system UTC clock by default.
     *
     * @throws NullPointerException if {@code clock} is null
     */
    public Builder clock(Clock clock) {
      this.clock = requireNonNull(clock, "clock == null");
      return this;
    }

    /**
     * Sets how many threads answer requests; 4 by default.
     *
     * @throws IllegalArgumentException if {@code threads} is not in {@code [1, 64]}
     */
    public Builder threads(int threads) {
      if (threads < 1 || threads > 64) {
        throw new IllegalArgumentException("threads must be in [1, 64]: " + threads);
      }
      this.threads = threads;
      return this;
    }

    /** Returns the API, not yet started: call {@link FakeCloudApi#start()}. */
    public FakeCloudApi build() {
      return new FakeCloudApi(this);
    }
  }
}
