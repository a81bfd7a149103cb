package dev.vigil.spring.boot;

import dev.vigil.state.StateStore;
import dev.vigil.state.postgresql.PostgresStateStore;
import java.io.IOException;
import javax.sql.DataSource;
import org.jspecify.annotations.Nullable;
import org.springframework.beans.factory.ListableBeanFactory;

/**
 * A PostgreSQL state store on the application's DataSource. Loaded only with
 * vigil-state-postgresql.
 */
final class PostgresStates {
  private PostgresStates() {}

  static final String CLASS = "dev.vigil.state.postgresql.PostgresStateStore";

  static @Nullable StateStore open(ListableBeanFactory beans) {
    DataSource ds = beans.getBeanProvider(DataSource.class).getIfUnique();
    if (ds == null) return null;
    try {
      return PostgresStateStore.builder().dataSource(ds).build();
    } catch (IOException | RuntimeException e) {
      throw new VigilConfigurationException(
          "vigil.state.type",
          "is postgresql, but the store cannot be opened (" + e.getMessage() + ")",
          "check spring.datasource.* and that the database user may create Vigil's tables",
          e);
    }
  }
}
