package dev.vigil.state.postgresql;

import java.io.IOException;
import java.sql.SQLException;
import java.sql.SQLTimeoutException;
import java.sql.SQLTransientConnectionException;
import org.jspecify.annotations.Nullable;

/**
 * The one way a failed SQL call becomes an {@link IOException}: the message names the operation,
 * the space and the schema, and keeps the driver's message (pgjdbc and HikariCP never put the
 * password in theirs; the store rejects a URL that carries one). Stateless.
 */
final class StoreFailures {
  private StoreFailures() {}

  static IOException of(String operation, @Nullable String space, String schema, SQLException e) {
    StringBuilder m = new StringBuilder("PostgreSQL state store: ").append(operation);
    if (space != null) m.append(" in space '").append(space).append('\'');
    m.append(" (schema ").append(schema).append(") failed");
    if (e instanceof SQLTimeoutException || e instanceof SQLTransientConnectionException) {
      m.append(", the database did not answer in time");
    }
    String state = e.getSQLState();
    if (state != null) m.append(" [SQLState ").append(state).append(']');
    m.append(": ").append(e.getMessage());
    // HikariCP's "Connection is not available" carries why (refused, authentication) as its cause.
    Throwable cause = e.getCause();
    if (cause instanceof SQLException && cause.getMessage() != null) {
      m.append(" (").append(cause.getMessage()).append(')');
    }
    return new IOException(m.toString(), e);
  }
}
