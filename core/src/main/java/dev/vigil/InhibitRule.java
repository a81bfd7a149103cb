package dev.vigil;

import static java.util.Objects.requireNonNull;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * Mutes the notifications of alerts matching the target matchers while an alert matching the source
 * matchers fires with the same values of the {@code equal} labels: Alertmanager's <a
 * href="https://prometheus.io/docs/alerting/latest/configuration/#inhibit_rule">{@code
 * inhibit_rule}</a>. A label missing from an alert counts as empty, so two alerts without it are
 * equal on it, as in Alertmanager. An alert never inhibits itself.
 *
 * <pre>{@code
 * InhibitRule.builder()
 *     .sourceMatchers(Matcher.equal("alertname", "DatacenterDown"))
 *     .targetMatchers(Matcher.regex("severity", "warning|critical"))
 *     .equal("datacenter")
 *     .build();
 * }</pre>
 *
 * <p>{@link #DEFAULT}, used when none is configured: a firing critical alert mutes the warning and
 * info notifications of its resource. Immutable and thread safe.
 */
public final class InhibitRule {
  /**
   * {@code source_matchers: [severity="critical"], target_matchers: [severity=~"warning|info"],
   * equal: [resource]}.
   */
  public static final InhibitRule DEFAULT =
      builder()
          .sourceMatchers(Matcher.equal("severity", "critical"))
          .targetMatchers(Matcher.regex("severity", "warning|info"))
          .equal("resource")
          .build();

  private final List<Matcher> sourceMatchers;
  private final List<Matcher> targetMatchers;
  private final List<String> equal;

  private InhibitRule(Builder b) {
    this.sourceMatchers = List.copyOf(b.sourceMatchers);
    this.targetMatchers = List.copyOf(b.targetMatchers);
    this.equal = List.copyOf(b.equal);
  }

  /** Returns a new builder. */
  public static Builder builder() {
    return new Builder();
  }

  /** Returns the matchers an inhibiting alert must match, all of them. */
  public List<Matcher> sourceMatchers() {
    return sourceMatchers;
  }

  /** Returns the matchers an inhibited alert must match, all of them. */
  public List<Matcher> targetMatchers() {
    return targetMatchers;
  }

  /** Returns the labels that must have equal values in the source and the target. */
  public List<String> equal() {
    return equal;
  }

  boolean isSource(Map<String, String> labels) {
    return matchesAll(sourceMatchers, labels);
  }

  boolean isTarget(Map<String, String> labels) {
    return matchesAll(targetMatchers, labels);
  }

  /** Whether an alert with {@code source} labels inhibits one with {@code target} labels. */
  boolean inhibits(Map<String, String> source, Map<String, String> target) {
    if (!matchesAll(sourceMatchers, source) || !matchesAll(targetMatchers, target)) return false;
    for (String name : equal) {
      if (!source.getOrDefault(name, "").equals(target.getOrDefault(name, ""))) return false;
    }
    return true;
  }

  private static boolean matchesAll(List<Matcher> matchers, Map<String, String> labels) {
    for (Matcher m : matchers) {
      if (!m.matches(labels)) return false;
    }
    return true;
  }

  @Override
  public boolean equals(@Nullable Object o) {
    return o instanceof InhibitRule r
        && r.sourceMatchers.equals(sourceMatchers)
        && r.targetMatchers.equals(targetMatchers)
        && r.equal.equals(equal);
  }

  @Override
  public int hashCode() {
    return Objects.hash(sourceMatchers, targetMatchers, equal);
  }

  @Override
  public String toString() {
    return "InhibitRule{source="
        + sourceMatchers
        + ", target="
        + targetMatchers
        + ", equal="
        + equal
        + "}";
  }

  /** Builds an {@link InhibitRule}. Not thread safe. */
  public static final class Builder {
    private final List<Matcher> sourceMatchers = new ArrayList<>();
    private final List<Matcher> targetMatchers = new ArrayList<>();
    private final List<String> equal = new ArrayList<>();

    private Builder() {}

    /**
     * Adds matchers that an inhibiting alert must match.
     *
     * @throws NullPointerException if a matcher is null
     */
    public Builder sourceMatchers(Matcher... matchers) {
      for (Matcher m : matchers) sourceMatchers.add(requireNonNull(m, "sourceMatcher == null"));
      return this;
    }

    /**
     * Adds matchers that an inhibited alert must match.
     *
     * @throws NullPointerException if a matcher is null
     */
    public Builder targetMatchers(Matcher... matchers) {
      for (Matcher m : matchers) targetMatchers.add(requireNonNull(m, "targetMatcher == null"));
      return this;
    }

    /**
     * Adds label names whose values must be equal in the source and the target alert.
     *
     * @throws NullPointerException if a name is null
     * @throws IllegalArgumentException if a name is blank
     */
    public Builder equal(String... labels) {
      for (String l : labels) {
        requireNonNull(l, "equal label == null");
        if (l.isBlank()) throw new IllegalArgumentException("equal label is blank");
        equal.add(l);
      }
      return this;
    }

    /**
     * Builds the rule.
     *
     * @throws IllegalStateException if there is no source matcher or no target matcher
     */
    public InhibitRule build() {
      if (sourceMatchers.isEmpty()) {
        throw new IllegalStateException("inhibit rule without sourceMatchers: it would match all");
      }
      if (targetMatchers.isEmpty()) {
        throw new IllegalStateException("inhibit rule without targetMatchers: it would match all");
      }
      return new InhibitRule(this);
    }
  }
}
