/**
 * An example Spring Boot application using {@code vigil-spring-boot-starter}: the whole monitor is
 * declared in {@code application.yml}.
 *
 * <pre>{@code
 * CLOUD_API_URL=https://api.example.com/ CLOUD_API_TOKEN=... SMTP_HOST=smtp.example.com \
 *     java -jar vigil-example-spring-boot.jar
 * }</pre>
 */
@NullMarked
package dev.vigil.examples.springboot;

import org.jspecify.annotations.NullMarked;
