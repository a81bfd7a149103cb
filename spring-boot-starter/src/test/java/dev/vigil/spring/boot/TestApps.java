package dev.vigil.spring.boot;

import static org.assertj.core.api.Assertions.assertThat;

import com.icegreen.greenmail.util.ServerSetup;
import dev.vigil.ResourceMonitor;
import dev.vigil.Ticker;
import dev.vigil.testing.ScriptedSource;
import dev.vigil.testing.VirtualTime;
import java.time.Clock;
import java.time.Duration;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.boot.test.context.assertj.AssertableApplicationContext;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** The starter's auto-configurations in an {@link ApplicationContextRunner}, and helpers. */
final class TestApps {
  private TestApps() {}

  static final AutoConfigurations VIGIL =
      AutoConfigurations.of(
          VigilAutoConfiguration.class,
          VigilHealthAutoConfiguration.class,
          VigilEndpointAutoConfiguration.class,
          VigilMetricsAutoConfiguration.class);

  /** A host source and a log sink: the least valid configuration. */
  static final String[] MINIMAL = {"vigil.sources.local.type=host", "vigil.sinks.log.type=log"};

  static ApplicationContextRunner runner() {
    return new ApplicationContextRunner().withConfiguration(VIGIL);
  }

  /** Publishes what SpringApplication publishes once the application is ready. */
  static void ready(AssertableApplicationContext context) {
    ConfigurableApplicationContext source =
        context.getSourceApplicationContext(ConfigurableApplicationContext.class);
    source.publishEvent(
        new ApplicationReadyEvent(new SpringApplication(), new String[0], source, Duration.ZERO));
  }

  /** The configuration exception that failed the context's start. */
  static VigilConfigurationException failure(AssertableApplicationContext context) {
    assertThat(context).hasFailed();
    Throwable t = context.getStartupFailure();
    while (t != null && !(t instanceof VigilConfigurationException)) t = t.getCause();
    assertThat(t)
        .as("VigilConfigurationException in %s", context.getStartupFailure())
        .isInstanceOf(VigilConfigurationException.class);
    return (VigilConfigurationException) t;
  }

  /** GreenMail's SMTP server on a free port of 127.0.0.1. */
  static ServerSetup smtp() {
    ServerSetup setup = new ServerSetup(0, "127.0.0.1", ServerSetup.PROTOCOL_SMTP);
    setup.setServerStartupTimeout(15_000);
    return setup;
  }

  /**
   * Plays {@code polls} more steps of the context's {@link ScriptedSource}, one a minute of virtual
   * time (the first at the current time), and waits for the deliveries.
   */
  static void play(AssertableApplicationContext context, int polls) throws InterruptedException {
    assertThat(context).hasNotFailed();
    ResourceMonitor monitor = context.getBean(ResourceMonitor.class);
    VirtualTime time = context.getBean(VirtualTime.class);
    for (int i = 0; i < polls; i++) {
      if (context.getBean(ScriptedSource.class).position() > 0) time.advance(Duration.ofMinutes(1));
      monitor.pollNow();
    }
    assertThat(monitor.flush(Duration.ofSeconds(10))).isTrue();
  }

  /** Virtual time as the monitor's Clock and Ticker beans. */
  @Configuration(proxyBeanMethods = false)
  static class Time {
    @Bean
    VirtualTime virtualTime() {
      return VirtualTime.create();
    }

    @Bean
    Clock clock(VirtualTime time) {
      return time.clock();
    }

    @Bean
    Ticker ticker(VirtualTime time) {
      return time.ticker();
    }
  }
}
