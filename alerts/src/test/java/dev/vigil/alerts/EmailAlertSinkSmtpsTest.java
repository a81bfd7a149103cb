package dev.vigil.alerts;

import static dev.vigil.alerts.Notifications.firing;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.icegreen.greenmail.junit5.GreenMailExtension;
import com.icegreen.greenmail.util.GreenMail;
import dev.vigil.Severity;
import jakarta.mail.MessagingException;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.CertPathBuilderException;
import java.security.cert.Certificate;
import java.security.cert.CertificateException;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocketFactory;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * SMTPS against GreenMail. GreenMail's bundled certificate names no host, so server identity checks
 * would fail against it; instead GreenMail serves {@code smtps-localhost.p12}, a self-signed test
 * certificate for {@code localhost} and {@code 127.0.0.1}, and the client trusts exactly that
 * certificate through {@link EmailAlertSink.Builder#sslSocketFactory}. Verification stays on
 * throughout.
 */
class EmailAlertSinkSmtpsTest {
  private static final String KEYSTORE = "smtps-localhost.p12";
  private static final char[] KEYSTORE_PASSWORD = "changeit".toCharArray();

  static {
    // Read once per JVM by GreenMail's server socket factory, when the first TLS server starts.
    try {
      Path keystore = Path.of(EmailAlertSinkSmtpsTest.class.getResource("/" + KEYSTORE).toURI());
      System.setProperty("greenmail.tls.keystore.file", keystore.toString());
      System.setProperty("greenmail.tls.keystore.password", new String(KEYSTORE_PASSWORD));
    } catch (java.net.URISyntaxException e) {
      throw new ExceptionInInitializerError(e);
    }
  }

  @RegisterExtension
  static final GreenMailExtension greenMail = new GreenMailExtension(GreenMailSetups.smtps());

  private static EmailAlertSink.Builder smtpsSink() {
    return EmailAlertSink.builder()
        .smtpHost("127.0.0.1")
        .smtpPort(greenMail.getSmtps().getPort())
        .security(EmailAlertSink.Security.SMTPS)
        .from("vigil@example.com")
        .to("oncall@example.com");
  }

  @Test
  void smtpsDeliversWhenTheServerCertificateIsTrusted() throws Exception {
    EmailAlertSink sink = smtpsSink().sslSocketFactory(trustingOnlyTheTestCertificate()).build();

    sink.deliver(firing(Severity.CRITICAL));

    assertThat(greenMail.waitForIncomingEmail(5_000, 1)).isTrue();
    assertThat(greenMail.getReceivedMessages())
        .singleElement()
        .satisfies(m -> assertThat(m.getSubject()).startsWith("[Vigil] FIRING CRITICAL HighCpu"));
  }

  @Test
  void smtpsRefusesAnUntrustedCertificate() {
    EmailAlertSink sink = smtpsSink().build(); // the JDK's trust store does not know the test CA

    assertThatThrownBy(() -> sink.deliver(firing(Severity.CRITICAL)))
        .isInstanceOf(MessagingException.class)
        .hasMessageContaining(
            "SunCertPathBuilderException: unable to find valid certification path")
        .hasRootCauseInstanceOf(CertPathBuilderException.class);
    assertThat(greenMail.getReceivedMessages()).isEmpty();
  }

  /**
   * The certificate is trusted but names {@code localhost} and {@code 127.0.0.1} only; served on
   * {@code 127.0.0.2} it does not match the host the sink connects to. Only the server identity
   * check ({@code mail.smtps.ssl.checkserveridentity=true}) can refuse it.
   */
  @Test
  void smtpsRefusesACertificateForAnotherHost() throws Exception {
    String otherLoopback = "127.0.0.2";
    assumeTrue(canBind(otherLoopback), otherLoopback + " is not a usable loopback address here");
    GreenMail otherHost = new GreenMail(GreenMailSetups.smtps(otherLoopback));
    otherHost.start();
    try {
      EmailAlertSink sink =
          smtpsSink()
              .smtpHost(otherLoopback)
              .smtpPort(otherHost.getSmtps().getPort())
              .sslSocketFactory(trustingOnlyTheTestCertificate())
              .build();

      assertThatThrownBy(() -> sink.deliver(firing(Severity.CRITICAL)))
          .isInstanceOf(MessagingException.class)
          .hasMessageContaining(otherLoopback + ":" + otherHost.getSmtps().getPort() + " (SMTPS)")
          .hasMessageContaining(
              "CertificateException: No subject alternative names matching IP address "
                  + otherLoopback)
          .hasRootCauseInstanceOf(CertificateException.class);
      assertThat(otherHost.getReceivedMessages()).isEmpty();
    } finally {
      otherHost.stop();
    }
  }

  private static boolean canBind(String address) {
    try (ServerSocket probe = new ServerSocket(0, 1, InetAddress.getByName(address))) {
      return probe.getInetAddress().isLoopbackAddress();
    } catch (IOException e) {
      return false;
    }
  }

  private static SSLSocketFactory trustingOnlyTheTestCertificate() throws Exception {
    KeyStore serverKeys = KeyStore.getInstance("PKCS12");
    try (InputStream in = EmailAlertSinkSmtpsTest.class.getResourceAsStream("/" + KEYSTORE)) {
      serverKeys.load(in, KEYSTORE_PASSWORD);
    }
    Certificate certificate = serverKeys.getCertificate("greenmail");
    KeyStore trusted = KeyStore.getInstance(KeyStore.getDefaultType());
    trusted.load(null, null);
    trusted.setCertificateEntry("vigil-test", certificate);
    TrustManagerFactory tmf =
        TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    tmf.init(trusted);
    SSLContext context = SSLContext.getInstance("TLS");
    context.init(null, tmf.getTrustManagers(), null);
    return context.getSocketFactory();
  }
}
