package dev.vigil.examples.springboot;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;

/**
 * A Spring Boot application that monitors a cloud API with Vigil, configured only by its {@code
 * application.yml}: every minute it polls the API with a bearer token (from the environment
 * variable {@code CLOUD_API_TOKEN}) and emails a firing alert when {@code cpu_usage > 80}, and a
 * resolved one when it falls back. Active alerts and silences are at {@code /actuator/vigil}, the
 * monitor's health at {@code /actuator/health}.
 */
@SpringBootApplication
public class VigilSpringBootExample {
  /**
   * Runs the application.
   *
   * @param args Spring Boot's command line arguments, such as {@code --server.port=8081}
   */
  public static void main(String[] args) {
    SpringApplication.run(VigilSpringBootExample.class, args);
  }
}
