package dev.vigil.http;

import com.squareup.moshi.JsonAdapter;
import com.squareup.moshi.JsonDataException;
import com.squareup.moshi.JsonQualifier;
import com.squareup.moshi.JsonReader;
import com.squareup.moshi.JsonWriter;
import com.squareup.moshi.Moshi;
import java.io.IOException;
import java.lang.annotation.Annotation;
import java.lang.reflect.Type;
import java.util.LinkedHashSet;
import java.util.Set;
import okhttp3.MediaType;
import okhttp3.RequestBody;
import okhttp3.ResponseBody;
import okio.Buffer;
import org.jspecify.annotations.Nullable;
import retrofit2.Converter;
import retrofit2.Retrofit;

/**
 * The Moshi converter of {@link RetrofitSource}: like Retrofit's {@code MoshiConverterFactory}
 * (adapters from the given {@link Moshi}, honouring {@link JsonQualifier} annotations, strict
 * JSON), but it reads at most {@code maxBodyBytes} of a body (a larger announced {@code
 * Content-Length} fails before reading), and bad data, of any kind, leaves it as a {@link
 * JsonProblem} with the JSON path where the reader stopped: malformed JSON, a wrong type ({@code
 * JsonDataException}), a body too large, trailing data, {@code null} for the whole document.
 * Network failures while reading stay the {@link IOException}s they were. Thread safe.
 *
 * <p>Memory: the Okio buffer between socket and reader plus the objects the adapter builds; Moshi's
 * reflective adapters skip every JSON field the type does not declare, so a body of unknown extras
 * costs no more than the declared fields.
 */
final class MoshiBodies extends Converter.Factory {
  private static final MediaType JSON = MediaType.get("application/json; charset=utf-8");

  private final Moshi moshi;
  private final long maxBodyBytes;

  MoshiBodies(Moshi moshi, long maxBodyBytes) {
    this.moshi = moshi;
    this.maxBodyBytes = maxBodyBytes;
  }

  @Override
  public Converter<ResponseBody, ?> responseBodyConverter(
      Type type, Annotation[] annotations, Retrofit retrofit) {
    JsonAdapter<?> adapter = moshi.adapter(type, qualifiers(annotations));
    return body -> convert(body, adapter);
  }

  @Override
  public Converter<?, RequestBody> requestBodyConverter(
      Type type,
      Annotation[] parameterAnnotations,
      Annotation[] methodAnnotations,
      Retrofit retrofit) {
    JsonAdapter<Object> adapter = moshi.adapter(type, qualifiers(parameterAnnotations));
    return value -> {
      Buffer buffer = new Buffer();
      try (JsonWriter writer = JsonWriter.of(buffer)) {
        adapter.toJson(writer, value);
      }
      return RequestBody.create(buffer.readByteString(), JSON);
    };
  }

  private static Set<Annotation> qualifiers(Annotation[] annotations) {
    Set<Annotation> out = new LinkedHashSet<>();
    for (Annotation a : annotations) {
      if (a.annotationType().isAnnotationPresent(JsonQualifier.class)) out.add(a);
    }
    return out;
  }

  private Object convert(ResponseBody body, JsonAdapter<?> adapter) throws IOException {
    try (body) {
      JsonReader reader = JsonReader.of(PickingConverterFactory.open(body, maxBodyBytes));
      reader.setLenient(false);
      try {
        @Nullable Object value = adapter.fromJson(reader);
        if (reader.peek() != JsonReader.Token.END_DOCUMENT) {
          throw new JsonProblem(reader.getPath(), "data after the end of the JSON document", null);
        }
        if (value == null)
          throw new JsonProblem("$", "expected a JSON document but was null", null);
        return value;
      } catch (CappedBody.NetworkFailure e) {
        throw e.network;
      } catch (CappedBody.TooLarge e) {
        throw new JsonProblem(reader.getPath(), String.valueOf(e.getMessage()), null);
      } catch (JsonProblem e) {
        throw e;
      } catch (IOException | JsonDataException e) {
        // Moshi's exception is not kept as the cause: its message quotes JSON keys and values
        // unescaped and unscrubbed, and a stack trace in a log would print them as they are.
        String detail = PickingConverterFactory.moshiDetail(e.getMessage());
        if (e instanceof JsonDataException) detail = detail.replace("malformed JSON: ", "");
        throw new JsonProblem(reader.getPath(), detail, null);
      }
    }
  }
}
