package dev.vigil.http;

import com.squareup.moshi.JsonDataException;
import com.squareup.moshi.JsonReader;
import java.io.IOException;
import java.lang.annotation.Annotation;
import java.lang.reflect.Type;
import okhttp3.ResponseBody;
import okio.BufferedSource;
import org.jspecify.annotations.Nullable;
import retrofit2.Converter;
import retrofit2.Retrofit;

/**
 * Converts response bodies to {@link JsonDocument}s by streaming them through a {@link JsonPicker}
 * on Moshi's strict {@link JsonReader}: only the selected values are kept, and at most {@code
 * maxBodyBytes} bytes are read (a larger announced {@code Content-Length} fails before reading).
 * Malformed JSON, NaN and infinities, selected keys given twice, trailing data and oversized bodies
 * become {@link JsonProblem}s carrying the JSON path; failures of the network while reading the
 * body stay the plain {@link IOException}s they were. Thread safe.
 *
 * <p>The source calls {@link #convert} itself on each OkHttp response (it builds every request's
 * {@code HttpUrl} once and gives it to OkHttp directly, with no Retrofit call in between); as a
 * {@code Converter.Factory} the class also serves any Retrofit service that wants the same picking.
 *
 * <p>Memory while converting one body: the Okio buffer between socket and reader (one or two 8 KiB
 * segments) plus what the picker keeps (see {@link JsonPicker}); never the body itself.
 */
final class PickingConverterFactory extends Converter.Factory {
  private final JsonPicker picker;
  private final long maxBodyBytes;

  PickingConverterFactory(JsonPicker picker, long maxBodyBytes) {
    this.picker = picker;
    this.maxBodyBytes = maxBodyBytes;
  }

  @Override
  public @Nullable Converter<ResponseBody, ?> responseBodyConverter(
      Type type, Annotation[] annotations, Retrofit retrofit) {
    return type == JsonDocument.class ? this::convert : null;
  }

  JsonDocument convert(ResponseBody body) throws IOException {
    try (body) {
      JsonReader reader = JsonReader.of(open(body, maxBodyBytes));
      reader.setLenient(false);
      try {
        JsonDocument doc = picker.read(reader, "$");
        if (reader.peek() != JsonReader.Token.END_DOCUMENT) {
          throw new JsonProblem(reader.getPath(), "data after the end of the JSON document", null);
        }
        return doc;
      } catch (CappedBody.NetworkFailure e) {
        throw e.network;
      } catch (CappedBody.TooLarge e) {
        // Deep inside a skipped value Moshi's path names only the first levels of it.
        throw new JsonProblem(reader.getPath(), String.valueOf(e.getMessage()), null);
      } catch (JsonProblem e) {
        throw e;
      } catch (IOException | JsonDataException e) {
        // JsonEncodingException (malformed, NaN, infinities), EOFException (truncated JSON),
        // JsonDataException (duplicate keys, ...): the data is bad, not the network. Moshi's
        // exception is not kept as the cause: its message quotes JSON keys unescaped, and a
        // stack trace in a log would print them as they are.
        throw new JsonProblem(reader.getPath(), moshiDetail(e.getMessage()), null);
      }
    }
  }

  /**
   * Opens {@code body} through {@link CappedBody}; an announced length over the cap is a {@link
   * JsonProblem} at {@code $}.
   */
  static BufferedSource open(ResponseBody body, long maxBodyBytes) throws JsonProblem {
    try {
      return CappedBody.open(body, maxBodyBytes);
    } catch (CappedBody.TooLarge e) {
      throw new JsonProblem("$", String.valueOf(e.getMessage()), null);
    }
  }

  /** Rewrites Moshi's message for people who cannot make the reader lenient. */
  static String moshiDetail(@Nullable String message) {
    if (message == null) return "malformed JSON";
    int at = message.lastIndexOf(" at path ");
    String detail = at >= 0 ? message.substring(0, at) : message;
    if (detail.startsWith("Use JsonReader.setLenient(true) to accept malformed JSON")) {
      return "malformed JSON";
    }
    if (detail.startsWith("JSON forbids NaN and infinities")) {
      return "not a finite number (" + detail + ")";
    }
    return "malformed JSON: " + detail;
  }
}
