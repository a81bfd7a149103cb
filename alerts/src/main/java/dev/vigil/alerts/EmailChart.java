package dev.vigil.alerts;

import dev.vigil.AlertNotification;
import dev.vigil.internal.Templates;
import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.FontMetrics;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.geom.Ellipse2D;
import java.awt.geom.Line2D;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import javax.imageio.ImageIO;
import javax.imageio.ImageWriter;
import javax.imageio.stream.MemoryCacheImageOutputStream;

/**
 * Draws a notification's {@link AlertNotification#recentValues()} as a PNG line chart with the
 * threshold line, for {@link EmailAlertSink}'s HTML part. Java2D on a {@link BufferedImage}, which
 * needs no display.
 *
 * <p><b>Layout</b> ({@value #WIDTH}×{@value #HEIGHT} pixels, white): the plot area spans columns
 * {@value #PLOT_LEFT} to {@code WIDTH - }{@value #RIGHT_MARGIN} and rows {@value #PLOT_TOP} to
 * {@code HEIGHT - }{@value #BOTTOM_MARGIN}; its top row is the largest of the values and the
 * threshold, its bottom row the smallest (both written in the left margin), time runs left to right
 * (first and last time, UTC, under the plot). The threshold is a one-pixel row of {@link
 * #THRESHOLD} orange across the plot area, labelled at its right end. The values are a two-pixel
 * line, {@link #NORMAL} blue where they are on the safe side of the threshold and {@link #BREACH}
 * red, with a dot per value, where they breach it. The breaching side is that of the first value,
 * which the engine records at the first breach (for {@code outside(lo, hi)} rules only the side of
 * the notification's threshold is known).
 *
 * <p>Stateless and thread safe; each call draws a new image.
 */
final class EmailChart {
  /** Width of every chart in pixels. */
  static final int WIDTH = 600;

  /** Height of every chart in pixels. */
  static final int HEIGHT = 200;

  static final int PLOT_LEFT = 64;
  static final int RIGHT_MARGIN = 16;
  static final int PLOT_TOP = 16;
  static final int BOTTOM_MARGIN = 28;

  static final Color THRESHOLD = new Color(0xE6, 0x51, 0x00);
  static final Color NORMAL = new Color(0x15, 0x65, 0xC0);
  static final Color BREACH = new Color(0xC6, 0x28, 0x28);
  private static final Color AXIS = new Color(0xBD, 0xBD, 0xBD);
  private static final Color LABEL = new Color(0x42, 0x42, 0x42);

  private static final DateTimeFormatter TIME =
      DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm", Locale.ROOT).withZone(ZoneOffset.UTC);

  static {
    // Java2D on a BufferedImage needs no display; headless mode also keeps the JDK from starting
    // a desktop toolkit (a Dock icon on macOS). A host's own setting, either way, is kept.
    try {
      if (System.getProperty("java.awt.headless") == null) {
        System.setProperty("java.awt.headless", "true");
      }
    } catch (SecurityException e) {
      // a security manager forbids it: draw with whatever mode the JDK picks
    }
  }

  private EmailChart() {}

  /** True if {@code n} has enough values for a chart: at least two. */
  static boolean hasChart(AlertNotification n) {
    return n.recentValues().size() >= 2;
  }

  /**
   * Returns the PNG of {@code n}'s chart.
   *
   * @throws IllegalArgumentException if {@code n} has fewer than two recent values
   * @throws IOException if the PNG could not be written
   */
  static byte[] png(AlertNotification n) throws IOException {
    BufferedImage image = draw(n);
    ByteArrayOutputStream bytes = new ByteArrayOutputStream(16 * 1024);
    Iterator<ImageWriter> writers = ImageIO.getImageWritersByFormatName("png");
    if (!writers.hasNext()) throw new IOException("this JDK has no PNG writer");
    ImageWriter writer = writers.next();
    // A memory cache, not ImageIO's default temporary file, and no change to ImageIO's settings.
    try (MemoryCacheImageOutputStream out = new MemoryCacheImageOutputStream(bytes)) {
      writer.setOutput(out);
      writer.write(image);
    } finally {
      writer.dispose();
    }
    return bytes.toByteArray();
  }

  /** Draws the chart of {@code n}. */
  static BufferedImage draw(AlertNotification n) {
    List<AlertNotification.Point> points = n.recentValues();
    if (points.size() < 2) {
      throw new IllegalArgumentException("a chart needs 2 values, got " + points.size());
    }
    double threshold = n.threshold();
    double lo = threshold;
    double hi = threshold;
    for (AlertNotification.Point p : points) {
      lo = Math.min(lo, p.value());
      hi = Math.max(hi, p.value());
    }
    if (hi == lo) {
      lo -= 1;
      hi += 1;
    }
    boolean above = points.get(0).value() >= threshold;
    Scale scale = new Scale(points, lo, hi);

    BufferedImage image = new BufferedImage(WIDTH, HEIGHT, BufferedImage.TYPE_INT_RGB);
    Graphics2D g = image.createGraphics();
    try {
      g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
      g.setRenderingHint(
          RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
      g.setRenderingHint(RenderingHints.KEY_STROKE_CONTROL, RenderingHints.VALUE_STROKE_PURE);
      g.setColor(Color.WHITE);
      g.fillRect(0, 0, WIDTH, HEIGHT);

      int right = WIDTH - RIGHT_MARGIN;
      int bottom = HEIGHT - BOTTOM_MARGIN;
      g.setColor(AXIS);
      g.fillRect(PLOT_LEFT - 1, PLOT_TOP, 1, bottom - PLOT_TOP + 1);
      g.fillRect(PLOT_LEFT - 1, bottom, right - PLOT_LEFT + 1, 1);

      // The threshold first, a pixel-aligned rectangle so that it stays one crisp row.
      int thresholdRow = thresholdRow(threshold, lo, hi);
      g.setColor(THRESHOLD);
      g.fillRect(PLOT_LEFT, thresholdRow, right - PLOT_LEFT, 1);

      g.setStroke(new BasicStroke(2f, BasicStroke.CAP_ROUND, BasicStroke.JOIN_ROUND));
      for (int i = 1; i < points.size(); i++) {
        segment(g, scale, points.get(i - 1), points.get(i), i - 1, threshold, above);
      }
      g.setColor(BREACH);
      for (int i = 0; i < points.size(); i++) {
        double v = points.get(i).value();
        if (breaches(v, threshold, above)) {
          g.fill(new Ellipse2D.Double(scale.x(i) - 2.5, scale.y(v) - 2.5, 5, 5));
        }
      }

      g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 11));
      FontMetrics fm = g.getFontMetrics();
      g.setColor(LABEL);
      String max = Templates.formatNumber(hi);
      String min = Templates.formatNumber(lo);
      g.drawString(max, PLOT_LEFT - 6 - fm.stringWidth(max), PLOT_TOP + fm.getAscent() / 2);
      g.drawString(min, PLOT_LEFT - 6 - fm.stringWidth(min), bottom + fm.getAscent() / 2);
      int baseline = bottom + 4 + fm.getAscent();
      g.drawString(TIME.format(points.get(0).at()), PLOT_LEFT, baseline);
      String end = TIME.format(points.get(points.size() - 1).at()) + " UTC";
      g.drawString(end, right - fm.stringWidth(end), baseline);
      g.setColor(THRESHOLD);
      String label = "threshold " + Templates.formatNumber(threshold);
      int labelY =
          thresholdRow - 3 < PLOT_TOP + fm.getAscent()
              ? thresholdRow + 3 + fm.getAscent()
              : thresholdRow - 3;
      g.drawString(label, right - fm.stringWidth(label) - 2, labelY);
    } finally {
      g.dispose();
    }
    return image;
  }

  /** The row of the threshold line: the plot's top row is {@code hi}, its bottom row {@code lo}. */
  static int thresholdRow(double threshold, double lo, double hi) {
    int bottom = HEIGHT - BOTTOM_MARGIN;
    return (int) Math.round(PLOT_TOP + (hi - threshold) / (hi - lo) * (bottom - PLOT_TOP));
  }

  private static boolean breaches(double v, double threshold, boolean above) {
    return above ? v > threshold : v < threshold;
  }

  /** Draws one segment, red beyond the threshold and blue before it, split where it crosses. */
  private static void segment(
      Graphics2D g,
      Scale s,
      AlertNotification.Point a,
      AlertNotification.Point b,
      int i,
      double threshold,
      boolean above) {
    double x1 = s.x(i);
    double y1 = s.y(a.value());
    double x2 = s.x(i + 1);
    double y2 = s.y(b.value());
    boolean aBreach = breaches(a.value(), threshold, above);
    boolean bBreach = breaches(b.value(), threshold, above);
    if (aBreach == bBreach) {
      g.setColor(aBreach ? BREACH : NORMAL);
      g.draw(new Line2D.Double(x1, y1, x2, y2));
      return;
    }
    double t = (threshold - a.value()) / (b.value() - a.value());
    double xc = x1 + t * (x2 - x1);
    double yc = y1 + t * (y2 - y1);
    g.setColor(aBreach ? BREACH : NORMAL);
    g.draw(new Line2D.Double(x1, y1, xc, yc));
    g.setColor(bBreach ? BREACH : NORMAL);
    g.draw(new Line2D.Double(xc, yc, x2, y2));
  }

  /**
   * Maps values to rows and points to columns: by time when the points span some time, else evenly
   * by index (times that never advanced, as after a clock step back).
   */
  private static final class Scale {
    private final List<AlertNotification.Point> points;
    private final double lo;
    private final double hi;
    private final Instant first;
    private final long spanMillis;

    Scale(List<AlertNotification.Point> points, double lo, double hi) {
      this.points = points;
      this.lo = lo;
      this.hi = hi;
      this.first = points.get(0).at();
      this.spanMillis = points.get(points.size() - 1).at().toEpochMilli() - first.toEpochMilli();
    }

    double x(int i) {
      double width = WIDTH - RIGHT_MARGIN - PLOT_LEFT;
      double f =
          spanMillis > 0
              ? (points.get(i).at().toEpochMilli() - first.toEpochMilli()) / (double) spanMillis
              : i / (double) (points.size() - 1);
      return PLOT_LEFT + f * width;
    }

    double y(double v) {
      double height = HEIGHT - BOTTOM_MARGIN - PLOT_TOP;
      return PLOT_TOP + (hi - v) / (hi - lo) * height;
    }
  }
}
