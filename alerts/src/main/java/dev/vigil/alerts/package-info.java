/**
 * Alert sinks: {@link dev.vigil.alerts.LogAlertSink} writes one SLF4J line per notification, {@link
 * dev.vigil.alerts.EmailAlertSink} sends one email per notification over SMTP.
 *
 * <pre>{@code
 * EmailAlertSink email = EmailAlertSink.builder().smtpHost("smtp.example.com")
 *     .credentials("alerts@example.com", password)
 *     .from("vigil@example.com").to("oncall@example.com").build();
 * ResourceMonitor monitor = ResourceMonitor.builder().source("cloud", everyMinute, cloudSource)
 *     .rule(highCpu).sink("log", LogAlertSink.create()).sink("email", email).build();
 * }</pre>
 */
@NullMarked
package dev.vigil.alerts;

import org.jspecify.annotations.NullMarked;
