/**
 * Spring Boot auto-configuration for Vigil: a {@link dev.vigil.ResourceMonitor} built from {@code
 * vigil.*} properties and the application's beans, started once the application is ready.
 *
 * <pre>{@code
 * vigil:
 *   sources:
 *     cloud: { type: http-json, base-url: https://api.example.com, token: ${CLOUD_TOKEN},
 *              resources-path: /servers, metrics-path: /servers/{id}/metrics,
 *              metrics: { cpu_usage: /cpu } }
 *   rules:
 *     HighCpu: { metric: cpu_usage, above: 80 }
 *   sinks:
 *     ops: { type: email, email: { from: vigil@example.com, to: [ops@example.com] } }
 * }</pre>
 *
 * <p>See {@code docs/spring-boot.md} for every property.
 */
@NullMarked
package dev.vigil.spring.boot;

import org.jspecify.annotations.NullMarked;
