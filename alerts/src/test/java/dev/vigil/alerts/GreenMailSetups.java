package dev.vigil.alerts;

import com.icegreen.greenmail.util.ServerSetup;

/** GreenMail servers on 127.0.0.1 with free ports. */
final class GreenMailSetups {
  private GreenMailSetups() {}

  /**
   * A deadline, not a delay: GreenMail waits up to this long for its server thread, which on a busy
   * machine (TLS context set-up in particular) can exceed its 2 second default.
   */
  private static final long STARTUP_TIMEOUT_MILLIS = 15_000;

  static ServerSetup smtp() {
    return loopback(ServerSetup.PROTOCOL_SMTP);
  }

  static ServerSetup smtps() {
    return loopback(ServerSetup.PROTOCOL_SMTPS);
  }

  /** SMTPS on another loopback address, such as {@code 127.0.0.2}. */
  static ServerSetup smtps(String loopbackAddress) {
    return setup(ServerSetup.PROTOCOL_SMTPS, loopbackAddress);
  }

  private static ServerSetup loopback(String protocol) {
    return setup(protocol, "127.0.0.1");
  }

  private static ServerSetup setup(String protocol, String address) {
    ServerSetup setup = new ServerSetup(0, address, protocol);
    setup.setServerStartupTimeout(STARTUP_TIMEOUT_MILLIS);
    return setup;
  }
}
