package dev.vigil.state;

import java.io.IOException;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * Where a monitor keeps what must survive a restart and may be shared by replicas: records of text,
 * by key, in named spaces ({@code silences}, {@code nflog/<sink>/<route>}, {@code outbox/<sink>}).
 * The monitor owns the spaces and the record format; a store only keeps text.
 *
 * <p>The conditional writes ({@link #putIfAbsent}, {@link #replace}, {@link #remove}) are atomic
 * across every monitor that shares the store: that is how replicas agree which one tells a sink, so
 * each notification is sent once. {@link #sync()} makes every write before it durable; the monitor
 * calls it before it hands what it wrote about to a sink.
 *
 * <p>Implementations: {@link FileStateStore} (one process, a directory), and the PostgreSQL store
 * of {@code vigil-state-postgresql} (replicas). Check your own with {@code
 * dev.vigil.testing.StateStoreContract}.
 *
 * <p><b>Thread safety.</b> Implementations are thread safe. <b>Lifecycle.</b> The application
 * creates and closes the store; a monitor never closes it.
 */
public interface StateStore extends AutoCloseable {

  /**
   * Every record of {@code space}, by key; empty if there is none.
   *
   * @throws IOException if the store cannot be read
   */
  Map<String, String> load(String space) throws IOException;

  /**
   * The record of {@code key} in {@code space}, or null.
   *
   * @throws IOException if the store cannot be read
   */
  @Nullable String get(String space, String key) throws IOException;

  /**
   * Writes the record of {@code key}, replacing any.
   *
   * @throws IOException if the store cannot be written
   */
  void put(String space, String key, String value) throws IOException;

  /**
   * Writes the record of {@code key} only if there is none: atomic.
   *
   * @return whether this call wrote it
   * @throws IOException if the store cannot be written
   */
  boolean putIfAbsent(String space, String key, String value) throws IOException;

  /**
   * Replaces the record of {@code key} only if it is {@code expected}: atomic.
   *
   * @return whether this call replaced it
   * @throws IOException if the store cannot be written
   */
  boolean replace(String space, String key, String expected, String value) throws IOException;

  /**
   * Removes the record of {@code key}: atomic.
   *
   * @return whether there was one, and this call removed it
   * @throws IOException if the store cannot be written
   */
  boolean remove(String space, String key) throws IOException;

  /**
   * Makes every write before this call durable (fsync, commit). The default does nothing, for
   * stores whose every write is durable when it returns.
   *
   * @throws IOException if the writes cannot be made durable
   */
  default void sync() throws IOException {}

  /**
   * Releases the store's files or connections. Called by the application, never by a monitor.
   *
   * @throws IOException if releasing failed
   */
  @Override
  default void close() throws IOException {}
}
