package dev.vigil.http;

import java.io.IOException;
import okhttp3.ResponseBody;
import okio.Buffer;
import okio.BufferedSource;
import okio.ForwardingSource;
import okio.Okio;
import okio.Source;

/**
 * A response body read through a byte cap: a larger announced {@code Content-Length} fails before
 * reading, and reading past the cap fails with {@link TooLarge}; failures of the network while
 * reading are tagged as {@link NetworkFailure}, so that a caller parsing the stream can tell them
 * from its parser's own {@link IOException}s (malformed or truncated data). The one body cap of the
 * package: {@link PickingConverterFactory}, {@link MoshiBodies}, {@link PrometheusSource} and
 * {@link EndpointCheckSource} read through it.
 */
final class CappedBody {
  private CappedBody() {}

  /** The body is longer than allowed. */
  static final class TooLarge extends IOException {
    private static final long serialVersionUID = 1L;

    TooLarge(String message) {
      super(message);
    }
  }

  /** Reading the body failed for network reasons; {@link #network} is what the socket threw. */
  static final class NetworkFailure extends IOException {
    private static final long serialVersionUID = 1L;

    @SuppressWarnings("serial") // never serialized: caught on the thread that read the body
    final IOException network;

    NetworkFailure(IOException cause) {
      super(cause);
      this.network = cause;
    }
  }

  /**
   * Opens {@code body} for reading at most {@code maxBytes} bytes.
   *
   * @throws TooLarge if the body announces more than {@code maxBytes}
   */
  static BufferedSource open(ResponseBody body, long maxBytes) throws TooLarge {
    long length = body.contentLength();
    if (length > maxBytes) {
      throw new TooLarge("body of " + length + " bytes exceeds maxBodyBytes=" + maxBytes);
    }
    return Okio.buffer(new Limited(body.source(), maxBytes));
  }

  private static final class Limited extends ForwardingSource {
    private final long limit;
    private long read;

    Limited(Source delegate, long limit) {
      super(delegate);
      this.limit = limit;
    }

    @Override
    public long read(Buffer sink, long byteCount) throws IOException {
      long n;
      try {
        n = super.read(sink, byteCount);
      } catch (IOException e) {
        throw new NetworkFailure(e);
      }
      if (n > 0) {
        read += n;
        if (read > limit) throw new TooLarge("body exceeds maxBodyBytes=" + limit);
      }
      return n;
    }
  }
}
