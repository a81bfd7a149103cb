package dev.vigil.state.postgresql;

import static java.util.Objects.requireNonNull;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.vigil.internal.Durations;
import dev.vigil.state.StateStore;
import java.io.IOException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Pattern;
import javax.sql.DataSource;
import org.jspecify.annotations.Nullable;

/**
 * A {@link StateStore} in PostgreSQL, for replicas of one application that share silences and
 * notification logs: every replica builds a store over the same database and schema, and the
 * conditional writes are single SQL statements, so exactly one replica wins each claim.
 *
 * <pre>{@code
 * StateStore store = PostgresStateStore.builder()
 *     .jdbcUrl("jdbc:postgresql://db.internal:5432/app")
 *     .username("app")
 *     .password(System.getenv("DB_PASSWORD"))
 *     .build();
 * }</pre>
 *
 * <p><b>Schema.</b> {@link Builder#build()} creates the schema ({@code vigil} unless {@link
 * Builder#schema} says otherwise) and its tables, or migrates them, under a PostgreSQL advisory
 * lock: replicas that start at once do not race. One table holds the records: {@code
 * vigil_state(space, key, value, updated_at)}, primary key {@code (space, key)}; {@code
 * vigil_schema_version} says which migrations ran. See {@code docs/state-postgresql.md}.
 *
 * <p><b>Semantics.</b> {@link #putIfAbsent} is {@code INSERT ... ON CONFLICT DO NOTHING}, {@link
 * #replace} an {@code UPDATE ... WHERE value = expected}, {@link #remove} a {@code DELETE}; each
 * statement commits on its own, so every write is durable when it returns and {@link #sync()} does
 * nothing. Any Java string is kept, even one PostgreSQL {@code text} cannot hold as it is (U+0000,
 * a lone surrogate): such text is stored escaped.
 *
 * <p><b>Deadlines.</b> No call waits forever for a database that is gone: getting a connection is
 * bounded by {@link Builder#connectTimeout} and each statement by {@link Builder#statementTimeout}
 * (PostgreSQL's {@code statement_timeout} on the store's own connections and, one second later, the
 * socket's read timeout on every connection). A failed call throws an {@link IOException} naming
 * the operation and the space; the password is never in a message, a log line or {@link
 * #toString()}.
 *
 * <p><b>Thread safety.</b> Thread safe; calls run concurrently on up to {@link
 * Builder#maximumPoolSize} connections. <b>Lifecycle.</b> The application builds the store and
 * closes it; {@link #close()} closes the connection pool the store made, never a {@link DataSource}
 * the application passed in.
 */
public final class PostgresStateStore implements StateStore {
  /** pgjdbc ignores the executor of {@link Connection#setNetworkTimeout}; JDBC wants one. */
  private static final Executor DIRECT = Runnable::run;

  private static final AtomicInteger POOLS = new AtomicInteger();

  private final DataSource dataSource;
  private final @Nullable HikariDataSource ownPool;
  private final String schema;
  private final String description;
  private final int networkTimeoutMillis;
  private final AtomicBoolean closed = new AtomicBoolean();

  private final String selectAll;
  private final String selectOne;
  private final String upsert;
  private final String insertIfAbsent;
  private final String updateIfEqual;
  private final String delete;

  private PostgresStateStore(
      DataSource dataSource,
      @Nullable HikariDataSource ownPool,
      String schema,
      String description,
      Duration statementTimeout) {
    this.dataSource = dataSource;
    this.ownPool = ownPool;
    this.schema = schema;
    this.description = description;
    this.networkTimeoutMillis =
        (int) Math.min(Integer.MAX_VALUE, statementTimeout.plusSeconds(1).toMillis());
    String table = schema + ".vigil_state";
    this.selectAll = "SELECT key, value FROM " + table + " WHERE space = ?";
    this.selectOne = "SELECT value FROM " + table + " WHERE space = ? AND key = ?";
    this.upsert =
        "INSERT INTO "
            + table
            + " (space, key, value) VALUES (?, ?, ?)"
            + " ON CONFLICT (space, key) DO UPDATE SET value = excluded.value, updated_at = now()";
    this.insertIfAbsent =
        "INSERT INTO " + table + " (space, key, value) VALUES (?, ?, ?) ON CONFLICT DO NOTHING";
    this.updateIfEqual =
        "UPDATE "
            + table
            + " SET value = ?, updated_at = now() WHERE space = ? AND key = ? AND value = ?";
    this.delete = "DELETE FROM " + table + " WHERE space = ? AND key = ?";
  }

  /**
   * A builder: set {@link Builder#jdbcUrl} (with user and password) or {@link Builder#dataSource}.
   */
  public static Builder builder() {
    return new Builder();
  }

  /** The schema that holds this store's tables. */
  public String schema() {
    return schema;
  }

  /**
   * {@inheritDoc}
   *
   * @throws IOException if the database failed or did not answer in time
   */
  @Override
  public Map<String, String> load(String space) throws IOException {
    requireNonNull(space, "space == null");
    return call(
        "load",
        space,
        c -> {
          try (PreparedStatement p = prepare(c, selectAll)) {
            p.setString(1, PgText.encode(space));
            Map<String, String> records = new HashMap<>();
            try (ResultSet r = p.executeQuery()) {
              while (r.next()) {
                records.put(
                    PgText.decode(r.getString(1)), PgText.decode(requireNonNull(r.getString(2))));
              }
            }
            return Map.copyOf(records);
          }
        });
  }

  /**
   * {@inheritDoc}
   *
   * @throws IOException if the database failed or did not answer in time
   */
  @Override
  public @Nullable String get(String space, String key) throws IOException {
    requireNonNull(space, "space == null");
    requireNonNull(key, "key == null");
    Optional<String> value =
        call(
            "get",
            space,
            c -> {
              try (PreparedStatement p = prepare(c, selectOne)) {
                p.setString(1, PgText.encode(space));
                p.setString(2, PgText.encode(key));
                try (ResultSet r = p.executeQuery()) {
                  return r.next()
                      ? Optional.of(PgText.decode(requireNonNull(r.getString(1))))
                      : Optional.<String>empty();
                }
              }
            });
    return value.orElse(null);
  }

  /**
   * {@inheritDoc}
   *
   * @throws IOException if the database failed or did not answer in time
   */
  @Override
  public void put(String space, String key, String value) throws IOException {
    write("put", upsert, space, key, value);
  }

  /**
   * {@inheritDoc}
   *
   * @throws IOException if the database failed or did not answer in time; the claim may or may not
   *     have been written (read it back with {@link #get})
   */
  @Override
  public boolean putIfAbsent(String space, String key, String value) throws IOException {
    return write("putIfAbsent", insertIfAbsent, space, key, value) == 1;
  }

  /**
   * {@inheritDoc}
   *
   * @throws IOException if the database failed or did not answer in time
   */
  @Override
  public boolean replace(String space, String key, String expected, String value)
      throws IOException {
    requireNonNull(space, "space == null");
    requireNonNull(key, "key == null");
    requireNonNull(expected, "expected == null");
    requireNonNull(value, "value == null");
    int rows =
        call(
            "replace",
            space,
            c -> {
              try (PreparedStatement p = prepare(c, updateIfEqual)) {
                p.setString(1, PgText.encode(value));
                p.setString(2, PgText.encode(space));
                p.setString(3, PgText.encode(key));
                p.setString(4, PgText.encode(expected));
                return p.executeUpdate();
              }
            });
    return rows == 1;
  }

  /**
   * {@inheritDoc}
   *
   * @throws IOException if the database failed or did not answer in time
   */
  @Override
  public boolean remove(String space, String key) throws IOException {
    requireNonNull(space, "space == null");
    requireNonNull(key, "key == null");
    int rows =
        call(
            "remove",
            space,
            c -> {
              try (PreparedStatement p = prepare(c, delete)) {
                p.setString(1, PgText.encode(space));
                p.setString(2, PgText.encode(key));
                return p.executeUpdate();
              }
            });
    return rows == 1;
  }

  /** Does nothing: every write committed before it returned. */
  @Override
  public void sync() {}

  /** Closes the connection pool this store made, if it made one. Idempotent. */
  @Override
  public void close() {
    if (closed.compareAndSet(false, true) && ownPool != null) ownPool.close();
  }

  /** The database (URL without parameters, user) and schema; never the password. */
  @Override
  public String toString() {
    return "PostgresStateStore{" + description + ", schema=" + schema + "}";
  }

  private int write(String operation, String sql, String space, String key, String value)
      throws IOException {
    requireNonNull(space, "space == null");
    requireNonNull(key, "key == null");
    requireNonNull(value, "value == null");
    return call(
        operation,
        space,
        c -> {
          try (PreparedStatement p = prepare(c, sql)) {
            p.setString(1, PgText.encode(space));
            p.setString(2, PgText.encode(key));
            p.setString(3, PgText.encode(value));
            return p.executeUpdate();
          }
        });
  }

  /**
   * No JDBC query timeout on purpose: pgjdbc's is a cancel request over a new connection, and when
   * the statement ends it waits for that request for up to {@code cancelSignalTimeout} (10 s), so
   * against a hung database a 1 s query timeout took 11 s. PostgreSQL's own {@code
   * statement_timeout} and the socket read timeout bound the statement instead.
   */
  private static PreparedStatement prepare(Connection c, String sql) throws SQLException {
    return c.prepareStatement(sql);
  }

  /** What one call does with a connection whose socket has this store's read deadline. */
  @FunctionalInterface
  private interface SqlCall<T> {
    T run(Connection c) throws SQLException;
  }

  private <T> T call(String operation, String space, SqlCall<T> body) throws IOException {
    if (closed.get()) {
      throw new IllegalStateException(
          this + " is closed (" + operation + " in space " + space + ")");
    }
    try (Connection c = dataSource.getConnection()) {
      int previous = c.getNetworkTimeout();
      c.setNetworkTimeout(DIRECT, networkTimeoutMillis);
      try {
        T result = body.run(c);
        if (!c.getAutoCommit()) c.commit();
        return result;
      } finally {
        restoreNetworkTimeout(c, previous);
      }
    } catch (SQLException e) {
      throw StoreFailures.of(operation, space, schema, e);
    }
  }

  /**
   * HikariCP resets the network timeout when a connection returns; a pool of the application's may
   * not. A connection that broke (the usual reason the body failed) is discarded by its pool, so a
   * failure here changes nothing and must not hide the body's exception.
   */
  private static void restoreNetworkTimeout(Connection c, int previous) {
    try {
      if (!c.isClosed()) c.setNetworkTimeout(DIRECT, previous);
    } catch (SQLException broken) {
      // the pool discards a broken connection; see above
    }
  }

  private static int ceilSeconds(Duration d) {
    long millis = d.toMillis();
    return (int) Math.min(Integer.MAX_VALUE, Math.max(1, (millis + 999) / 1000));
  }

  /**
   * Settings of a {@link PostgresStateStore}. Not thread safe; {@link #build()} may be called more
   * than once, each time for a new store (and pool).
   */
  public static final class Builder {
    /** Unquoted PostgreSQL identifiers that fold to themselves. */
    private static final Pattern IDENTIFIER = Pattern.compile("[a-z_][a-z0-9_]{0,62}");

    private @Nullable String jdbcUrl;
    private @Nullable String username;
    private @Nullable String password;
    private @Nullable DataSource dataSource;
    private String schema = "vigil";
    private @Nullable Duration connectTimeout;
    private Duration statementTimeout = Duration.ofSeconds(5);
    private @Nullable Integer maximumPoolSize;

    private Builder() {}

    /**
     * The database, such as {@code jdbc:postgresql://db.internal:5432/app}; the store makes its own
     * connection pool (HikariCP). Put the password in {@link #password}, not in the URL.
     *
     * @throws NullPointerException if {@code jdbcUrl} is null
     * @throws IllegalArgumentException if it is not a {@code jdbc:postgresql:} URL or carries a
     *     password
     */
    public Builder jdbcUrl(String jdbcUrl) {
      requireNonNull(jdbcUrl, "jdbcUrl == null");
      if (!jdbcUrl.startsWith("jdbc:postgresql:")) {
        throw new IllegalArgumentException(
            "jdbcUrl must start with jdbc:postgresql: (for example"
                + " jdbc:postgresql://localhost:5432/app): "
                + withoutParameters(jdbcUrl));
      }
      if (jdbcUrl.toLowerCase(Locale.ROOT).contains("password=")) {
        throw new IllegalArgumentException(
            "jdbcUrl must not carry the password (it would show in logs): set it with password(...): "
                + withoutParameters(jdbcUrl));
      }
      this.jdbcUrl = jdbcUrl;
      return this;
    }

    /**
     * The database user, with {@link #jdbcUrl}.
     *
     * @throws NullPointerException if {@code username} is null
     */
    public Builder username(String username) {
      this.username = requireNonNull(username, "username == null");
      return this;
    }

    /**
     * The database password, with {@link #jdbcUrl}. It is handed to the driver and never printed.
     *
     * @throws NullPointerException if {@code password} is null
     */
    public Builder password(String password) {
      this.password = requireNonNull(password, "password == null");
      return this;
    }

    /**
     * The application's own (pooled) data source, instead of {@link #jdbcUrl}. Its connect and pool
     * timeouts are the application's to set; the store still bounds every statement by {@link
     * #statementTimeout}, and never closes it.
     *
     * @throws NullPointerException if {@code dataSource} is null
     */
    public Builder dataSource(DataSource dataSource) {
      this.dataSource = requireNonNull(dataSource, "dataSource == null");
      return this;
    }

    /**
     * The schema for Vigil's tables, created if missing; {@code vigil} by default. Applications
     * that share one database each name their own.
     *
     * @throws NullPointerException if {@code schema} is null
     * @throws IllegalArgumentException if it is not a lower-case PostgreSQL identifier
     */
    public Builder schema(String schema) {
      requireNonNull(schema, "schema == null");
      if (!IDENTIFIER.matcher(schema).matches() || schema.startsWith("pg_")) {
        throw new IllegalArgumentException(
            "schema must be a lower-case identifier of letters, digits and _ that does not start"
                + " with pg_ (such as vigil): "
                + schema);
      }
      this.schema = schema;
      return this;
    }

    /**
     * How long a call waits for a connection, including opening one; 5 s by default. Only with
     * {@link #jdbcUrl}.
     *
     * @throws IllegalArgumentException if it is not positive, or shorter than 250 ms (HikariCP's
     *     least)
     */
    public Builder connectTimeout(Duration connectTimeout) {
      Durations.timeout(connectTimeout, "connectTimeout");
      if (connectTimeout.toMillis() < 250) {
        throw new IllegalArgumentException(
            "connectTimeout must be at least 250 ms: " + connectTimeout);
      }
      this.connectTimeout = connectTimeout;
      return this;
    }

    /**
     * How long one statement may run; 5 s by default. PostgreSQL cancels it then ({@code
     * statement_timeout}, set on the store's own connections; with {@link #dataSource} set it on
     * yours), and one second later the socket gives up on a database that does not answer at all
     * ({@link Connection#setNetworkTimeout}, on every connection).
     *
     * @throws IllegalArgumentException if it is not positive or too long
     */
    public Builder statementTimeout(Duration statementTimeout) {
      Durations.timeout(statementTimeout, "statementTimeout");
      if (statementTimeout.compareTo(Duration.ofMillis(Integer.MAX_VALUE - 1000L)) > 0) {
        throw new IllegalArgumentException("statementTimeout is too long: " + statementTimeout);
      }
      this.statementTimeout = statementTimeout;
      return this;
    }

    /**
     * The most connections the store's pool opens; 4 by default (it keeps one idle). Only with
     * {@link #jdbcUrl}.
     *
     * @throws IllegalArgumentException if it is less than 1
     */
    public Builder maximumPoolSize(int maximumPoolSize) {
      if (maximumPoolSize < 1) {
        throw new IllegalArgumentException(
            "maximumPoolSize must be at least 1: " + maximumPoolSize);
      }
      this.maximumPoolSize = maximumPoolSize;
      return this;
    }

    /**
     * Connects, creates or migrates the schema, and returns the store.
     *
     * @throws IllegalStateException if the settings are missing or conflict
     * @throws IOException if the database cannot be reached in time or refused the migration
     */
    public PostgresStateStore build() throws IOException {
      DataSource ds = dataSource;
      if (ds != null) {
        if (jdbcUrl != null || username != null || password != null) {
          throw new IllegalStateException(
              "set either dataSource(...) or jdbcUrl(...) with username(...) and password(...),"
                  + " not both");
        }
        if (connectTimeout != null || maximumPoolSize != null) {
          throw new IllegalStateException(
              "connectTimeout and maximumPoolSize are for the store's own pool: with dataSource(...)"
                  + " set them on your data source");
        }
        return migrated(
            new PostgresStateStore(
                ds, null, schema, "dataSource=" + ds.getClass().getName(), statementTimeout));
      }
      String url = jdbcUrl;
      if (url == null) {
        throw new IllegalStateException(
            "no database: set jdbcUrl(\"jdbc:postgresql://host:5432/db\") with username(...) and"
                + " password(...), or dataSource(...)");
      }
      if (username == null) {
        throw new IllegalStateException("no username: set username(...) with jdbcUrl(...)");
      }
      HikariDataSource pool = new HikariDataSource(poolConfig(url, username));
      String description = "url=" + withoutParameters(url) + ", user=" + username;
      try {
        return migrated(new PostgresStateStore(pool, pool, schema, description, statementTimeout));
      } catch (IOException | RuntimeException e) {
        pool.close();
        throw e;
      }
    }

    private HikariConfig poolConfig(String url, String user) {
      Duration connect = connectTimeout != null ? connectTimeout : Duration.ofSeconds(5);
      HikariConfig config = new HikariConfig();
      config.setPoolName("vigil-state-" + POOLS.incrementAndGet());
      config.setJdbcUrl(url);
      config.setUsername(user);
      if (password != null) config.setPassword(password);
      config.setMaximumPoolSize(maximumPoolSize != null ? maximumPoolSize : 4);
      config.setMinimumIdle(1);
      config.setConnectionTimeout(connect.toMillis());
      config.setValidationTimeout(Math.max(250, connect.toMillis() / 2));
      // Start without a connection: build() reports an unreachable database as an IOException.
      config.setInitializationFailTimeout(-1);
      config.setAutoCommit(true);
      config.addDataSourceProperty("ApplicationName", "vigil");
      config.addDataSourceProperty("connectTimeout", String.valueOf(ceilSeconds(connect)));
      config.addDataSourceProperty("loginTimeout", String.valueOf(ceilSeconds(connect)));
      config.addDataSourceProperty(
          "socketTimeout", String.valueOf(ceilSeconds(statementTimeout.plusSeconds(1))));
      config.addDataSourceProperty("tcpKeepAlive", "true");
      config.addDataSourceProperty(
          "options", "-c statement_timeout=" + statementTimeout.toMillis());
      return config;
    }

    private static PostgresStateStore migrated(PostgresStateStore store) throws IOException {
      try (Connection c = store.dataSource.getConnection()) {
        int previous = c.getNetworkTimeout();
        c.setNetworkTimeout(DIRECT, store.networkTimeoutMillis);
        try {
          Migrations.migrate(c, store.schema);
        } finally {
          restoreNetworkTimeout(c, previous);
        }
      } catch (SQLException e) {
        throw StoreFailures.of("migrate", null, store.schema, e);
      }
      return store;
    }
  }

  /** {@code url} up to its first {@code ?}: host, port and database, none of the parameters. */
  static String withoutParameters(String url) {
    int q = url.indexOf('?');
    return q < 0 ? url : url.substring(0, q);
  }
}
