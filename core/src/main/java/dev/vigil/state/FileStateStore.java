package dev.vigil.state;

import static java.util.Objects.requireNonNull;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.zip.CRC32C;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A {@link StateStore} in a directory of its own, for one process: no server needed. Writes are
 * collected and appended to a write-ahead log ({@code state.log}) by {@link #sync()} as one batch
 * under one checksum, in one write, then forced to disk (fsync): what was written between two syncs
 * is in the log all together or not at all, so a crash never keeps a claim and loses the
 * notification written with it. Each record carries its length and a CRC-32C checksum, so a torn or
 * corrupted record is detected on open, skipped and reported (a WARN, and {@link
 * #corruptRecords()}), never loaded as garbage. When the log grows past twice the live data (and at
 * least {@value #MIN_COMPACT_BYTES} bytes), or after a corrupt record was found, it is compacted:
 * the live records are written to a new file, forced, and atomically renamed over the log, so a
 * crash at any point leaves either the old or the new log whole. The data is also held in memory,
 * so reads never touch the disk.
 *
 * <p>One process at a time: {@link #open} takes an exclusive lock on {@code state.lock} and fails
 * if another process (or another store in this one) holds it. For replicas use the PostgreSQL
 * store.
 *
 * <p><b>Thread safety.</b> Thread safe. <b>Lifecycle.</b> {@link #open} then {@link #close()};
 * closing syncs, releases the lock, and is idempotent.
 */
public final class FileStateStore implements StateStore {
  private static final Logger log = LoggerFactory.getLogger(FileStateStore.class);

  static final String LOG_FILE = "state.log";
  static final String LOCK_FILE = "state.lock";
  static final long MIN_COMPACT_BYTES = 4L << 20;

  /** No record is larger than this; a length beyond it is corruption. */
  static final int MAX_RECORD_BYTES = 64 << 20;

  private static final byte PUT = 1;
  private static final byte REMOVE = 2;

  /** Records written together: one checksum over all of them, so all or none are replayed. */
  private static final byte BATCH = 3;

  /** Past this many bytes the pending batch is written without waiting for sync(). */
  private static final int MAX_PENDING_BYTES = 1 << 20;

  /** Records written since the last sync(), not yet in the file. */
  private final ByteArrayOutputStream pending = new ByteArrayOutputStream();

  private final Path directory;
  private final Path logFile;
  private final FileChannel lockChannel;
  private final FileLock lock;
  private final Map<String, Map<String, String>> spaces = new HashMap<>();
  private FileChannel channel;
  private long logBytes;
  private long liveBytes;
  private boolean dirty;
  private boolean closed;
  private final int corruptRecords;

  private FileStateStore(Path directory, FileChannel lockChannel, FileLock lock)
      throws IOException {
    this.directory = directory;
    this.logFile = directory.resolve(LOG_FILE);
    this.lockChannel = lockChannel;
    this.lock = lock;
    this.corruptRecords = replay();
    this.channel = openLog();
    if (corruptRecords > 0) compact(); // a clean log from what was read
  }

  /**
   * Opens the store in {@code directory}, creating it if needed, and reads what it holds.
   *
   * @throws IOException if the directory cannot be created or read, or another process or store
   *     holds it (the message says which)
   * @throws NullPointerException if {@code directory} is null
   */
  public static FileStateStore open(Path directory) throws IOException {
    requireNonNull(directory, "directory == null");
    Files.createDirectories(directory);
    FileChannel lockChannel =
        FileChannel.open(
            directory.resolve(LOCK_FILE), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
    FileLock lock;
    try {
      lock = lockChannel.tryLock();
    } catch (OverlappingFileLockException e) {
      lock = null;
    }
    if (lock == null) {
      lockChannel.close();
      throw new IOException(
          "state directory "
              + directory
              + " is in use by another FileStateStore (this or another process); give each"
              + " monitor its own directory, or share state through the PostgreSQL store");
    }
    try {
      return new FileStateStore(directory, lockChannel, lock);
    } catch (IOException | RuntimeException e) {
      lock.release();
      lockChannel.close();
      throw e;
    }
  }

  /** Records that were torn or corrupt when the store was opened, skipped and reported. */
  public int corruptRecords() {
    return corruptRecords;
  }

  /** The directory of this store. */
  public Path directory() {
    return directory;
  }

  @Override
  public synchronized Map<String, String> load(String space) throws IOException {
    checkOpen();
    Map<String, String> records = spaces.get(requireNonNull(space, "space == null"));
    return records == null ? Map.of() : Map.copyOf(records);
  }

  @Override
  public synchronized @Nullable String get(String space, String key) throws IOException {
    checkOpen();
    Map<String, String> records = spaces.get(requireNonNull(space, "space == null"));
    return records == null ? null : records.get(requireNonNull(key, "key == null"));
  }

  @Override
  public synchronized void put(String space, String key, String value) throws IOException {
    checkOpen();
    write(PUT, space, key, requireNonNull(value, "value == null"));
  }

  @Override
  public synchronized boolean putIfAbsent(String space, String key, String value)
      throws IOException {
    checkOpen();
    if (get(space, key) != null) return false;
    write(PUT, space, key, requireNonNull(value, "value == null"));
    return true;
  }

  @Override
  public synchronized boolean replace(String space, String key, String expected, String value)
      throws IOException {
    checkOpen();
    if (!requireNonNull(expected, "expected == null").equals(get(space, key))) return false;
    write(PUT, space, key, requireNonNull(value, "value == null"));
    return true;
  }

  @Override
  public synchronized boolean remove(String space, String key) throws IOException {
    checkOpen();
    if (get(space, key) == null) return false;
    write(REMOVE, space, key, null);
    return true;
  }

  @Override
  public synchronized void sync() throws IOException {
    checkOpen();
    if (!dirty) return;
    writePending();
    channel.force(false);
    dirty = false;
  }

  @Override
  public synchronized void close() throws IOException {
    if (closed) return;
    closed = true;
    try {
      if (dirty) {
        writePending();
        channel.force(false);
      }
      channel.close();
    } finally {
      try {
        lock.release();
      } finally {
        lockChannel.close();
      }
    }
  }

  @Override
  public String toString() {
    return "FileStateStore[" + directory + "]";
  }

  private void checkOpen() throws IOException {
    if (closed) throw new IOException("FileStateStore " + directory + " is closed");
  }

  private void write(byte op, String space, String key, @Nullable String value) throws IOException {
    requireNonNull(space, "space == null");
    requireNonNull(key, "key == null");
    byte[] record = record(op, space, key, value);
    pending.write(record, 0, record.length);
    dirty = true;
    apply(op, space, key, value);
    if (pending.size() > MAX_PENDING_BYTES) writePending();
    long bytes = logBytes + pending.size();
    if (bytes > MIN_COMPACT_BYTES && bytes > 2 * liveBytes) compact();
  }

  /** Writes the pending records to the log as one batch, in one write. */
  private void writePending() throws IOException {
    if (pending.size() == 0) return;
    byte[] batch = frame(BATCH, pending.toByteArray());
    pending.reset();
    ByteBuffer buffer = ByteBuffer.wrap(batch);
    while (buffer.hasRemaining()) channel.write(buffer);
    logBytes += batch.length;
  }

  private void apply(byte op, String space, String key, @Nullable String value) {
    Map<String, String> records = spaces.computeIfAbsent(space, s -> new LinkedHashMap<>());
    String old = op == PUT ? records.put(key, requireNonNull(value)) : records.remove(key);
    if (old != null) liveBytes -= size(space, key, old);
    if (op == PUT) liveBytes += size(space, key, requireNonNull(value));
    if (records.isEmpty()) spaces.remove(space);
  }

  private static long size(String space, String key, String value) {
    return 21L + 3L * (space.length() + key.length() + value.length()); // an upper bound in UTF-8
  }

  /** Length, CRC-32C of the payload, payload (op, space, key, value). */
  private static byte[] record(byte op, String space, String key, @Nullable String value) {
    ByteArrayOutputStream payload = new ByteArrayOutputStream();
    try (DataOutputStream out = new DataOutputStream(payload)) {
      out.writeByte(op);
      writeString(out, space);
      writeString(out, key);
      if (value != null) writeString(out, value);
    } catch (IOException e) {
      throw new IllegalStateException("writing to memory failed", e);
    }
    return frame(payload.toByteArray());
  }

  /** A batch: its op, then records, under one length and checksum. */
  private static byte[] frame(byte op, byte[] records) {
    byte[] body = new byte[records.length + 1];
    body[0] = op;
    System.arraycopy(records, 0, body, 1, records.length);
    return frame(body);
  }

  private static byte[] frame(byte[] body) {
    CRC32C crc = new CRC32C();
    crc.update(body);
    ByteBuffer record = ByteBuffer.allocate(8 + body.length);
    record.putInt(body.length).putInt((int) crc.getValue()).put(body);
    return record.array();
  }

  private static void writeString(DataOutputStream out, String s) throws IOException {
    byte[] bytes = s.getBytes(StandardCharsets.UTF_8);
    out.writeInt(bytes.length);
    out.write(bytes);
  }

  /** Reads the log into memory; returns how many records were corrupt and skipped. */
  private int replay() throws IOException {
    if (!Files.exists(logFile)) return 0;
    byte[] data = Files.readAllBytes(logFile);
    ByteBuffer in = ByteBuffer.wrap(data);
    int corrupt = 0;
    while (in.remaining() > 0) {
      long offset = in.position();
      if (in.remaining() < 8) {
        corrupt++;
        log.warn(
            "State log {}: torn record at byte {} ({} bytes); skipped",
            logFile,
            offset,
            in.remaining());
        break;
      }
      int length = in.getInt();
      int checksum = in.getInt();
      if (length < 1 || length > MAX_RECORD_BYTES || length > in.remaining()) {
        corrupt++;
        log.warn(
            "State log {}: torn or corrupt record at byte {} (length {}, {} bytes left); it and"
                + " the rest of the log are skipped",
            logFile,
            offset,
            length,
            in.remaining());
        break;
      }
      byte[] body = new byte[length];
      in.get(body);
      CRC32C crc = new CRC32C();
      crc.update(body);
      if ((int) crc.getValue() != checksum || !applyRecord(body)) {
        corrupt++;
        log.warn("State log {}: corrupt record at byte {} (checksum); skipped", logFile, offset);
      }
    }
    logBytes = data.length;
    return corrupt;
  }

  /** Applies one checksummed record (or batch, all of it); false if it does not parse. */
  private boolean applyRecord(byte[] body) {
    if (body.length > 0 && body[0] == BATCH) return applyBatch(body);
    ByteBuffer in = ByteBuffer.wrap(body);
    try {
      byte op = in.get();
      String space = readString(in);
      String key = readString(in);
      if (op == PUT) {
        String value = readString(in);
        if (in.hasRemaining()) return false;
        apply(op, space, key, value);
        return true;
      }
      if (op == REMOVE && !in.hasRemaining()) {
        apply(op, space, key, null);
        return true;
      }
      return false;
    } catch (RuntimeException e) {
      return false;
    }
  }

  /** The records of a batch, checked first and applied only if every one parses. */
  private boolean applyBatch(byte[] body) {
    ByteBuffer in = ByteBuffer.wrap(body, 1, body.length - 1);
    java.util.List<byte[]> records = new java.util.ArrayList<>();
    while (in.hasRemaining()) {
      if (in.remaining() < 8) return false;
      int length = in.getInt();
      int checksum = in.getInt();
      if (length < 1 || length > in.remaining()) return false;
      byte[] r = new byte[length];
      in.get(r);
      CRC32C crc = new CRC32C();
      crc.update(r);
      if ((int) crc.getValue() != checksum || r[0] == BATCH || !parses(r)) return false;
      records.add(r);
    }
    for (byte[] r : records) applyRecord(r);
    return true;
  }

  private static boolean parses(byte[] body) {
    ByteBuffer in = ByteBuffer.wrap(body);
    try {
      byte op = in.get();
      readString(in);
      readString(in);
      if (op == PUT) readString(in);
      return (op == PUT || op == REMOVE) && !in.hasRemaining();
    } catch (RuntimeException e) {
      return false;
    }
  }

  private static String readString(ByteBuffer in) {
    int n = in.getInt();
    if (n < 0 || n > in.remaining()) throw new IllegalArgumentException("bad length " + n);
    byte[] bytes = new byte[n];
    in.get(bytes);
    return new String(bytes, StandardCharsets.UTF_8);
  }

  private FileChannel openLog() throws IOException {
    return FileChannel.open(
        logFile, StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.APPEND);
  }

  /** Writes the live records to a new file, forces it, and renames it over the log. */
  private void compact() throws IOException {
    pending.reset(); // the snapshot below holds what it held
    Path tmp = directory.resolve(LOG_FILE + ".tmp");
    long bytes = 0;
    try (FileChannel out =
        FileChannel.open(
            tmp,
            StandardOpenOption.CREATE,
            StandardOpenOption.WRITE,
            StandardOpenOption.TRUNCATE_EXISTING)) {
      for (Map.Entry<String, Map<String, String>> space : spaces.entrySet()) {
        for (Map.Entry<String, String> r : space.getValue().entrySet()) {
          ByteBuffer buffer =
              ByteBuffer.wrap(record(PUT, space.getKey(), r.getKey(), r.getValue()));
          bytes += buffer.remaining();
          while (buffer.hasRemaining()) out.write(buffer);
        }
      }
      out.force(true);
    }
    channel.close();
    try {
      Files.move(tmp, logFile, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } catch (AtomicMoveNotSupportedException e) {
      throw new IOException("the file system of " + directory + " cannot rename atomically", e);
    }
    forceDirectory();
    channel = openLog();
    logBytes = bytes;
    dirty = false;
  }

  /** Makes the rename durable: fsync of the directory, where the platform allows it. */
  private void forceDirectory() {
    try (FileChannel dir = FileChannel.open(directory, StandardOpenOption.READ)) {
      dir.force(true);
    } catch (IOException e) {
      // Not every platform opens a directory (Windows does not); the rename stays atomic.
      log.debug("Could not fsync directory {}: {}", directory, e.toString());
    }
  }
}
