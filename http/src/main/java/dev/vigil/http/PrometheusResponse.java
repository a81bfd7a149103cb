package dev.vigil.http;

import com.squareup.moshi.JsonReader;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * One answer of Prometheus' HTTP API ({@code docs/querying/api.md}, "Format overview"), read as a
 * stream: the envelope ({@code status}, {@code errorType}, {@code error}, {@code warnings}, {@code
 * infos}) and an expression query's {@code data} ({@code resultType} and {@code result}). The
 * result is read by its shape, whatever the order of the keys: a {@code [<unix_time>, "<value>"]}
 * pair is a scalar or string, an array of objects holds series, each with its {@code metric} labels
 * and a {@code value} pair (vector), {@code values} pairs (matrix, only counted) or a native {@code
 * histogram} (noted, skipped). Sample values stay the strings Prometheus sends ({@code "1"}, {@code
 * "NaN"}, {@code "+Inf"}); the caller decides what they mean. Filled by one thread, then only read.
 */
final class PrometheusResponse {
  @Nullable String status;
  @Nullable String errorType;
  @Nullable String error;
  final List<String> warnings = new ArrayList<>();
  final List<String> infos = new ArrayList<>();
  @Nullable String resultType;
  boolean resultSeen;

  /** The scalar or string result, or null. */
  @Nullable Point pair;

  /** The series of a vector or matrix result. */
  final List<Series> series = new ArrayList<>();

  /** A {@code [<unix_time>, "<value>"]} pair. */
  record Point(double time, String value) {}

  /**
   * One series of a vector (with {@code value}) or matrix (with {@code points} counted).
   *
   * @param path the JSON path of the element, for messages
   */
  record Series(
      String path,
      Map<String, String> labels,
      @Nullable Point value,
      int points,
      boolean histogram) {}

  /**
   * Reads one document.
   *
   * @param maxSeries the most series accepted in the result
   * @throws JsonProblem if the document is not shaped as the API documents it, or has more than
   *     {@code maxSeries} series
   * @throws IOException if reading fails (Moshi's exceptions for malformed JSON included)
   */
  static PrometheusResponse read(JsonReader reader, int maxSeries) throws IOException {
    PrometheusResponse r = new PrometheusResponse();
    expect(reader, JsonReader.Token.BEGIN_OBJECT, "a JSON object (the API's envelope)");
    reader.beginObject();
    while (reader.hasNext()) {
      switch (reader.nextName()) {
        case "status" -> r.status = string(reader);
        case "errorType" -> r.errorType = string(reader);
        case "error" -> r.error = string(reader);
        case "warnings" -> strings(reader, r.warnings);
        case "infos" -> strings(reader, r.infos);
        case "data" -> r.data(reader, maxSeries);
        default -> reader.skipValue();
      }
    }
    reader.endObject();
    return r;
  }

  private void data(JsonReader reader, int maxSeries) throws IOException {
    if (reader.peek() != JsonReader.Token.BEGIN_OBJECT) {
      reader.skipValue(); // an error's data, or another endpoint's: not a query result
      return;
    }
    reader.beginObject();
    while (reader.hasNext()) {
      switch (reader.nextName()) {
        case "resultType" -> resultType = string(reader);
        case "result" -> result(reader, maxSeries);
        default -> reader.skipValue();
      }
    }
    reader.endObject();
  }

  private void result(JsonReader reader, int maxSeries) throws IOException {
    resultSeen = true;
    expect(reader, JsonReader.Token.BEGIN_ARRAY, "an array (the query's result)");
    String path = reader.getPath();
    reader.beginArray();
    if (reader.hasNext() && reader.peek() == JsonReader.Token.NUMBER) {
      pair = pairRest(reader, path);
      return;
    }
    for (int i = 0; reader.hasNext(); i++) {
      if (i >= maxSeries) {
        throw new JsonProblem(
            reader.getPath(), "the result has more than maxSeries=" + maxSeries + " series", null);
      }
      series.add(series(reader));
    }
    reader.endArray();
  }

  private static Series series(JsonReader reader) throws IOException {
    String path = reader.getPath();
    expect(reader, JsonReader.Token.BEGIN_OBJECT, "a series object");
    reader.beginObject();
    Map<String, String> labels = new LinkedHashMap<>();
    Point value = null;
    int points = 0;
    boolean histogram = false;
    while (reader.hasNext()) {
      switch (reader.nextName()) {
        case "metric" -> {
          expect(reader, JsonReader.Token.BEGIN_OBJECT, "an object of labels");
          reader.beginObject();
          while (reader.hasNext()) {
            String name = reader.nextName();
            String v = string(reader);
            if (v == null || labels.put(name, v) != null) {
              throw new JsonProblem(reader.getPath(), "expected one string per label", null);
            }
          }
          reader.endObject();
        }
        case "value" -> value = pair(reader);
        case "values" -> {
          expect(reader, JsonReader.Token.BEGIN_ARRAY, "an array of [time, value] pairs");
          reader.beginArray();
          while (reader.hasNext()) {
            pair(reader);
            points++;
          }
          reader.endArray();
        }
        case "histogram", "histograms" -> {
          histogram = true;
          reader.skipValue();
        }
        default -> reader.skipValue();
      }
    }
    reader.endObject();
    return new Series(path, Map.copyOf(labels), value, points, histogram);
  }

  private static Point pair(JsonReader reader) throws IOException {
    String path = reader.getPath();
    expect(reader, JsonReader.Token.BEGIN_ARRAY, "a [time, value] pair");
    reader.beginArray();
    return pairRest(reader, path);
  }

  /** The rest of a pair whose array is begun. */
  private static Point pairRest(JsonReader reader, String path) throws IOException {
    if (!reader.hasNext() || reader.peek() != JsonReader.Token.NUMBER) {
      throw new JsonProblem(path, "expected a [<unix_time>, \"<value>\"] pair", null);
    }
    double time = reader.nextDouble();
    if (!reader.hasNext() || reader.peek() != JsonReader.Token.STRING) {
      throw new JsonProblem(
          reader.getPath(), "expected the value of a pair as a string, such as \"1.5\"", null);
    }
    String value = reader.nextString();
    if (reader.hasNext()) {
      throw new JsonProblem(reader.getPath(), "expected a pair of exactly two elements", null);
    }
    reader.endArray();
    return new Point(time, value);
  }

  private static @Nullable String string(JsonReader reader) throws IOException {
    if (reader.peek() == JsonReader.Token.NULL) return reader.nextNull();
    expect(reader, JsonReader.Token.STRING, "a string");
    return reader.nextString();
  }

  private static void strings(JsonReader reader, List<String> into) throws IOException {
    if (reader.peek() == JsonReader.Token.NULL) {
      reader.<@Nullable Object>nextNull();
      return;
    }
    expect(reader, JsonReader.Token.BEGIN_ARRAY, "an array of strings");
    reader.beginArray();
    while (reader.hasNext()) {
      String s = string(reader);
      if (s != null && into.size() < 100) into.add(s);
    }
    reader.endArray();
  }

  private static void expect(JsonReader reader, JsonReader.Token token, String what)
      throws IOException {
    JsonReader.Token actual = reader.peek();
    if (actual != token) {
      throw new JsonProblem(reader.getPath(), "expected " + what + " but was " + actual, null);
    }
  }
}
