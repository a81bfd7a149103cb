package dev.vigil.spring.boot;

import dev.vigil.state.FileStateStore;
import dev.vigil.state.StateStore;
import java.io.IOException;
import java.nio.file.Path;
import org.jspecify.annotations.Nullable;

/**
 * The state store the starter opened from {@code vigil.state.*}, closed by Spring after the monitor
 * (which depends on it). Holds none when state is kept in memory.
 */
final class VigilStateStores implements AutoCloseable {
  private final @Nullable StateStore store;

  private VigilStateStores(@Nullable StateStore store) {
    this.store = store;
  }

  static VigilStateStores open(
      VigilProperties.State state, java.util.function.Supplier<@Nullable StateStore> postgres) {
    Path dir = state.getDirectory();
    VigilProperties.StateType type = state.getType();
    if (type == VigilProperties.StateType.AUTO) {
      type = dir != null ? VigilProperties.StateType.FILE : VigilProperties.StateType.NONE;
    }
    switch (type) {
      case NONE, AUTO -> {
        return new VigilStateStores(null);
      }
      case FILE -> {
        Path d =
            Settings.require(
                dir, "vigil.state.directory", "set it to a directory this application may write");
        try {
          return new VigilStateStores(FileStateStore.open(d));
        } catch (IOException | RuntimeException e) {
          throw new VigilConfigurationException(
              "vigil.state.directory",
              "cannot be opened (" + e.getMessage() + ")",
              "set it to a directory this application may write, used by no other running monitor",
              e);
        }
      }
      case POSTGRESQL -> {
        StateStore s = postgres.get();
        if (s == null) {
          throw new VigilConfigurationException(
              "vigil.state.type",
              "is postgresql, which needs vigil-state-postgresql and a DataSource bean",
              "add dev.vigil:vigil-state-postgresql and configure spring.datasource.*",
              null);
        }
        return new VigilStateStores(s);
      }
    }
    throw new IllegalStateException("unknown state type " + type);
  }

  @Nullable StateStore store() {
    return store;
  }

  @Override
  public void close() throws IOException {
    StateStore s = store;
    if (s != null) s.close();
  }
}
