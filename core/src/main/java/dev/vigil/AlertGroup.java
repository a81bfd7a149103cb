package dev.vigil;

import static java.util.Objects.requireNonNull;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;

/**
 * Several notifications sent to a sink together: the alerts of one route that share the route's
 * {@code groupBy} labels ({@link Kind#GROUP}), or what a sink's budget held back ({@link
 * Kind#DIGEST}). Only an {@link AlertGroupSink} receives groups; a plain {@link AlertSink} receives
 * their notifications one at a time.
 *
 * <p>Immutable and thread safe.
 *
 * @param kind why these notifications travel together
 * @param groupKey identifies the group across flushes: the route and the values of its {@code
 *     groupBy} labels, as in Alertmanager ({@code {}/{severity="critical"}:{alertname="HighCpu"}});
 *     a digest's key is {@code budget:<sink>}
 * @param groupLabels the {@code groupBy} labels and their values shared by every notification;
 *     empty for a digest
 * @param notifications the notifications, in the order the engine made them (a RESOLVED never
 *     before its FIRING); never empty
 * @param at when the group was flushed
 */
public record AlertGroup(
    Kind kind,
    String groupKey,
    Map<String, String> groupLabels,
    List<AlertNotification> notifications,
    Instant at) {

  /** Why notifications travel together. */
  public enum Kind {
    /** One route's notifications with the same {@code groupBy} labels, batched by its timers. */
    GROUP,
    /** What a sink's budget held back, sent at once when the budget refilled. */
    DIGEST
  }

  /**
   * Validates and copies the components.
   *
   * @throws NullPointerException if a component is null
   * @throws IllegalArgumentException if {@code notifications} is empty
   */
  public AlertGroup {
    requireNonNull(kind, "kind == null");
    requireNonNull(groupKey, "groupKey == null");
    groupLabels = dev.vigil.internal.Labels.sortedCopy(groupLabels);
    notifications = List.copyOf(notifications);
    requireNonNull(at, "at == null");
    if (notifications.isEmpty()) throw new IllegalArgumentException("a group is never empty");
  }

  /** How many of the notifications are about alerts that fire ({@link AlertStatus#FIRING}). */
  public int firing() {
    int n = 0;
    for (AlertNotification a : notifications) if (a.status() == AlertStatus.FIRING) n++;
    return n;
  }

  /** How many of the notifications are resolutions. */
  public int resolved() {
    return notifications.size() - firing();
  }

  /**
   * Returns a key that is the same for every delivery attempt of this group, also after a restart,
   * and differs between groups: a hash of the group key and the notifications' {@link
   * AlertNotification#idempotencyKey()}s. Receivers de-duplicate on it.
   */
  public String idempotencyKey() {
    MessageDigest sha;
    try {
      sha = MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is missing from this JDK", e);
    }
    sha.update(groupKey.getBytes(StandardCharsets.UTF_8));
    for (AlertNotification n : notifications) {
      sha.update((byte) 0);
      sha.update(n.idempotencyKey().getBytes(StandardCharsets.UTF_8));
    }
    return "group-" + HexFormat.of().formatHex(sha.digest(), 0, 16);
  }
}
