package dev.vigil.alerts;

import static java.util.Objects.requireNonNull;

import dev.vigil.AlertGroup;
import dev.vigil.AlertGroupSink;
import dev.vigil.AlertNotification;
import dev.vigil.NotificationType;
import dev.vigil.PermanentDeliveryException;
import dev.vigil.alerts.EmailTemplates.Part;
import dev.vigil.internal.Durations;
import dev.vigil.internal.LogThrottle;
import dev.vigil.internal.NamedThreadFactory;
import dev.vigil.internal.Templates;
import dev.vigil.internal.Throwables;
import jakarta.activation.DataHandler;
import jakarta.mail.Address;
import jakarta.mail.AuthenticationFailedException;
import jakarta.mail.Message;
import jakarta.mail.MessagingException;
import jakarta.mail.SendFailedException;
import jakarta.mail.Session;
import jakarta.mail.Transport;
import jakarta.mail.internet.AddressException;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeBodyPart;
import jakarta.mail.internet.MimeMessage;
import jakarta.mail.internet.MimeMultipart;
import jakarta.mail.util.ByteArrayDataSource;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Properties;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;
import java.util.regex.Pattern;
import javax.net.ssl.SSLSocketFactory;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends one email per notification (or one digest per group) over SMTP, with Jakarta Mail: plain
 * text, and with {@link Builder#html(boolean) html(true)} an HTML part with a chart of the metric's
 * recent values.
 *
 * <pre>{@code
 * EmailAlertSink email = EmailAlertSink.builder()
 *     .smtpHost("smtp.example.com")
 *     .credentials("alerts@example.com", password)
 *     .from("vigil@example.com")
 *     .to("oncall@example.com", "ops@example.com")
 *     .build();
 * }</pre>
 *
 * <p><b>Messages.</b> The subject says why the email was sent, with the {@link NotificationType}:
 * {@code [Vigil] FIRING WARNING HighCpu on vm-000001: CPU usage on vm-000001 is 92.4%}, {@code
 * [Vigil] REMINDER WARNING ...}, {@code [Vigil] SEVERITY_CHANGED CRITICAL ...}, {@code [Vigil]
 * RESOLVED ...}. The UTF-8 plain-text body holds the summary, the rule's description (a runbook
 * link, say), then status, type, severity, rule, resource, value, threshold, start (and end) time,
 * every label and the fingerprint. An {@link EmailTemplate} set with {@link
 * Builder#template(EmailTemplate)} replaces any of the subject, text and HTML; the values it gets
 * are escaped for the part it writes.
 *
 * <p><b>HTML and chart.</b> With {@link Builder#html(boolean) html(true)} the email is {@code
 * multipart/alternative}: the text, then the HTML (the same content as tables, every value from the
 * alert HTML-escaped). When the notification has at least two {@link
 * AlertNotification#recentValues()}, the HTML alternative is a {@code multipart/related} of the
 * HTML and an inline PNG chart ({@code Content-Disposition: inline}, {@code Content-ID:
 * <chart0.FINGERPRINT.STARTS_AT_MILLIS@vigil>}) that the HTML shows with {@code <img
 * src="cid:...">}: 600×200 pixels, the values as a line (red where they breach, blue where not),
 * the threshold as an orange line, the largest and smallest value and the first and last time as
 * labels. A digest carries at most {@value #MAX_DIGEST_CHARTS} charts, for its first alerts that
 * have values. The chart is drawn with Java2D into a {@code BufferedImage}, which needs no display;
 * unless the host set {@code java.awt.headless}, the first chart sets it to {@code true}. A chart
 * that cannot be drawn (a JDK without fonts or without the {@code java.desktop} module) is logged
 * at WARN once and the email goes without it: a chart never makes a delivery fail.
 *
 * <p><b>Threading.</b> Every email has a {@code Message-ID} of its own (mail systems drop a message
 * whose id they have already seen). The {@code FIRING} email's id is derived from the alert's
 * fingerprint and start time, {@code <FINGERPRINT.STARTS_AT_MILLIS@vigil>}, so a retried delivery
 * of the same firing keeps its id. Every later email about that alert, {@code REMINDER}, {@code
 * SEVERITY_CHANGED}, {@code NO_DATA}, {@code FLAPPING_*} and {@code RESOLVED}, gets a new random id
 * and names the firing email's id in {@code In-Reply-To} and {@code References}, so mail clients
 * show them in one thread.
 *
 * <p><b>Security.</b> {@link Security#STARTTLS} (the default) refuses to send unless the server
 * upgrades the connection to TLS; {@link Security#SMTPS} speaks TLS from the first byte. The server
 * certificate and the server's identity ({@code mail.smtp.ssl.checkserveridentity}) are always
 * verified; to trust a private CA, pass an {@link SSLSocketFactory} built from it. The sink never
 * falls back to another socket factory when the connection fails. Text from alerts (labels,
 * summaries) never reaches a header unsanitized: CR, LF and other control characters are replaced,
 * so a label cannot add headers or recipients. The password never appears in {@link #toString()},
 * in exception messages (nor in their causes) or in logs; should a server echo it, raw or
 * Base64-encoded as {@code AUTH LOGIN} and {@code AUTH PLAIN} send it, it is replaced by {@code
 * ****} before the text is escaped or shortened.
 *
 * <p><b>Failure.</b> {@link #deliver} either sends the email or throws a {@link MessagingException}
 * naming the SMTP server and the innermost cause, such as a certificate that does not match the
 * host (the monitor then retries); connecting, reading and writing are bounded by the configured
 * timeouts. A 5xx reply (RFC 5321 section 4.2.1: permanent negative completion, such as 550 mailbox
 * unavailable or 535 authentication failed) throws {@link PermanentDeliveryException} instead,
 * which is not retried; 4xx replies and connection failures stay transient. Once the server
 * accepted the message (250 after {@code DATA}) it is delivered: a failing {@code QUIT} or
 * connection close afterwards is logged at DEBUG, never reported as a failure (a retry would send
 * the email again). When the server accepts some recipients and rejects others, the email goes to
 * those it accepted, the delivery counts as done, and the rejected recipients are logged at WARN.
 *
 * <p><b>Groups.</b> As an {@link AlertGroupSink} the sink sends one digest email per {@link
 * AlertGroup}: the subject says how many alerts fire and resolve ({@code [Vigil] 50 alerts: 50
 * FIRING (alertname=HighCpu)}), the body lists each alert with its headline, summary and facts. Its
 * {@code Message-ID} derives from {@link AlertGroup#idempotencyKey()}, so a retried digest keeps
 * its id and mail systems drop the duplicate.
 *
 * <p><b>Subject.</b> At most {@value #MAX_SUBJECT} characters, cut on a grapheme boundary (an emoji
 * joined with U+200D, a flag or a letter with its combining marks stays whole) and ended with
 * {@code …}; the full summary is in the body.
 *
 * <p><b>Checking the settings.</b> {@link #verify()} connects, upgrades with STARTTLS, logs in and
 * quits, without sending anything: call it at startup to learn about a wrong host, port, security
 * or password then, not when the first alert is lost.
 *
 * <p><b>Threading and lifecycle.</b> The sink holds one {@link Session}, built once, and opens one
 * SMTP connection per notification, on the caller's thread. It is thread safe. The write timeout of
 * every connection is watched by one shared daemon thread, {@code vigil-email-write-timeout-N},
 * started on the first write and ended after a minute idle. {@link #close()} forgets the password
 * and stops that thread; a closed sink refuses to deliver.
 */
public final class EmailAlertSink implements AlertGroupSink {
  private static final Logger log = LoggerFactory.getLogger(EmailAlertSink.class);

  /**
   * The most characters of a subject; the full summary stays in the body. Mail clients show about
   * 60 to 80; RFC 5322 section 2.1.1 asks for lines under 78 characters, which encoded words fold.
   */
  static final int MAX_SUBJECT = 200;

  /**
   * The most charts in one digest email: the first alerts of a group that have values get one, the
   * others are listed without, so that a digest of 50 alerts stays a readable email of a few dozen
   * KiB rather than 50 images.
   */
  public static final int MAX_DIGEST_CHARTS = 3;

  /** A chart that cannot be drawn (no fonts, no java.desktop) is logged at WARN once per JVM. */
  private static final AtomicBoolean CHART_FAILURE_LOGGED = new AtomicBoolean();

  /** An SMTP reply code at the start of a server reply (RFC 5321 section 4.2). */
  private static final Pattern REPLY_CODE =
      Pattern.compile("^([2-5])[0-9]{2}[ -].*", Pattern.DOTALL);

  /** How the connection to the SMTP server is protected. */
  public enum Security {
    /**
     * Plain connection upgraded with {@code STARTTLS}, which is required: if the server does not
     * offer it, nothing is sent. Default port 587.
     */
    STARTTLS(587),
    /** TLS from the first byte (implicit TLS, "SMTPS"). Default port 465. */
    SMTPS(465),
    /**
     * No encryption at all, for a relay on the same host. Default port 25. Credentials are only
     * allowed with a loopback {@code smtpHost}.
     */
    NONE(25);

    final int defaultPort;

    Security(int defaultPort) {
      this.defaultPort = defaultPort;
    }
  }

  private static final Pattern MESSAGE_ID_UNSAFE = Pattern.compile("[^A-Za-z0-9._-]");

  /** The right-hand side of every {@code Message-ID}: stable, so ids of one alert compare. */
  private static final String MESSAGE_ID_DOMAIN = "@vigil";

  /** The most characters of server text that go into an exception message. */
  static final int MAX_SERVER_TEXT = 500;

  private static final Pattern HOST_UNSAFE = Pattern.compile("[\\s/@?#]");

  private final String host;
  private final int port;
  private final Security security;
  private final String protocol;
  private final @Nullable String username;
  private final InternetAddress from;
  private final List<InternetAddress> to;
  private final String subjectPrefix;
  private final boolean html;
  private final EmailTemplate template;
  private final @Nullable ChartDrawer chartDrawer; // null: EmailChart
  private final LogThrottle templateFailures = LogThrottle.perMinute(System::nanoTime);
  private final Session session;

  private final Object lock = new Object();

  /** Guarded by {@link #lock}; cleared by {@link #close()}. */
  private char @Nullable [] password;

  private boolean closed; // guarded by lock
  private int inFlight; // guarded by lock: deliveries that may still write to a socket

  /**
   * Runs Angus's write-timeout tasks for every connection of this sink ({@code
   * mail.<protocol>.executor.writetimeout}); without it Angus starts an unnamed non-daemon thread
   * per connection. One daemon thread, {@code vigil-email-write-timeout-N}, started on the first
   * write and ended after a minute idle or by {@link #close()}.
   */
  private final ScheduledThreadPoolExecutor writeTimeouts;

  private static final ThreadFactory WRITE_TIMEOUT_THREADS =
      new NamedThreadFactory("email-write-timeout");

  private EmailAlertSink(Builder b, String host) {
    this.host = host;
    this.security = b.security;
    this.port = b.port != 0 ? b.port : security.defaultPort;
    this.protocol = security == Security.SMTPS ? "smtps" : "smtp";
    this.username = b.username;
    this.password = b.password == null ? null : b.password.clone();
    this.from = requireNonNull(b.from);
    this.to = List.copyOf(b.to);
    this.subjectPrefix = b.subjectPrefix;
    this.html = b.html;
    this.template = b.template;
    this.chartDrawer = b.chartDrawer;
    this.writeTimeouts = new ScheduledThreadPoolExecutor(1, WRITE_TIMEOUT_THREADS);
    writeTimeouts.setRemoveOnCancelPolicy(true); // a write that finished leaves no task behind
    writeTimeouts.setKeepAliveTime(1, TimeUnit.MINUTES);
    writeTimeouts.allowCoreThreadTimeOut(true);
    this.session = Session.getInstance(properties(b));
  }

  private Properties properties(Builder b) {
    String p = "mail." + protocol;
    Properties props = new Properties();
    props.setProperty("mail.transport.protocol", protocol);
    props.setProperty(p + ".host", host);
    props.setProperty(p + ".port", Integer.toString(port));
    props.setProperty(p + ".connectiontimeout", Long.toString(b.connectTimeout.toMillis()));
    props.setProperty(p + ".timeout", Long.toString(b.readTimeout.toMillis()));
    props.setProperty(p + ".writetimeout", Long.toString(b.writeTimeout.toMillis()));
    props.put(p + ".executor.writetimeout", writeTimeouts); // an object, not a string
    props.setProperty(p + ".auth", Boolean.toString(username != null));
    props.setProperty(p + ".from", from.getAddress());
    // Send to the recipients the server accepts even if it rejects others (reported, not retried).
    props.setProperty(p + ".sendpartial", "true");
    switch (security) {
      case STARTTLS -> {
        props.setProperty(p + ".starttls.enable", "true");
        props.setProperty(p + ".starttls.required", "true");
      }
      case SMTPS -> props.setProperty(p + ".ssl.enable", "true");
      case NONE -> props.setProperty(p + ".starttls.enable", "false");
    }
    // Angus retries a failed connection with the JDK's default socket factory unless told not to:
    // that would replace the host's trust policy (a private CA, say) by the JDK's and report the
    // retry's error instead of the real one.
    props.setProperty(p + ".socketFactory.fallback", "false");
    if (security != Security.NONE) {
      props.setProperty(p + ".ssl.checkserveridentity", "true");
      SSLSocketFactory factory = b.sslSocketFactory;
      if (factory != null) props.put(p + ".ssl.socketFactory", factory);
    }
    return props;
  }

  /** Returns a new builder. */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * Sends one email about {@code notification} to every recipient.
   *
   * @throws NullPointerException if {@code notification} is null
   * @throws IllegalStateException if this sink is closed
   * @throws PermanentDeliveryException if the server answered with a 5xx reply (550, 535, ...); its
   *     cause is the {@link MessagingException} described next
   * @throws MessagingException if the email could not be sent; the message names the SMTP server
   *     and the alert and quotes the server's reply (at most {@value #MAX_SERVER_TEXT} characters),
   *     never the password: should the server echo the password or its Base64 form, both the
   *     message and the cause are scrubbed
   */
  @Override
  public void deliver(AlertNotification notification)
      throws MessagingException, PermanentDeliveryException {
    requireNonNull(notification, "notification == null");
    MimeMessage message = message(notification);
    send(
        message,
        "the email for alert "
            + Text.escape(notification.rule())
            + " on "
            + Text.escape(notification.resource()));
  }

  /**
   * Sends one digest email for {@code group}; a group of one is sent as {@link
   * #deliver(AlertNotification)} sends a notification, with its threading headers.
   *
   * @throws NullPointerException if {@code group} is null
   * @throws IllegalStateException if this sink is closed
   * @throws PermanentDeliveryException if the server answered with a 5xx reply
   * @throws MessagingException if the email could not be sent
   */
  @Override
  public void deliverGroup(AlertGroup group) throws MessagingException, PermanentDeliveryException {
    requireNonNull(group, "group == null");
    if (group.notifications().size() == 1) {
      deliver(group.notifications().get(0));
      return;
    }
    send(digest(group), "the digest of " + group.notifications().size() + " alerts");
  }

  /**
   * Connects to the SMTP server, upgrades the connection with STARTTLS (or speaks TLS, for {@link
   * Security#SMTPS}), logs in when credentials are set, and quits, without sending anything.
   *
   * @throws IllegalStateException if this sink is closed
   * @throws MessagingException naming the server and what failed: the connection, the TLS handshake
   *     or certificate, a server that does not offer STARTTLS, or the login; never the password
   */
  public void verify() throws MessagingException {
    @Nullable String secret = acquire();
    try {
      Transport transport = session.getTransport(protocol);
      try {
        transport.connect(host, port, username, secret);
      } finally {
        closeQuietly(transport, false);
      }
    } catch (MessagingException e) {
      List<String> secrets = secretForms(username, secret);
      throw new MessagingException(
          "SMTP settings do not work: "
              + host
              + ":"
              + port
              + " ("
              + security
              + (username != null ? ", user " + username : "")
              + "): "
              + serverText(String.valueOf(e.getMessage()) + rootCause(e), secrets),
          scrubbed(e, secrets));
    } finally {
      release();
    }
  }

  private @Nullable String acquire() {
    synchronized (lock) {
      if (closed) throw new IllegalStateException("EmailAlertSink is closed");
      char[] pw = password;
      inFlight++;
      return pw == null ? null : new String(pw);
    }
  }

  private void release() {
    boolean last;
    synchronized (lock) {
      last = --inFlight == 0 && closed;
    }
    if (last) writeTimeouts.shutdownNow(); // close() left it to the last delivery
  }

  private void send(MimeMessage message, String what)
      throws MessagingException, PermanentDeliveryException {
    @Nullable String secret = acquire();
    try {
      Transport transport = session.getTransport(protocol);
      boolean accepted = false;
      try {
        transport.connect(host, port, username, secret);
        transport.sendMessage(message, message.getAllRecipients());
        accepted = true;
      } catch (SendFailedException e) {
        Address[] sent = e.getValidSentAddresses();
        if (sent == null || sent.length == 0) throw e;
        accepted = true; // the server took it for some recipients: a retry would send it twice
        log.warn(
            "Sent {} via {}:{} to {}, but the server rejected {}: {}",
            what,
            host,
            port,
            Arrays.toString(sent),
            Arrays.toString(e.getInvalidAddresses()),
            serverText(String.valueOf(innermostReply(e)), secretForms(username, secret)));
      } finally {
        closeQuietly(transport, accepted);
      }
    } catch (MessagingException e) {
      List<String> secrets = secretForms(username, secret);
      MessagingException failure =
          new MessagingException(
              "Could not send "
                  + what
                  + " via "
                  + host
                  + ":"
                  + port
                  + " ("
                  + security
                  + "): "
                  + serverText(String.valueOf(e.getMessage()) + rootCause(e), secrets),
              scrubbed(e, secrets));
      if (isPermanent(e)) {
        throw new PermanentDeliveryException(
            failure.getMessage() + " (a 5xx reply: not retried)", failure);
      }
      throw failure;
    } finally {
      release();
    }
  }

  /**
   * Closes {@code transport} (sends {@code QUIT}). Once the message was accepted, a failure here
   * changes nothing: the email is delivered, and reporting a failure would make the monitor send it
   * again. Before that, a failure to close is dropped in favour of the failure that got us here.
   */
  private void closeQuietly(Transport transport, boolean accepted) {
    try {
      transport.close();
    } catch (MessagingException e) {
      if (accepted) {
        log.debug(
            "The server {}:{} accepted the email; QUIT or closing failed afterwards: {}",
            host,
            port,
            Text.escape(String.valueOf(e.getMessage())));
      }
    }
  }

  /**
   * True if the innermost SMTP reply in {@code e} (its chain of causes and next exceptions) is a
   * 5xx: a permanent negative completion reply, which retrying cannot change.
   */
  static boolean isPermanent(MessagingException e) {
    String reply = innermostReply(e);
    return reply != null && reply.charAt(0) == '5';
  }

  /** The last server reply text found in {@code e}'s chain, or null. */
  private static @Nullable String innermostReply(Exception e) {
    String found = null;
    Throwable t = e;
    for (int depth = 0; t != null && depth < 10; depth++) {
      String m = t.getMessage();
      if (m != null && REPLY_CODE.matcher(m.strip()).matches()) found = m.strip();
      Throwable next = t instanceof MessagingException me ? me.getNextException() : null;
      if (next == null || next == t) next = t.getCause();
      if (next == t) break;
      t = next;
    }
    return found;
  }

  /**
   * Returns {@code "; SSLHandshakeException: No subject alternative names matching..."} for the
   * innermost cause of {@code e}, which says why a connection failed; empty if {@code e} has none.
   */
  private static String rootCause(Throwable e) {
    Throwable root = e;
    while (root.getCause() != null && root.getCause() != root) root = root.getCause();
    if (root == e) return "";
    return "; " + root.getClass().getSimpleName() + ": " + root.getMessage();
  }

  /**
   * Returns the forms in which a server could echo the credentials: the password itself and the
   * Base64 strings that {@code AUTH LOGIN} and {@code AUTH PLAIN} send (UTF-8 and ISO-8859-1,
   * without padding so that a stripped {@code =} does not matter), longest first.
   */
  static List<String> secretForms(@Nullable String username, @Nullable String password) {
    if (password == null || password.isEmpty()) return List.of();
    Set<String> forms = new LinkedHashSet<>();
    forms.add(password);
    Base64.Encoder base64 = Base64.getEncoder().withoutPadding();
    for (java.nio.charset.Charset charset :
        List.of(StandardCharsets.UTF_8, StandardCharsets.ISO_8859_1)) {
      forms.add(base64.encodeToString(password.getBytes(charset)));
      if (username != null) {
        forms.add(base64.encodeToString(("\0" + username + "\0" + password).getBytes(charset)));
        forms.add(
            base64.encodeToString(
                (username + "\0" + username + "\0" + password).getBytes(charset)));
      }
    }
    List<String> sorted = new ArrayList<>(forms);
    sorted.sort(Comparator.comparingInt(String::length).reversed());
    return List.copyOf(sorted);
  }

  /**
   * Returns text that came from the server (or from Jakarta Mail) fit for an exception message. The
   * order matters: the secrets are removed first, from the text as received, and only then is it
   * escaped and cut to {@value #MAX_SERVER_TEXT} characters, so neither escaping nor the cut can
   * leave a password or part of one.
   */
  static String serverText(String text, List<String> secrets) {
    String clean = text;
    for (String secret : secrets) clean = clean.replace(secret, "****");
    clean = Text.escape(clean);
    if (clean.length() <= MAX_SERVER_TEXT) return clean;
    return clean.substring(0, MAX_SERVER_TEXT) + "...";
  }

  /**
   * Returns {@code e} if no secret appears in its stack trace text (messages of the exception and
   * of its causes); otherwise a copy of the same kind ({@link AuthenticationFailedException} or
   * {@link MessagingException}) with the scrubbed message and the original stack trace, but no
   * causes, which held the secret.
   */
  private static Exception scrubbed(MessagingException e, List<String> secrets) {
    java.io.StringWriter trace = new java.io.StringWriter();
    e.printStackTrace(new java.io.PrintWriter(trace));
    String text = trace.toString();
    if (secrets.stream().noneMatch(text::contains)) return e;
    String message = serverText(String.valueOf(e.getMessage()), secrets);
    MessagingException copy =
        e instanceof AuthenticationFailedException
            ? new AuthenticationFailedException(message)
            : new MessagingException(e.getClass().getName() + ": " + message);
    copy.setStackTrace(e.getStackTrace());
    return copy;
  }

  /**
   * Builds the email for {@code n}, with its subject, body and threading headers. The {@code
   * FIRING} email's {@code Message-ID} is the alert's thread id; every other email gets an id of
   * its own and replies to the thread id.
   */
  MimeMessage message(AlertNotification n) throws MessagingException {
    String threadId = messageId(n.fingerprint(), n.startsAt());
    boolean starts = n.type() == NotificationType.FIRING;
    String ownId = starts ? threadId : followUpId(n);
    MimeMessage message = new FixedIdMessage(session, ownId);
    message.setFrom(from);
    message.setRecipients(Message.RecipientType.TO, to.toArray(new InternetAddress[0]));
    message.setSubject(subject(n), StandardCharsets.UTF_8.name());
    if (!starts) {
      message.setHeader("In-Reply-To", threadId);
      message.setHeader("References", threadId);
    }
    message.setHeader("Auto-Submitted", "auto-generated");
    String text =
        render("text", () -> template.text(EmailTemplates.values(n, Part.TEXT, "")), () -> body(n));
    if (!html) {
      setBody(message, text, null, List.of());
      return saved(message);
    }
    List<Chart> charts = new ArrayList<>(1);
    String img = chart(n, 0, charts);
    String htmlText =
        render(
            "html",
            () -> template.html(EmailTemplates.values(n, Part.HTML, img)),
            () -> EmailTemplates.html(EmailTemplates.values(n, Part.HTML, img)));
    setBody(message, text, htmlText, charts);
    return saved(message);
  }

  private static MimeMessage saved(MimeMessage message) throws MessagingException {
    message.saveChanges();
    return message;
  }

  /** Draws a chart; a seam for tests that make drawing fail. */
  @FunctionalInterface
  interface ChartDrawer {
    byte[] png(AlertNotification n) throws Exception;
  }

  /** A chart image of one email: its {@code Content-ID} (without angle brackets) and PNG. */
  private static final class Chart {
    final String contentId;
    final byte[] png;

    Chart(String contentId, byte[] png) {
      this.contentId = contentId;
      this.png = png;
    }
  }

  /**
   * Draws the chart of {@code n} as the {@code index}th image of its email, adds it to {@code
   * charts} and returns the {@code <img>} element that shows it; returns an empty string when
   * {@code n} has fewer than two values or drawing failed (logged at WARN once per JVM, then at
   * DEBUG), so that a chart never stops an email.
   */
  private String chart(AlertNotification n, int index, List<Chart> charts) {
    if (n.recentValues().size() < 2) return ""; // before touching EmailChart, which needs AWT
    byte[] png;
    try {
      png = chartDrawer != null ? chartDrawer.png(n) : EmailChart.png(n);
    } catch (Throwable t) {
      // AWT reports a broken font configuration as an InternalError: not a dying VM.
      if (!(t instanceof InternalError)) Throwables.rethrowIfFatal(t);
      if (CHART_FAILURE_LOGGED.compareAndSet(false, true)) {
        log.warn(
            "Could not draw the chart for alert {} on {}; sending the email without it (logged"
                + " once, later failures at DEBUG)",
            Text.escape(n.rule()),
            Text.escape(n.resource()),
            t);
      } else {
        log.debug("Could not draw the chart: {}", Throwables.message(t));
      }
      return "";
    }
    String cid =
        "chart" + index + "." + localPart(n.fingerprint(), n.startsAt()) + MESSAGE_ID_DOMAIN;
    charts.add(new Chart(cid, png));
    return "<img src=\"cid:"
        + cid
        + "\" width=\""
        + EmailChart.WIDTH
        + "\" height=\""
        + EmailChart.HEIGHT
        + "\" alt=\""
        + EmailTemplates.escapeHtml(
            "Recent values of "
                + n.rule()
                + " on "
                + n.resource()
                + " and the threshold "
                + Templates.formatNumber(n.threshold()))
        + "\" style=\"display:block;max-width:100%;height:auto\">";
  }

  /**
   * Returns what the user's template made, or what the built-in one makes if the user's threw or
   * returned null (a bug in the template must not lose the alert; logged at most once a minute per
   * part).
   */
  private String render(String part, Supplier<@Nullable String> custom, Supplier<String> builtIn) {
    if (template == EmailTemplate.DEFAULT) return builtIn.get();
    try {
      String s = custom.get();
      if (s != null) return s;
      if (templateFailures.admit(part) >= 0) {
        log.warn("EmailTemplate.{} returned null; using the built-in template", part);
      }
    } catch (RuntimeException e) {
      if (templateFailures.admit(part) >= 0) {
        log.warn("EmailTemplate.{} threw; using the built-in template", part, e);
      }
    }
    return builtIn.get();
  }

  /**
   * Returns {@code <FINGERPRINT.STARTS_AT_EPOCH_MILLIS@vigil>}, with anything but letters, digits,
   * dots, dashes and underscores in the fingerprint replaced.
   */
  static String messageId(String fingerprint, Instant startsAt) {
    return "<" + localPart(fingerprint, startsAt) + MESSAGE_ID_DOMAIN + ">";
  }

  /**
   * Returns a new, unique id for a follow-up of the alert: {@code
   * <FINGERPRINT.STARTS_AT_EPOCH_MILLIS.TYPE.RANDOM_UUID@vigil>}. Unique because mail systems
   * (Gmail among them) drop a message whose {@code Message-ID} they have seen before, and a
   * reminder or a change of severity is a new message.
   */
  static String followUpId(AlertNotification n) {
    return "<"
        + localPart(n.fingerprint(), n.startsAt())
        + "."
        + n.type().name().toLowerCase(Locale.ROOT)
        + "."
        + UUID.randomUUID()
        + MESSAGE_ID_DOMAIN
        + ">";
  }

  private static String localPart(String fingerprint, Instant startsAt) {
    return MESSAGE_ID_UNSAFE.matcher(fingerprint).replaceAll("_") + "." + startsAt.toEpochMilli();
  }

  /**
   * Returns the subject on one line: the prefix and what the template makes of {@code n} (by
   * default the notification type, the status in parentheses when the type does not imply it,
   * severity, rule, resource and summary), header safe and cut to {@value #MAX_SUBJECT}.
   */
  String subject(AlertNotification n) {
    String s =
        render(
            "subject",
            () -> template.subject(EmailTemplates.values(n, Part.SUBJECT, "")),
            () -> EmailTemplates.subject(EmailTemplates.values(n, Part.SUBJECT, "")));
    return prefixed(s);
  }

  private String prefixed(String subject) {
    String s = subjectPrefix.isEmpty() ? subject : subjectPrefix + " " + subject;
    return Graphemes.cut(Text.headerSafe(s), MAX_SUBJECT);
  }

  /**
   * Builds the digest email for a group of several notifications; with HTML, the first {@value
   * #MAX_DIGEST_CHARTS} notifications that have at least two recent values get a chart.
   */
  MimeMessage digest(AlertGroup g) throws MessagingException {
    String id = "<" + g.idempotencyKey() + MESSAGE_ID_DOMAIN + ">";
    MimeMessage message = new FixedIdMessage(session, id);
    message.setFrom(from);
    message.setRecipients(Message.RecipientType.TO, to.toArray(new InternetAddress[0]));
    String subject =
        render(
            "digestSubject",
            () -> template.digestSubject(EmailTemplates.values(g, Part.SUBJECT, List.of())),
            () ->
                EmailTemplate.DEFAULT.digestSubject(
                    EmailTemplates.values(g, Part.SUBJECT, List.of())));
    message.setSubject(prefixed(subject), StandardCharsets.UTF_8.name());
    message.setHeader("Auto-Submitted", "auto-generated");
    String text =
        render(
            "digestText",
            () -> template.digestText(EmailTemplates.values(g, Part.TEXT, List.of())),
            () -> digestBody(g));
    if (!html) {
      setBody(message, text, null, List.of());
      return saved(message);
    }
    List<Chart> charts = new ArrayList<>(MAX_DIGEST_CHARTS);
    List<String> images = new ArrayList<>(g.notifications().size());
    for (AlertNotification n : g.notifications()) {
      images.add(charts.size() < MAX_DIGEST_CHARTS ? chart(n, charts.size(), charts) : "");
    }
    String htmlText =
        render(
            "digestHtml",
            () -> template.digestHtml(EmailTemplates.values(g, Part.HTML, images)),
            () -> EmailTemplates.digestHtml(EmailTemplates.values(g, Part.HTML, images)));
    setBody(message, text, htmlText, charts);
    return saved(message);
  }

  /** The built-in plain-text digest: the title, then per alert its headline, summary and facts. */
  static String digestBody(AlertGroup g) {
    return EmailTemplates.digestText(EmailTemplates.values(g, Part.TEXT, List.of()));
  }

  /**
   * Sets a text body, or text and HTML as {@code multipart/alternative}; with charts the HTML
   * alternative is a {@code multipart/related} of the HTML and one inline {@code image/png} per
   * chart, each with the {@code Content-ID} its {@code <img src="cid:...">} names (RFC 2387, RFC
   * 2392).
   */
  private static void setBody(
      MimeMessage message, String text, @Nullable String htmlText, List<Chart> charts)
      throws MessagingException {
    if (htmlText == null) {
      message.setText(text, StandardCharsets.UTF_8.name());
      return;
    }
    MimeBodyPart plain = new MimeBodyPart();
    plain.setText(text, StandardCharsets.UTF_8.name());
    MimeBodyPart rich = new MimeBodyPart();
    rich.setText(htmlText, StandardCharsets.UTF_8.name(), "html");
    // A user template may leave a chart out: an image the HTML does not show is not attached
    // (clients list it as an attachment).
    List<Chart> shown = new ArrayList<>(charts.size());
    for (Chart chart : charts) {
      if (htmlText.contains("cid:" + chart.contentId)) shown.add(chart);
    }
    if (shown.isEmpty()) {
      message.setContent(new MimeMultipart("alternative", plain, rich));
      return;
    }
    MimeMultipart related = new MimeMultipart("related");
    related.addBodyPart(rich);
    int i = 0;
    for (Chart chart : shown) {
      MimeBodyPart image = new MimeBodyPart();
      image.setDataHandler(new DataHandler(new ByteArrayDataSource(chart.png, "image/png")));
      image.setContentID("<" + chart.contentId + ">");
      image.setDisposition(jakarta.mail.Part.INLINE);
      image.setFileName("chart-" + ++i + ".png");
      related.addBodyPart(image);
    }
    MimeBodyPart relatedPart = new MimeBodyPart();
    relatedPart.setContent(related);
    message.setContent(new MimeMultipart("alternative", plain, relatedPart));
  }

  /**
   * Returns the built-in plain-text body: the summary, the description (if any, its lines kept),
   * then one line per field. Untrusted values are escaped so each stays on its line.
   */
  static String body(AlertNotification n) {
    return EmailTemplates.text(EmailTemplates.values(n, Part.TEXT, ""));
  }

  /**
   * Forgets the password and stops the write-timeout thread; later calls to {@link #deliver} throw.
   * Deliveries already under way finish (bounded by the timeouts), and the last of them stops the
   * thread. Waits at most one second for the thread to end. Idempotent.
   */
  @Override
  public void close() {
    boolean idle;
    synchronized (lock) {
      closed = true;
      char[] pw = password;
      if (pw != null) Arrays.fill(pw, '\0');
      password = null;
      idle = inFlight == 0;
    }
    if (!idle) return;
    writeTimeouts.shutdownNow();
    try {
      writeTimeouts.awaitTermination(1, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** Returns the server, security, sender and recipients; never the password. */
  @Override
  public String toString() {
    StringBuilder s =
        new StringBuilder("EmailAlertSink{")
            .append(host)
            .append(':')
            .append(port)
            .append(", ")
            .append(security)
            .append(", from=")
            .append(from.toString())
            .append(", to=")
            .append(to.toString());
    if (username != null) s.append(", username=").append(username);
    return s.append('}').toString();
  }

  /** A message whose {@code Message-ID} is ours rather than a random one. */
  private static final class FixedIdMessage extends MimeMessage {
    private final String messageId;

    FixedIdMessage(Session session, String messageId) {
      super(session);
      this.messageId = messageId;
    }

    @Override
    protected void updateMessageID() throws MessagingException {
      setHeader("Message-ID", messageId);
    }
  }

  /**
   * Builds an {@link EmailAlertSink}. Not thread safe. Setters validate their argument at once;
   * {@link #build()} checks that {@code smtpHost}, {@code from} and {@code to} are set.
   */
  public static final class Builder {
    private static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(10);

    private @Nullable String host;
    private int port; // 0: the security's default port
    private Security security = Security.STARTTLS;
    private @Nullable String username;
    private char @Nullable [] password;
    private @Nullable InternetAddress from;
    private final List<InternetAddress> to = new ArrayList<>();
    private String subjectPrefix = "[Vigil]";
    private boolean html;
    private EmailTemplate template = EmailTemplate.DEFAULT;
    private @Nullable ChartDrawer chartDrawer;
    private Duration connectTimeout = DEFAULT_TIMEOUT;
    private Duration readTimeout = DEFAULT_TIMEOUT;
    private Duration writeTimeout = DEFAULT_TIMEOUT;
    private @Nullable SSLSocketFactory sslSocketFactory;

    private Builder() {}

    /**
     * Sets the SMTP server's host name or IP address. Required.
     *
     * @throws NullPointerException if {@code host} is null
     * @throws IllegalArgumentException if {@code host} is blank or holds whitespace, control
     *     characters, {@code /}, {@code @}, {@code ?} or {@code #}
     */
    public Builder smtpHost(String host) {
      requireNonNull(host, "smtpHost == null");
      if (host.isBlank()) throw new IllegalArgumentException("smtpHost is blank");
      if (Text.hasUnsafe(host) || HOST_UNSAFE.matcher(host).find()) {
        throw new IllegalArgumentException(
            "smtpHost is not a host name or IP address: \"" + Text.escape(host) + "\"");
      }
      this.host = host;
      return this;
    }

    /**
     * Sets the SMTP server's port; by default 587 for {@link Security#STARTTLS}, 465 for {@link
     * Security#SMTPS} and 25 for {@link Security#NONE}.
     *
     * @throws IllegalArgumentException if {@code port} is not in 1..65535
     */
    public Builder smtpPort(int port) {
      if (port < 1 || port > 65535) {
        throw new IllegalArgumentException("smtpPort must be in 1..65535: " + port);
      }
      this.port = port;
      return this;
    }

    /**
     * Sets how the connection is protected; {@link Security#STARTTLS} by default.
     *
     * @throws NullPointerException if {@code security} is null
     */
    public Builder security(Security security) {
      this.security = requireNonNull(security, "security == null");
      return this;
    }

    /**
     * Sets the user name and password for SMTP AUTH; without credentials the sink does not
     * authenticate. With {@link Security#NONE} the {@code smtpHost} must be a loopback address
     * ({@code localhost}, {@code 127.0.0.1}, {@code ::1}), or {@link #build()} fails: the password
     * would otherwise cross the network in clear text.
     *
     * @throws NullPointerException if an argument is null
     * @throws IllegalArgumentException if {@code username} is blank or {@code password} empty
     */
    public Builder credentials(String username, String password) {
      requireNonNull(password, "password == null");
      return credentials(username, password.toCharArray());
    }

    /**
     * Sets the user name and password for SMTP AUTH, as {@link #credentials(String, String)} does.
     * The array is copied; the caller may clear it afterwards.
     *
     * @throws NullPointerException if an argument is null
     * @throws IllegalArgumentException if {@code username} is blank or {@code password} empty
     */
    public Builder credentials(String username, char[] password) {
      requireNonNull(username, "username == null");
      requireNonNull(password, "password == null");
      if (username.isBlank()) throw new IllegalArgumentException("username is blank");
      if (Text.hasUnsafe(username)) {
        throw new IllegalArgumentException(
            "username holds control characters: \"" + Text.escape(username) + "\"");
      }
      if (password.length == 0) throw new IllegalArgumentException("password is empty");
      this.username = username;
      if (this.password != null) Arrays.fill(this.password, '\0');
      this.password = password.clone();
      return this;
    }

    /**
     * Sets the sender address, such as {@code vigil@example.com} or {@code Vigil
     * <vigil@example.com>}. Required.
     *
     * @throws NullPointerException if {@code address} is null
     * @throws IllegalArgumentException if {@code address} is not one valid email address
     */
    public Builder from(String address) {
      this.from = address("from", requireNonNull(address, "from == null"));
      return this;
    }

    /**
     * Adds recipients; repeatable. At least one is required.
     *
     * @throws NullPointerException if {@code addresses} or one of them is null
     * @throws IllegalArgumentException if an address is not one valid email address
     */
    public Builder to(String... addresses) {
      requireNonNull(addresses, "to == null");
      List<InternetAddress> parsed = new ArrayList<>(addresses.length);
      for (String address : addresses) {
        parsed.add(address("to", requireNonNull(address, "to == null")));
      }
      to.addAll(parsed);
      return this;
    }

    /**
     * Sets the text that starts every subject; {@code "[Vigil]"} by default, empty for none.
     *
     * @throws NullPointerException if {@code prefix} is null
     * @throws IllegalArgumentException if {@code prefix} holds control characters
     */
    public Builder subjectPrefix(String prefix) {
      requireNonNull(prefix, "subjectPrefix == null");
      if (Text.hasUnsafe(prefix)) {
        throw new IllegalArgumentException(
            "subjectPrefix holds control characters: \"" + Text.escape(prefix) + "\"");
      }
      this.subjectPrefix = prefix.strip();
      return this;
    }

    /**
     * Adds an HTML part to every email, next to the plain text ({@code multipart/alternative}): the
     * same content as a table, every value from the alert HTML-escaped, and the chart of the
     * alert's recent values as an inline PNG. Off by default.
     */
    public Builder html(boolean enabled) {
      this.html = enabled;
      return this;
    }

    /**
     * Sets the template that writes subjects, text and HTML; {@link EmailTemplate#DEFAULT} by
     * default. Override only the parts to change; values reach the HTML part already escaped.
     *
     * @throws NullPointerException if {@code template} is null
     */
    public Builder template(EmailTemplate template) {
      this.template = requireNonNull(template, "template == null");
      return this;
    }

    /** Replaces the chart drawing, for tests. */
    Builder chartDrawer(ChartDrawer drawer) {
      this.chartDrawer = requireNonNull(drawer, "chartDrawer == null");
      return this;
    }

    /**
     * Sets how long to wait for the TCP connection to the server; 10 seconds by default.
     *
     * @throws NullPointerException if {@code timeout} is null
     * @throws IllegalArgumentException if {@code timeout} is not positive or too large
     */
    public Builder connectTimeout(Duration timeout) {
      this.connectTimeout = timeout("connectTimeout", timeout);
      return this;
    }

    /**
     * Sets how long to wait for each read from the server; 10 seconds by default.
     *
     * @throws NullPointerException if {@code timeout} is null
     * @throws IllegalArgumentException if {@code timeout} is not positive or too large
     */
    public Builder readTimeout(Duration timeout) {
      this.readTimeout = timeout("readTimeout", timeout);
      return this;
    }

    /**
     * Sets how long each write to the server may block; 10 seconds by default.
     *
     * @throws NullPointerException if {@code timeout} is null
     * @throws IllegalArgumentException if {@code timeout} is not positive or too large
     */
    public Builder writeTimeout(Duration timeout) {
      this.writeTimeout = timeout("writeTimeout", timeout);
      return this;
    }

    /**
     * Sets the factory for TLS connections, for example one whose trust store holds a private CA.
     * Certificate and server identity checks stay on whatever the factory is; by default the JDK's
     * trust store is used.
     *
     * @throws NullPointerException if {@code factory} is null
     */
    public Builder sslSocketFactory(SSLSocketFactory factory) {
      this.sslSocketFactory = requireNonNull(factory, "sslSocketFactory == null");
      return this;
    }

    /**
     * Returns a new sink with this builder's settings.
     *
     * @throws IllegalStateException if {@code smtpHost}, {@code from} or {@code to} is not set, or
     *     if credentials are set with {@link Security#NONE} and a {@code smtpHost} that is not a
     *     loopback address
     */
    public EmailAlertSink build() {
      String h = host;
      if (h == null) throw new IllegalStateException("smtpHost is not set");
      if (from == null) throw new IllegalStateException("from is not set");
      if (to.isEmpty())
        throw new IllegalStateException("to is not set: add at least one recipient");
      if (username != null && security == Security.NONE && !isLoopback(h)) {
        throw new IllegalStateException(
            "credentials with Security.NONE need a loopback smtpHost, not "
                + h
                + ": the password would cross the network in clear text;"
                + " use Security.STARTTLS or Security.SMTPS");
      }
      return new EmailAlertSink(this, h);
    }

    private static InternetAddress address(String setting, String address) {
      if (Text.hasUnsafe(address)) {
        throw new IllegalArgumentException(
            setting + ": invalid address \"" + Text.escape(address) + "\": control characters");
      }
      try {
        InternetAddress parsed = new InternetAddress(address, true);
        if (parsed.isGroup()) throw new AddressException("a group is not one address");
        return parsed;
      } catch (AddressException e) {
        throw new IllegalArgumentException(
            setting + ": invalid address \"" + address + "\": " + e.getMessage(), e);
      }
    }

    private static Duration timeout(String setting, Duration timeout) {
      Durations.timeout(timeout, setting);
      // Jakarta Mail counts in milliseconds and reads 0 as "forever": round up.
      return timeout.toMillis() == 0 ? Duration.ofMillis(1) : timeout;
    }

    /**
     * True for {@code localhost} and loopback IP literals. Never asks DNS: a name that resolves to
     * a loopback address today may not tomorrow.
     */
    static boolean isLoopback(String host) {
      if (host.equalsIgnoreCase("localhost")) return true;
      String literal =
          host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
      boolean ipv4 = literal.matches("[0-9]{1,3}(\\.[0-9]{1,3}){3}");
      boolean ipv6 = literal.indexOf(':') >= 0 && literal.matches("[0-9A-Fa-f:.]+");
      if (!ipv4 && !ipv6) return false;
      try {
        return InetAddress.getByName(literal).isLoopbackAddress(); // a literal: no lookup
      } catch (UnknownHostException e) {
        return false;
      }
    }
  }
}
