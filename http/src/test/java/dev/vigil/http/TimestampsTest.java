package dev.vigil.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The fast path gives what {@link Instant#parse} gives, or null to let it decide. */
class TimestampsTest {
  @ParameterizedTest
  @ValueSource(
      strings = {
        "2026-11-24T00:00:00Z",
        "2026-12-01T23:59:59Z",
        "1970-01-01T00:00:00Z",
        "1969-12-31T23:59:59Z",
        "0000-01-01T00:00:00Z",
        "9999-12-31T23:59:59Z",
        "2024-02-29T12:00:00Z",
        "2026-11-24T00:00:00.5Z",
        "2026-11-24T00:00:00.123456789Z",
        "2026-11-24T00:00:00.000001Z"
      })
  void usualFormIsReadAsInstantParseReadsIt(String s) {
    assertThat(Timestamps.parseUtc(s)).isEqualTo(Instant.parse(s));
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "2026-02-30T00:00:00Z",
        "2025-02-29T00:00:00Z",
        "2026-13-01T00:00:00Z",
        "2026-11-24T24:00:00Z",
        "2026-11-24T23:60:00Z",
        "2026-12-31T23:59:60Z",
        "2026-11-24T00:00:00.Z",
        "2026-11-24T00:00:00.1234567890Z",
        "2026-11-24T00:00:00+01:00",
        "2026-11-24 00:00:00Z",
        "2026-11-24T00:00:00z",
        "+2026-11-24T00:00:00Z",
        "2026-1a-24T00:00:00Z",
        "80%",
        ""
      })
  void anythingElseIsLeftToInstantParse(String s) {
    // Null: the source then asks Instant.parse, which reads some of them (an offset, a leap
    // second, "00.Z") and refuses the others, as it always did.
    assertThat(Timestamps.parseUtc(s)).isNull();
  }
}
