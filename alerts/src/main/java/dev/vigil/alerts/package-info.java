/**
 * Alert sinks: {@link dev.vigil.alerts.LogAlertSink} (SLF4J), {@link
 * dev.vigil.alerts.EmailAlertSink} (SMTP, one email or one digest per group, HTML with a chart of
 * the recent values, replaceable {@link dev.vigil.alerts.EmailTemplate}s), {@link
 * dev.vigil.alerts.WebhookAlertSink} (Alertmanager-compatible JSON, signed), {@link
 * dev.vigil.alerts.AlertmanagerSink} (Prometheus Alertmanager, for de-duplication across replicas),
 * {@link dev.vigil.alerts.SlackAlertSink}, {@link dev.vigil.alerts.TeamsAlertSink} and {@link
 * dev.vigil.alerts.PagerDutyAlertSink}. The HTTP sinks use the JDK's client and share {@link
 * dev.vigil.alerts.HttpSettings}.
 *
 * <pre>{@code
 * EmailAlertSink email = EmailAlertSink.builder().smtpHost("smtp.example.com")
 *     .credentials("alerts@example.com", password)
 *     .from("vigil@example.com").to("oncall@example.com").build();
 * email.verify(); // at startup: host, STARTTLS and login work
 * AlertmanagerSink am = AlertmanagerSink.builder()
 *     .instances("http://alertmanager-0:9093", "http://alertmanager-1:9093").build();
 * ResourceMonitor monitor = ResourceMonitor.builder().source("cloud", everyMinute, cloudSource)
 *     .rule(highCpu).sink("email", email).sink("alertmanager", am).build();
 * }</pre>
 */
@NullMarked
package dev.vigil.alerts;

import org.jspecify.annotations.NullMarked;
