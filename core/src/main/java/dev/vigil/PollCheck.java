package dev.vigil;

import dev.vigil.internal.Labels;
import java.util.List;

/**
 * Checks what a source returned before the engine sees any of it: a {@code null} sample, or one
 * that sets a label the engine reserves, fails the whole poll with a {@link SourceException} of
 * kind {@link SourceException.Kind#BAD_DATA} naming its index, so that the source's health alert
 * fires and no alert of the source changes on a poll that was half wrong. Stateless.
 */
final class PollCheck {
  private PollCheck() {}

  /**
   * @throws SourceException naming the source, the index and what is wrong, for the first bad
   *     sample
   */
  static void check(String source, List<Sample> samples) throws SourceException {
    int size = samples.size();
    for (int i = 0; i < size; i++) {
      Sample s = samples.get(i);
      if (s == null) {
        throw badData(source + " returned a null sample at index " + i + " of " + size);
      }
      for (String reserved : Labels.RESERVED) {
        if (s.labels().containsKey(reserved)) {
          throw badData(
              source
                  + " returned a sample at index "
                  + i
                  + " (metric "
                  + s.metric()
                  + ", resource "
                  + s.resource()
                  + ") with the reserved label '"
                  + reserved
                  + "'; the engine sets "
                  + Labels.RESERVED
                  + " itself: rename it in the source");
        }
      }
    }
  }

  private static SourceException badData(String message) {
    return new SourceException(SourceException.Kind.BAD_DATA, message, null, -1, null, null);
  }
}
