package dev.vigil.alerts;

import static org.assertj.core.api.Assertions.assertThat;

import com.icegreen.greenmail.junit5.GreenMailExtension;
import dev.vigil.AlertRule;
import dev.vigil.Route;
import dev.vigil.testing.RuleTester;
import jakarta.mail.BodyPart;
import jakarta.mail.Part;
import jakarta.mail.internet.MimeMessage;
import jakarta.mail.internet.MimeMultipart;
import java.awt.Color;
import java.awt.image.BufferedImage;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The inline chart of {@link EmailAlertSink}'s HTML part, on notifications made by the engine
 * ({@link RuleTester}) and received by GreenMail: {@code multipart/related} inside the HTML
 * alternative (RFC 2387), the image named by {@code Content-ID} and {@code cid:} (RFC 2392), a PNG
 * of the documented size with the threshold line where the documented layout puts it.
 */
class EmailChartTest {
  @RegisterExtension
  static final GreenMailExtension greenMail = new GreenMailExtension(GreenMailSetups.smtp());

  private static final Pattern IMG_SRC = Pattern.compile("<img src=\"cid:([^\"]+)\"");

  private static EmailAlertSink.Builder sink() {
    return EmailAlertSink.builder()
        .smtpHost("127.0.0.1")
        .smtpPort(greenMail.getSmtp().getPort())
        .security(EmailAlertSink.Security.NONE)
        .from("vigil@example.com")
        .to("oncall@example.com")
        .html(true);
  }

  private static AlertRule highCpu(Duration forDuration) {
    return AlertRule.builder("HighCpu")
        .metric("cpu_usage")
        .above(80)
        .forDuration(forDuration)
        .summary("CPU usage on {resource} is {value}%")
        .build();
  }

  /** Runs the script through the engine with {@code sink} as one of its sinks. */
  private static void run(EmailAlertSink sink, AlertRule rule, String values) {
    try (RuleTester tester =
        RuleTester.builder()
            .rule(rule)
            .series("cpu_usage", "vm-1", values)
            .sink("email", sink)
            .build()) {
      tester.run();
    }
  }

  /** The email's parts, depth first, the multiparts themselves included. */
  private static List<Part> parts(Part part) throws Exception {
    List<Part> all = new ArrayList<>();
    all.add(part);
    if (part.getContent() instanceof MimeMultipart multipart) {
      for (int i = 0; i < multipart.getCount(); i++) all.addAll(parts(multipart.getBodyPart(i)));
    }
    return all;
  }

  private static String htmlOf(MimeMessage email) throws Exception {
    for (Part p : parts(email)) {
      if (p.isMimeType("text/html")) return (String) p.getContent();
    }
    throw new AssertionError("no text/html part");
  }

  private static List<String> cids(String html) {
    List<String> cids = new ArrayList<>();
    Matcher m = IMG_SRC.matcher(html);
    while (m.find()) cids.add(m.group(1));
    return cids;
  }

  private static BodyPart imageWithContentId(MimeMessage email, String cid) throws Exception {
    MimeMultipart alternative = (MimeMultipart) email.getContent();
    assertThat(email.getContentType()).startsWith("multipart/alternative");
    assertThat(alternative.getCount()).isEqualTo(2);
    assertThat(alternative.getBodyPart(0).isMimeType("text/plain")).isTrue();
    BodyPart htmlSide = alternative.getBodyPart(1);
    assertThat(htmlSide.getContentType()).startsWith("multipart/related");
    MimeMultipart related = (MimeMultipart) htmlSide.getContent();
    assertThat(related.getBodyPart(0).isMimeType("text/html")).as("HTML first").isTrue();
    for (int i = 1; i < related.getCount(); i++) {
      BodyPart p = related.getBodyPart(i);
      String[] ids = p.getHeader("Content-ID");
      if (ids != null && Arrays.asList(ids).contains("<" + cid + ">")) return p;
    }
    throw new AssertionError("no part with Content-ID <" + cid + ">");
  }

  private static int distance(int rgb, Color c) {
    Color p = new Color(rgb);
    return Math.abs(p.getRed() - c.getRed())
        + Math.abs(p.getGreen() - c.getGreen())
        + Math.abs(p.getBlue() - c.getBlue());
  }

  /** How many pixels of {@code row} inside the plot area have exactly the colour {@code c}. */
  private static int exactInRow(BufferedImage image, int row, Color c) {
    int n = 0;
    for (int x = EmailChart.PLOT_LEFT; x < EmailChart.WIDTH - EmailChart.RIGHT_MARGIN; x++) {
      if ((image.getRGB(x, row) & 0xFFFFFF) == (c.getRGB() & 0xFFFFFF)) n++;
    }
    return n;
  }

  /** The rows holding pixels within a small distance of {@code c}, in the plot area. */
  private static List<Integer> rowsNear(BufferedImage image, Color c) {
    List<Integer> rows = new ArrayList<>();
    for (int y = EmailChart.PLOT_TOP; y <= EmailChart.HEIGHT - EmailChart.BOTTOM_MARGIN; y++) {
      for (int x = EmailChart.PLOT_LEFT; x < EmailChart.WIDTH - EmailChart.RIGHT_MARGIN; x++) {
        if (distance(image.getRGB(x, y), c) < 40) {
          rows.add(y);
          break;
        }
      }
    }
    return rows;
  }

  @Test
  void inlinePngIsReferencedByContentIdAndShowsTheThresholdWhereTheLayoutPutsIt() throws Exception {
    EmailAlertSink sink = sink().build();
    // for 1m: pending at 85, FIRING at 90 with [85, 90], RESOLVED at 60 with [85 .. 60]
    run(sink, highCpu(Duration.ofMinutes(1)), "10 85 90 100 97 60");
    assertThat(greenMail.waitForIncomingEmail(5_000, 2)).isTrue();
    MimeMessage resolved = greenMail.getReceivedMessages()[1];
    assertThat(resolved.getSubject()).startsWith("[Vigil] RESOLVED");

    String html = htmlOf(resolved);
    List<String> cids = cids(html);
    assertThat(cids).hasSize(1);
    assertThat(html).contains("width=\"600\" height=\"200\"");
    BodyPart image = imageWithContentId(resolved, cids.get(0));
    assertThat(image.isMimeType("image/png")).isTrue();
    assertThat(image.getDisposition()).isEqualTo(Part.INLINE);
    BufferedImage png = ImageIO.read(image.getInputStream());
    assertThat(png).as("decodable PNG").isNotNull();
    assertThat(png.getWidth()).isEqualTo(EmailChart.WIDTH).isEqualTo(600);
    assertThat(png.getHeight()).isEqualTo(EmailChart.HEIGHT).isEqualTo(200);

    // Values 85 90 100 97 60, threshold 80: the plot's top row (16) is 100, its bottom row
    // (200 - 28 = 172) is 60, so 80 is half way down: row 94.
    int row = 16 + (172 - 16) / 2;
    int plotWidth = EmailChart.WIDTH - EmailChart.RIGHT_MARGIN - EmailChart.PLOT_LEFT;
    assertThat(exactInRow(png, row, EmailChart.THRESHOLD))
        .as("threshold line in row %d", row)
        .isGreaterThan(plotWidth * 9 / 10);
    for (int other : List.of(row - 3, row - 2, row + 2, row + 3)) {
      assertThat(exactInRow(png, other, EmailChart.THRESHOLD))
          .as("row %d", other)
          .isLessThan(plotWidth / 10);
    }
    // The breach (above 80) is red, the rest blue.
    List<Integer> red = rowsNear(png, EmailChart.BREACH);
    List<Integer> blue = rowsNear(png, EmailChart.NORMAL);
    assertThat(red).isNotEmpty().allMatch(y -> y <= row + 3);
    assertThat(blue).isNotEmpty().allMatch(y -> y >= row - 3);
    assertThat(blue).anyMatch(y -> y > 160); // the 60 at the bottom
  }

  @Test
  void noChartWithFewerThanTwoValues() throws Exception {
    EmailAlertSink sink = sink().build();
    // for 0: FIRING at 90 with [90] (no chart), RESOLVED at 40 with [90, 95, 40] (a chart)
    run(sink, highCpu(Duration.ZERO), "10 90 95 40");
    assertThat(greenMail.waitForIncomingEmail(5_000, 2)).isTrue();
    MimeMessage firing = greenMail.getReceivedMessages()[0];
    assertThat(firing.getSubject()).startsWith("[Vigil] FIRING");
    assertThat(cids(htmlOf(firing))).isEmpty();
    assertThat(parts(firing)).noneMatch(p -> isMimeType(p, "image/png"));
    assertThat(parts(firing)).noneMatch(p -> isMimeType(p, "multipart/related"));
    assertThat(cids(htmlOf(greenMail.getReceivedMessages()[1]))).hasSize(1);
  }

  @Test
  void noChartWithoutHtml() throws Exception {
    EmailAlertSink sink = sink().html(false).build();
    run(sink, highCpu(Duration.ZERO), "10 90 95 40");
    assertThat(greenMail.waitForIncomingEmail(5_000, 2)).isTrue();
    MimeMessage resolved = greenMail.getReceivedMessages()[1];
    assertThat(resolved.isMimeType("text/plain")).isTrue();
    assertThat(parts(resolved)).hasSize(1);
  }

  @Test
  void aTemplateThatLeavesTheChartOutGetsNoImagePart() throws Exception {
    EmailTemplate noChart =
        new EmailTemplate() {
          @Override
          public String html(AlertValues a) {
            return "<p>" + a.summary() + "</p>";
          }
        };
    run(sink().template(noChart).build(), highCpu(Duration.ZERO), "10 90 95 40");
    assertThat(greenMail.waitForIncomingEmail(5_000, 2)).isTrue();
    MimeMessage resolved = greenMail.getReceivedMessages()[1];
    assertThat(htmlOf(resolved)).isEqualTo("<p>CPU usage on vm-1 is 40%</p>");
    assertThat(parts(resolved)).noneMatch(p -> isMimeType(p, "image/png"));
  }

  @Test
  void aChartThatCannotBeDrawnIsLoggedOnceAndTheEmailGoesWithoutIt() throws Exception {
    try (CapturedStderr err = new CapturedStderr()) {
      EmailAlertSink sink =
          sink()
              .chartDrawer(
                  n -> {
                    throw new InternalError("Fontconfig head is null");
                  })
              .build();
      // for 1m: FIRING with [85, 90] and RESOLVED with [85, 90, 40]: two charts to draw
      run(sink, highCpu(Duration.ofMinutes(1)), "10 85 90 40");
      assertThat(greenMail.waitForIncomingEmail(5_000, 2)).isTrue();
      for (MimeMessage email : greenMail.getReceivedMessages()) {
        assertThat(cids(htmlOf(email))).isEmpty();
        assertThat(parts(email)).noneMatch(p -> isMimeType(p, "image/png"));
      }
      assertThat(err.linesOf(EmailAlertSink.class.getName()))
          .filteredOn(l -> l.contains("Could not draw the chart"))
          .singleElement()
          .satisfies(l -> assertThat(l).startsWith("[").contains("WARN"));
      assertThat(err.text()).contains("Fontconfig head is null");
    }
  }

  @Test
  void aGroupOfFiftyFromTheEngineIsOneDigestWithAtMostThreeCharts() throws Exception {
    EmailAlertSink sink = sink().build();
    RuleTester.Builder b =
        RuleTester.builder()
            .rule(highCpu(Duration.ofMinutes(1)))
            .sink("email", sink)
            .monitor(
                m ->
                    m.route(
                        Route.builder()
                            .sinks(RuleTester.SINK_NAME, "email")
                            .groupBy("alertname")
                            .groupWait(Duration.ofSeconds(30))
                            .build()));
    for (int i = 0; i < 50; i++) b.series("cpu_usage", String.format("vm-%02d", i), "85 90 95");
    try (RuleTester tester = b.build()) {
      tester.run();
    }
    assertThat(greenMail.waitForIncomingEmail(5_000, 1)).isTrue();
    MimeMessage[] received = greenMail.getReceivedMessages();
    assertThat(received).hasSize(1);
    MimeMessage digest = received[0];
    assertThat(digest.getSubject()).isEqualTo("[Vigil] 50 alerts: 50 FIRING (alertname=HighCpu)");
    String html = htmlOf(digest);
    for (int i = 0; i < 50; i++) assertThat(html).contains(String.format("HighCpu on vm-%02d", i));
    List<String> cids = cids(html);
    assertThat(cids).hasSize(EmailAlertSink.MAX_DIGEST_CHARTS).doesNotHaveDuplicates();
    for (String cid : cids) {
      BufferedImage png = ImageIO.read(imageWithContentId(digest, cid).getInputStream());
      assertThat(png.getWidth()).isEqualTo(600);
    }
    assertThat(parts(digest).stream().filter(p -> isMimeType(p, "image/png"))).hasSize(3);
    assertThat(digest.getSize()).as("bytes").isLessThan(200_000);
  }

  private static boolean isMimeType(Part p, String type) {
    try {
      return p.isMimeType(type);
    } catch (jakarta.mail.MessagingException e) {
      throw new IllegalStateException(e);
    }
  }
}
