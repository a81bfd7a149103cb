package dev.vigil.spring.boot;

import dev.vigil.AlertRule;
import dev.vigil.AlertSink;
import dev.vigil.MetricSource;
import dev.vigil.MonitorListener;
import dev.vigil.ResourceMonitor;
import dev.vigil.Ticker;
import dev.vigil.state.StateStore;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Properties;
import org.jspecify.annotations.Nullable;
import org.springframework.beans.factory.ListableBeanFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.core.env.Environment;
import org.springframework.util.ClassUtils;

/**
 * Auto-configures a {@link ResourceMonitor} from {@link VigilProperties} ({@code vigil.*}) and the
 * application's beans, and a {@link VigilLifecycle} that starts it once the application is ready.
 *
 * <ul>
 *   <li>Every {@link MetricSource}, {@link AlertSink} bean is registered under its bean name,
 *       beside those of {@code vigil.sources} and {@code vigil.sinks}; every {@link AlertRule} bean
 *       and every {@link MonitorListener} bean is added.
 *   <li>A {@link Clock} bean sets the monitor's wall clock, a {@link Ticker} bean its monotonic
 *       ticker (tests inject virtual time this way); a {@link StateStore} bean its state store.
 *   <li>Email sinks without their own {@code smtp.host} use the application's {@code
 *       JavaMailSender} (Spring Boot's, from {@code spring.mail.*}) or {@code spring.mail.*}.
 *   <li>A {@link ResourceMonitor} or {@link VigilLifecycle} bean of the application's replaces the
 *       auto-configured one.
 * </ul>
 *
 * <p>A bad setting fails the start-up with a {@link VigilConfigurationException} that names the
 * property path and the fix.
 */
@AutoConfiguration(
    afterName = {
      "org.springframework.boot.mail.autoconfigure.MailSenderAutoConfiguration",
      "org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration"
    })
@ConditionalOnClass(ResourceMonitor.class)
@ConditionalOnBooleanProperty(name = "vigil.enabled", matchIfMissing = true)
@EnableConfigurationProperties(VigilProperties.class)
public class VigilAutoConfiguration {
  /** Created by Spring. */
  public VigilAutoConfiguration() {}

  /**
   * The state store of {@code vigil.state.*}, unless the application has a {@link StateStore} bean.
   */
  @Bean
  @ConditionalOnMissingBean(StateStore.class)
  VigilStateStores vigilStateStores(VigilProperties properties, ListableBeanFactory beans) {
    ClassLoader cl = VigilAutoConfiguration.class.getClassLoader();
    return VigilStateStores.open(
        properties.getState(),
        () -> ClassUtils.isPresent(PostgresStates.CLASS, cl) ? PostgresStates.open(beans) : null);
  }

  /**
   * The monitor.
   *
   * @throws VigilConfigurationException if a setting is missing or invalid
   */
  @Bean
  @ConditionalOnMissingBean
  ResourceMonitor vigilMonitor(
      VigilProperties properties,
      ListableBeanFactory beans,
      Environment environment,
      ObjectProvider<StateStore> stateStore,
      ObjectProvider<VigilStateStores> ownStateStore,
      ObjectProvider<Clock> clock,
      ObjectProvider<Ticker> ticker,
      ObjectProvider<MonitorListener> listeners) {
    ClassLoader cl = VigilAutoConfiguration.class.getClassLoader();
    MonitorFactory factory =
        new MonitorFactory(
            properties,
            clock.getIfUnique(Clock::systemUTC),
            ticker.getIfUnique(Ticker::system),
            () -> applicationMail(beans, environment, cl),
            cl);
    StateStore store = stateStore.getIfUnique();
    if (store == null) {
      VigilStateStores own = ownStateStore.getIfAvailable();
      store = own != null ? own.store() : null;
    }
    return factory.build(
        new LinkedHashMap<>(beans.getBeansOfType(MetricSource.class)),
        new LinkedHashMap<>(beans.getBeansOfType(AlertSink.class)),
        new ArrayList<>(beans.getBeansOfType(AlertRule.class).values()),
        listeners.orderedStream().toList(),
        store);
  }

  /** Starts the monitor once the application is ready; closes it in the shutdown phase. */
  @Bean
  @ConditionalOnMissingBean
  VigilLifecycle vigilLifecycle(ResourceMonitor monitor) {
    return new VigilLifecycle(monitor);
  }

  /** The JavaMailSender bean's server, else spring.mail.*, else null. */
  static @Nullable MailServer applicationMail(
      ListableBeanFactory beans, Environment env, ClassLoader cl) {
    if (ClassUtils.isPresent("org.springframework.mail.javamail.JavaMailSenderImpl", cl)) {
      MailServer fromBean = SpringMail.fromContext(beans);
      if (fromBean != null) return fromBean;
    }
    String host = env.getProperty("spring.mail.host");
    if (host == null || host.isBlank()) return null;
    Properties props = new Properties();
    for (String key : List.of("mail.smtp.starttls.enable", "mail.smtp.starttls.required")) {
      String v = env.getProperty("spring.mail.properties." + key);
      if (v != null) props.setProperty(key, v);
    }
    return new MailServer(
        host,
        env.getProperty("spring.mail.port", Integer.class),
        MailServer.security(env.getProperty("spring.mail.protocol"), props),
        env.getProperty("spring.mail.username"),
        env.getProperty("spring.mail.password"),
        "spring.mail.*");
  }
}
