package dev.vigil.http;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import mockwebserver3.MockResponse;
import mockwebserver3.MockResponseBody;
import okio.BufferedSink;

/**
 * A large metrics body generated while it is written, never held in memory: a {@code filler} array
 * of small objects (the shape that made tree building expensive), then {@code metrics} and {@code
 * timestamp}. Stateless, so one instance serves any number of requests at once.
 */
final class BigBody implements MockResponseBody {
  private static final byte[] BLOCK;

  static {
    StringBuilder b = new StringBuilder();
    while (b.length() < 64 * 1024 - 32) b.append("{\"a\":1,\"b\":\"abcdefghij\"},");
    BLOCK = b.toString().getBytes(StandardCharsets.UTF_8);
  }

  private final byte[] prefix;
  private final byte[] suffix;
  private final long blocks;
  private final boolean announceLength;

  /**
   * @param approximateBytes the body's size, rounded to whole 64 KiB blocks of filler
   * @param cpuJson the JSON text of {@code metrics.cpu_usage}, such as {@code 42.5} or {@code
   *     "80%"}
   * @param announceLength whether a Content-Length is sent (else the body is chunked)
   */
  BigBody(long approximateBytes, String cpuJson, boolean announceLength) {
    this.prefix = "{\"filler\":[".getBytes(StandardCharsets.UTF_8);
    this.suffix =
        ("{\"a\":1}],\"metrics\":{\"memory_usage\":1.5,\"cpu_usage\":"
                + cpuJson
                + "},\"timestamp\":\"2026-11-24T00:00:00Z\"}")
            .getBytes(StandardCharsets.UTF_8);
    this.blocks = Math.max(1, approximateBytes / BLOCK.length);
    this.announceLength = announceLength;
  }

  @Override
  public long getContentLength() {
    return announceLength ? prefix.length + blocks * BLOCK.length + suffix.length : -1;
  }

  /** The response headers this body needs: its type, and chunked encoding when not announced. */
  MockResponse response() {
    MockResponse.Builder b =
        new MockResponse.Builder().code(200).setHeader("Content-Type", "application/json");
    if (!announceLength) b.setHeader("Transfer-Encoding", "chunked");
    return b.body(this).build();
  }

  @Override
  public void writeTo(BufferedSink sink) throws IOException {
    chunk(sink, prefix);
    for (long i = 0; i < blocks; i++) chunk(sink, BLOCK);
    chunk(sink, suffix);
    if (!announceLength) sink.writeUtf8("0\r\n\r\n");
    sink.flush();
  }

  /** Writes {@code bytes}, as one HTTP/1.1 chunk when the length is not announced. */
  private void chunk(BufferedSink sink, byte[] bytes) throws IOException {
    if (announceLength) {
      sink.write(bytes);
    } else {
      sink.writeHexadecimalUnsignedLong(bytes.length).writeUtf8("\r\n").write(bytes);
      sink.writeUtf8("\r\n");
    }
  }
}
