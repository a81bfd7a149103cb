package dev.vigil.spring.boot;

import static java.util.Objects.requireNonNull;

import dev.vigil.Alert;
import dev.vigil.AlertTransition;
import dev.vigil.Matcher;
import dev.vigil.ResourceMonitor;
import dev.vigil.Silence;
import java.time.Clock;
import java.time.DateTimeException;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import org.springframework.boot.actuate.endpoint.Access;
import org.springframework.boot.actuate.endpoint.InvalidEndpointRequestException;
import org.springframework.boot.actuate.endpoint.annotation.DeleteOperation;
import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.actuate.endpoint.annotation.ReadOperation;
import org.springframework.boot.actuate.endpoint.annotation.Selector;
import org.springframework.boot.actuate.endpoint.annotation.WriteOperation;
import org.springframework.boot.convert.DurationStyle;

/**
 * The {@code vigil} actuator endpoint: reads the active alerts, their recent transitions and the
 * silences; creates a silence ({@code POST /actuator/vigil}) and expires one ({@code DELETE
 * /actuator/vigil/{id}}).
 *
 * <p><b>Security.</b> Like every actuator endpoint other than health, it is not exposed over HTTP
 * until {@code management.endpoints.web.exposure.include} names {@code vigil}. It is read-only by
 * default: its write and delete operations (a silence can mute every alert) need {@code
 * management.endpoint.vigil.access=unrestricted}, and then whatever Spring Security rules protect
 * {@code /actuator/**}.
 *
 * <p>Thread safe.
 */
@Endpoint(id = "vigil", defaultAccess = Access.READ_ONLY)
public class VigilEndpoint {
  /** The most transitions the read operation returns, newest first. */
  public static final int MAX_TRANSITIONS = 100;

  private final ResourceMonitor monitor;
  private final Clock clock;

  /**
   * Serves {@code monitor}; {@code clock} turns {@code endsAt} into the silence's duration.
   *
   * @throws NullPointerException if an argument is null
   */
  public VigilEndpoint(ResourceMonitor monitor, Clock clock) {
    this.monitor = requireNonNull(monitor, "monitor == null");
    this.clock = requireNonNull(clock, "clock == null");
  }

  /** Returns the active alerts, the transitions of those alerts (newest first) and the silences. */
  @ReadOperation
  public Map<String, Object> vigil() {
    List<Alert> alerts = monitor.activeAlerts();
    List<Map<String, Object>> active = new ArrayList<>();
    List<Map<String, Object>> transitions = new ArrayList<>();
    for (Alert a : alerts) {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("rule", a.rule());
      m.put("resource", a.resource());
      m.put("severity", a.severity().name());
      m.put("state", a.state().name());
      m.put("summary", a.summary());
      m.put("value", a.value());
      m.put("threshold", a.threshold());
      m.put("labels", a.labels());
      m.put("startsAt", a.startsAt().toString());
      m.put("lastEvaluatedAt", a.lastEvaluatedAt().toString());
      m.put("fingerprint", a.fingerprint());
      active.add(m);
      for (AlertTransition t : monitor.alertHistory(a.fingerprint())) {
        Map<String, Object> tm = new LinkedHashMap<>();
        tm.put("at", t.at().toString());
        tm.put("rule", a.rule());
        tm.put("resource", a.resource());
        tm.put("fingerprint", a.fingerprint());
        tm.put("from", t.from().name());
        tm.put("to", t.to().name());
        tm.put("value", t.value());
        tm.put("reason", t.reason());
        transitions.add(tm);
      }
    }
    transitions.sort(
        Comparator.comparing((Map<String, Object> t) -> Instant.parse((String) t.get("at")))
            .reversed());
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("activeAlerts", active);
    out.put("transitions", transitions.subList(0, Math.min(MAX_TRANSITIONS, transitions.size())));
    List<Map<String, Object>> silences = new ArrayList<>();
    for (Silence s : monitor.silences()) silences.add(describe(s));
    out.put("silences", silences);
    return out;
  }

  /**
   * Creates a silence of the alerts that match every matcher, for {@code duration} or until {@code
   * endsAt}.
   *
   * @param matchers matchers in Alertmanager syntax, comma-separated and optionally in braces, such
   *     as {@code resource="vm-1", severity=~"warning|critical"} (a string: the actuator's web
   *     binding takes no JSON arrays)
   * @param duration how long, such as {@code 2h} or {@code PT2H}; or give {@code endsAt}
   * @param endsAt when it ends, ISO-8601 such as {@code 2026-12-24T06:00:00Z}
   * @param comment why, for people
   * @param createdBy who, for people; optional
   * @return the silence, with its id
   * @throws InvalidEndpointRequestException (HTTP 400) if an argument is missing or invalid
   */
  @WriteOperation
  public Map<String, Object> createSilence(
      String matchers,
      @Nullable String duration,
      @Nullable String endsAt,
      String comment,
      @Nullable String createdBy) {
    List<Matcher> parsed = new ArrayList<>();
    try {
      for (String m : split(matchers)) parsed.add(Matcher.parse(m));
    } catch (IllegalArgumentException e) {
      throw invalid("matchers: " + e.getMessage());
    }
    if (parsed.isEmpty()) throw invalid("matchers: give at least one, such as resource=\"vm-1\"");
    if ((duration == null) == (endsAt == null)) {
      throw invalid("give one of duration (such as 2h) and endsAt (such as 2026-12-24T06:00:00Z)");
    }
    try {
      Silence s;
      if (duration != null) {
        Duration d = DurationStyle.detectAndParse(duration);
        s = monitor.silence(parsed, d, comment, createdBy);
      } else {
        Instant end = Instant.parse(requireNonNull(endsAt));
        s = monitor.silence(parsed, clock.instant(), end, comment, createdBy);
      }
      return describe(s);
    } catch (DateTimeParseException e) {
      throw invalid("endsAt is not an ISO-8601 instant: " + endsAt);
    } catch (DateTimeException | ArithmeticException e) {
      throw invalid("the silence would end beyond the last instant Java can represent");
    } catch (IllegalArgumentException e) {
      throw invalid(String.valueOf(e.getMessage()));
    }
  }

  /**
   * Expires the silence with {@code id} now.
   *
   * @return the id and whether a silence in force (or yet to start) had it
   */
  @DeleteOperation
  public Map<String, Object> expireSilence(@Selector String id) {
    for (Silence s : monitor.silences()) {
      if (s.id().equals(id)) {
        s.expire();
        return Map.of("id", id, "expired", true);
      }
    }
    return Map.of("id", id, "expired", false);
  }

  /**
   * Splits {@code {a="x", b=~"y,z"}} at the commas outside double quotes; the braces are optional.
   */
  static List<String> split(String matchers) {
    String text = matchers.strip();
    if (text.startsWith("{") && text.endsWith("}")) text = text.substring(1, text.length() - 1);
    List<String> out = new ArrayList<>();
    StringBuilder current = new StringBuilder();
    boolean quoted = false;
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (quoted && c == '\\' && i + 1 < text.length()) {
        current.append(c).append(text.charAt(++i));
        continue;
      }
      if (c == '"') quoted = !quoted;
      if (c == ',' && !quoted) {
        if (!current.toString().isBlank()) out.add(current.toString().strip());
        current.setLength(0);
      } else {
        current.append(c);
      }
    }
    if (!current.toString().isBlank()) out.add(current.toString().strip());
    return out;
  }

  private static InvalidEndpointRequestException invalid(String message) {
    return new InvalidEndpointRequestException(message, message);
  }

  private static Map<String, Object> describe(Silence s) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("id", s.id());
    List<String> matchers = new ArrayList<>();
    for (Matcher x : s.matchers()) matchers.add(x.toString());
    m.put("matchers", matchers);
    m.put("startsAt", s.startsAt().toString());
    m.put("endsAt", s.endsAt().toString());
    m.put("comment", s.comment());
    String by = s.createdBy();
    if (by != null) m.put("createdBy", by);
    return m;
  }
}
