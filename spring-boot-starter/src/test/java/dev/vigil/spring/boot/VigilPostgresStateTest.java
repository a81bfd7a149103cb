package dev.vigil.spring.boot;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vigil.AlertNotification;
import dev.vigil.MetricSource;
import dev.vigil.ResourceMonitor;
import dev.vigil.Sample;
import dev.vigil.Silence;
import dev.vigil.SuppressionKind;
import dev.vigil.state.postgresql.PostgresStateStore;
import dev.vigil.testing.RecordingSink;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.postgresql.ds.PGSimpleDataSource;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

/**
 * {@code vigil.state.type=postgresql} on the application's DataSource, against a real PostgreSQL:
 * two applications (replicas) share the database, and a silence created through one's {@code vigil}
 * endpoint mutes the other.
 */
@Timeout(120)
@Tag("integration")
class VigilPostgresStateTest {
  private static PostgresServer server;

  @BeforeAll
  static void startServer() throws Exception {
    server = PostgresServer.start();
  }

  @AfterAll
  static void stopServer() throws Exception {
    if (server != null) server.close();
  }

  private static DataSource dataSource() {
    PGSimpleDataSource ds = new PGSimpleDataSource();
    ds.setUrl(server.jdbcUrl());
    ds.setUser(PostgresServer.USER);
    ds.setPassword(PostgresServer.PASSWORD);
    return ds;
  }

  private static ApplicationContextRunner replica(String id) {
    MetricSource cloud =
        context ->
            List.of(
                Sample.of("cpu_usage", "vm-1", 95, context.now()),
                Sample.of("cpu_usage", "vm-2", 95, context.now()));
    return TestApps.runner()
        .withUserConfiguration(TestApps.Time.class)
        .withBean("dataSource", DataSource.class, VigilPostgresStateTest::dataSource)
        .withBean("cloud", MetricSource.class, () -> cloud)
        .withBean("ops", RecordingSink.class, RecordingSink::create)
        .withPropertyValues(
            "vigil.instance-id=" + id,
            "vigil.state.type=postgresql",
            "vigil.rules.HighCpu.metric=cpu_usage",
            "vigil.rules.HighCpu.above=80",
            "management.endpoints.web.exposure.include=vigil",
            // An ApplicationContextRunner's conditions convert enums without Boot's relaxed names.
            "management.endpoint.vigil.access=UNRESTRICTED");
  }

  @Test
  void aSilenceCreatedThroughOneReplicasEndpointMutesTheOther() {
    replica("replica-a")
        .run(
            a ->
                replica("replica-b")
                    .run(
                        b -> {
                          assertThat(a).hasNotFailed();
                          assertThat(b).hasNotFailed();
                          assertThat(a.getBean(VigilStateStores.class).store())
                              .isInstanceOf(PostgresStateStore.class);
                          assertThat(b.getBean(ResourceMonitor.class).silences())
                              .extracting(Silence::comment)
                              .doesNotContain("patching vm-1");

                          Map<String, Object> created =
                              a.getBean(VigilEndpoint.class)
                                  .createSilence(
                                      "resource=\"vm-1\"", "1h", null, "patching vm-1", "alice");

                          ResourceMonitor second = b.getBean(ResourceMonitor.class);
                          second.pollNow(); // only the replica without the silence evaluates
                          assertThat(second.flush(Duration.ofSeconds(10))).isTrue();
                          assertThat(b.getBean(RecordingSink.class).firing())
                              .extracting(AlertNotification::resource)
                              .containsExactly("vm-2");
                          assertThat(second.stats().suppressed())
                              .containsEntry(SuppressionKind.SILENCE, 1L);
                          assertThat(second.silences())
                              .extracting(Silence::id, Silence::comment)
                              .contains(
                                  org.assertj.core.groups.Tuple.tuple(
                                      created.get("id"), "patching vm-1"));
                        }));
  }

  @Test
  void theStoreOutlivesARestartOfTheApplication() {
    replica("replica-a")
        .run(
            a -> {
              assertThat(a).hasNotFailed();
              a.getBean(VigilEndpoint.class)
                  .createSilence("resource=\"vm-9\"", "1h", null, "kept across restarts", null);
            });
    replica("replica-a")
        .run(
            a ->
                assertThat(a.getBean(ResourceMonitor.class).silences())
                    .extracting(Silence::comment)
                    .contains("kept across restarts"));
  }
}
