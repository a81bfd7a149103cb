package dev.vigil.state.postgresql;

import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;
import static org.assertj.core.api.Assertions.assertThatNullPointerException;

import java.io.PrintWriter;
import java.sql.Connection;
import java.time.Duration;
import java.util.logging.Logger;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;

/** Settings are checked at the door, and the message names the setting and the fix. No server. */
class PostgresStateStoreBuilderTest {
  private static final String URL = "jdbc:postgresql://127.0.0.1:5432/app";

  @Test
  void noDatabaseNamesBothWaysToSetOne() {
    assertThatIllegalStateException()
        .isThrownBy(() -> PostgresStateStore.builder().build())
        .withMessageContaining("jdbcUrl(")
        .withMessageContaining("dataSource(");
  }

  @Test
  void aUrlWithoutAUserAsksForOne() {
    assertThatIllegalStateException()
        .isThrownBy(() -> PostgresStateStore.builder().jdbcUrl(URL).build())
        .withMessageContaining("username(");
  }

  @Test
  void aDataSourceAndAUrlConflict() {
    assertThatIllegalStateException()
        .isThrownBy(
            () -> PostgresStateStore.builder().dataSource(new NoDataSource()).jdbcUrl(URL).build())
        .withMessageContaining("not both");
    assertThatIllegalStateException()
        .isThrownBy(
            () ->
                PostgresStateStore.builder()
                    .dataSource(new NoDataSource())
                    .maximumPoolSize(3)
                    .build())
        .withMessageContaining("maximumPoolSize")
        .withMessageContaining("your data source");
  }

  @Test
  void onlyPostgresqlUrlsWithoutAPassword() {
    assertThatIllegalArgumentException()
        .isThrownBy(() -> PostgresStateStore.builder().jdbcUrl("jdbc:mysql://db/app"))
        .withMessageContaining("jdbc:postgresql:");
    assertThatIllegalArgumentException()
        .isThrownBy(
            () -> PostgresStateStore.builder().jdbcUrl(URL + "?user=app&PASSWORD=hunter2-secret"))
        .withMessageContaining("password(...)")
        .withMessageNotContaining("hunter2-secret");
  }

  @Test
  void theSchemaIsAPlainLowerCaseIdentifier() {
    for (String bad : new String[] {"Vigil", "pg_vigil", "vigil; DROP TABLE x", "", "1vigil"}) {
      assertThatIllegalArgumentException()
          .isThrownBy(() -> PostgresStateStore.builder().schema(bad))
          .withMessageContaining("schema must be");
    }
    PostgresStateStore.builder().schema("app_vigil_2");
  }

  @Test
  void timeoutsAndPoolSizeMustBeUsable() {
    assertThatIllegalArgumentException()
        .isThrownBy(() -> PostgresStateStore.builder().connectTimeout(Duration.ofMillis(100)))
        .withMessageContaining("connectTimeout must be at least 250 ms");
    assertThatIllegalArgumentException()
        .isThrownBy(() -> PostgresStateStore.builder().statementTimeout(Duration.ZERO))
        .withMessageContaining("statementTimeout must be positive");
    assertThatIllegalArgumentException()
        .isThrownBy(() -> PostgresStateStore.builder().maximumPoolSize(0))
        .withMessageContaining("maximumPoolSize must be at least 1");
  }

  @Test
  void nullsAreNamed() {
    assertThatNullPointerException()
        .isThrownBy(() -> PostgresStateStore.builder().password(null))
        .withMessage("password == null");
    assertThatNullPointerException()
        .isThrownBy(() -> PostgresStateStore.builder().jdbcUrl(null))
        .withMessage("jdbcUrl == null");
  }

  /** A data source the builder never reaches: it rejects the settings first. */
  private static final class NoDataSource implements DataSource {
    @Override
    public Connection getConnection() {
      throw new AssertionError("connected");
    }

    @Override
    public Connection getConnection(String username, String password) {
      throw new AssertionError("connected");
    }

    @Override
    public PrintWriter getLogWriter() {
      throw new UnsupportedOperationException();
    }

    @Override
    public void setLogWriter(PrintWriter out) {}

    @Override
    public void setLoginTimeout(int seconds) {}

    @Override
    public int getLoginTimeout() {
      return 0;
    }

    @Override
    public Logger getParentLogger() {
      throw new UnsupportedOperationException();
    }

    @Override
    public <T> T unwrap(Class<T> iface) {
      throw new UnsupportedOperationException();
    }

    @Override
    public boolean isWrapperFor(Class<?> iface) {
      return false;
    }
  }
}
