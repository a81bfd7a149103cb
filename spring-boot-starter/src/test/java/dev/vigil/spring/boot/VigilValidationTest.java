package dev.vigil.spring.boot;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.springframework.boot.diagnostics.FailureAnalysis;

/** Each start-up validation names the property path and the fix. */
class VigilValidationTest {
  private static final String LOG = "vigil.sinks.log.type=log";
  private static final String HOST = "vigil.sources.local.type=host";
  private static final String CLOUD = "vigil.sources.cloud.type=http-json";

  private static Arguments invalid(String expected, String... properties) {
    return Arguments.of(expected, List.of(properties));
  }

  static Stream<Arguments> cases() {
    return Stream.of(
        invalid(
            "vigil.sources is empty: add a source, such as vigil.sources.cloud.type=http-json, or a"
                + " MetricSource bean",
            LOG),
        invalid("vigil.sinks is empty: add a sink", HOST),
        invalid(
            "vigil.sources.cloud.type is required: set it to one of http-json, hetzner,"
                + " digitalocean, prometheus, host, endpoint-check",
            LOG,
            "vigil.sources.cloud.interval=1m"),
        invalid(
            "vigil.sources.cloud.base-url is required: set it to the API's base URL", LOG, CLOUD),
        invalid(
            "vigil.sources.cloud.base-url is invalid (baseUrl is not an http or https URL: ftp://x)",
            LOG,
            CLOUD,
            "vigil.sources.cloud.base-url=ftp://x"),
        invalid(
            "vigil.sources.cloud.token is required: set it to the API's bearer token",
            LOG,
            CLOUD,
            "vigil.sources.cloud.base-url=https://api.example.com"),
        invalid(
            "vigil.sources.cloud.resources-path is required",
            LOG,
            CLOUD,
            "vigil.sources.cloud.base-url=https://api.example.com",
            "vigil.sources.cloud.token=abc"),
        invalid(
            "vigil.sources.cloud.metrics is empty",
            LOG,
            CLOUD,
            "vigil.sources.cloud.base-url=https://api.example.com",
            "vigil.sources.cloud.token=abc",
            "vigil.sources.cloud.resources-path=/servers",
            "vigil.sources.cloud.metrics-path=/servers/{id}/metrics"),
        invalid(
            "vigil.sources.cloud.metrics-path is invalid (metricsPath must contain {id} exactly once",
            LOG,
            CLOUD,
            "vigil.sources.cloud.base-url=https://api.example.com",
            "vigil.sources.cloud.token=abc",
            "vigil.sources.cloud.resources-path=/servers",
            "vigil.sources.cloud.metrics-path=/servers/metrics"),
        invalid(
            "vigil.sources.local.interval is invalid (period must be positive",
            LOG,
            HOST,
            "vigil.sources.local.interval=0s"),
        invalid(
            "vigil.sources.prom.queries is empty",
            LOG,
            "vigil.sources.prom.type=prometheus",
            "vigil.sources.prom.base-url=http://127.0.0.1:9090"),
        invalid("vigil.sources.up.checks is empty", LOG, "vigil.sources.up.type=endpoint-check"),
        invalid(
            "vigil.rules.HighCpu.above is required (or below, outside, condition, heartbeat or"
                + " absent.grace): set the threshold",
            LOG,
            HOST,
            "vigil.rules.HighCpu.metric=cpu_usage"),
        invalid(
            "vigil.rules.HighCpu.metric is required: set it to the metric the rule compares",
            LOG,
            HOST,
            "vigil.rules.HighCpu.above=80"),
        invalid(
            "vigil.rules.HighCpu.window is required for aggregate avg",
            LOG,
            HOST,
            "vigil.rules.HighCpu.metric=cpu_usage",
            "vigil.rules.HighCpu.above=80",
            "vigil.rules.HighCpu.aggregate=avg"),
        invalid(
            "vigil.rules.HighCpu.critical-above is invalid",
            LOG,
            HOST,
            "vigil.rules.HighCpu.metric=cpu_usage",
            "vigil.rules.HighCpu.above=80",
            "vigil.rules.HighCpu.critical-above=70"),
        invalid(
            "vigil.rules.HighCpu.clear-below is invalid (rule HighCpu: clearBelow 90 must not"
                + " exceed the firing threshold 80)",
            LOG,
            HOST,
            "vigil.rules.HighCpu.metric=cpu_usage",
            "vigil.rules.HighCpu.above=80",
            "vigil.rules.HighCpu.clear-below=90"),
        invalid(
            "vigil.rules.HighCpu.datapoints-to-alarm is invalid",
            LOG,
            HOST,
            "vigil.rules.HighCpu.metric=cpu_usage",
            "vigil.rules.HighCpu.above=80",
            "vigil.rules.HighCpu.datapoints-to-alarm=4",
            "vigil.rules.HighCpu.evaluation-periods=3"),
        invalid(
            "vigil.rules.HighCpu.summary is invalid",
            LOG,
            HOST,
            "vigil.rules.HighCpu.metric=cpu_usage",
            "vigil.rules.HighCpu.above=80",
            "vigil.rules.HighCpu.summary={nope}"),
        invalid(
            "vigil.rules.HighCpu.labels.severity is invalid",
            LOG,
            HOST,
            "vigil.rules.HighCpu.metric=cpu_usage",
            "vigil.rules.HighCpu.above=80",
            "vigil.rules.HighCpu.labels.severity=x"),
        invalid(
            "vigil.sinks.ops.type is required",
            HOST,
            "vigil.sinks.ops.email.from=vigil@example.com"),
        invalid(
            "vigil.sinks.ops.email.smtp.host is required: set it, or set spring.mail.host",
            HOST,
            "vigil.sinks.ops.type=email",
            "vigil.sinks.ops.email.from=vigil@example.com",
            "vigil.sinks.ops.email.to=ops@example.com"),
        invalid(
            "vigil.sinks.ops.email.from is required",
            HOST,
            "vigil.sinks.ops.type=email",
            "vigil.sinks.ops.email.smtp.host=127.0.0.1",
            "vigil.sinks.ops.email.to=ops@example.com"),
        invalid(
            "vigil.sinks.ops.email.to is empty",
            HOST,
            "vigil.sinks.ops.type=email",
            "vigil.sinks.ops.email.smtp.host=127.0.0.1",
            "vigil.sinks.ops.email.from=vigil@example.com"),
        invalid(
            "vigil.sinks.hook.url is required: set it to the receiver's URL",
            HOST,
            "vigil.sinks.hook.type=webhook"),
        invalid("vigil.sinks.pd.routing-key is required", HOST, "vigil.sinks.pd.type=pagerduty"),
        invalid("vigil.sinks.am.urls is empty", HOST, "vigil.sinks.am.type=alertmanager"),
        invalid(
            "vigil.route.sinks[0] names sink nope, which is not configured: use one of [log]",
            HOST,
            LOG,
            "vigil.route.sinks=nope"),
        invalid(
            "vigil.route names no route to sink other",
            HOST,
            LOG,
            "vigil.sinks.other.type=log",
            "vigil.route.sinks=log"),
        invalid(
            "vigil.route.routes[0].matchers[0] is invalid",
            HOST,
            LOG,
            "vigil.route.sinks=log",
            "vigil.route.routes[0].sinks=log",
            "vigil.route.routes[0].matchers=resource=~\"(\""),
        invalid(
            "vigil.mute-windows.nightly.zone is required",
            HOST,
            LOG,
            "vigil.mute-windows.nightly.start=22:00",
            "vigil.mute-windows.nightly.end=06:00"),
        invalid(
            "vigil.silences[0].comment is required",
            HOST,
            LOG,
            "vigil.silences[0].matchers=resource=\"vm-1\"",
            "vigil.silences[0].duration=1h"),
        invalid(
            "vigil.inhibit-rules[0] is invalid",
            HOST,
            LOG,
            "vigil.inhibit-rules[0].source-matchers=severity=\"critical\""),
        invalid(
            "vigil.without-sinks is true but sinks are configured [log]",
            HOST,
            LOG,
            "vigil.without-sinks=true"),
        invalid("vigil.instance-id is invalid", HOST, LOG, "vigil.instance-id=pod 1"),
        invalid(
            "vigil.state.type is postgresql, which needs vigil-state-postgresql and a DataSource"
                + " bean",
            HOST,
            LOG,
            "vigil.state.type=postgresql"),
        invalid("vigil.state.directory is required", HOST, LOG, "vigil.state.type=file"),
        invalid(
            "vigil.sinks.hook.signing-secret is invalid (signingSecret must have at least 16"
                + " characters, has 5): set a secret of at least 16 characters",
            HOST,
            "vigil.sinks.hook.type=webhook",
            "vigil.sinks.hook.url=https://hooks.example.com/vigil",
            "vigil.sinks.hook.signing-secret=short"),
        invalid(
            "vigil.sinks.ops.budget.per is required",
            HOST,
            "vigil.sinks.ops.type=log",
            "vigil.sinks.ops.budget.deliveries=5"));
  }

  private static final String API = "vigil.sources.cloud.base-url=https://api.example.com";
  private static final String[] CLOUD_PATHS = {
    "vigil.sources.cloud.resources-path=/servers",
    "vigil.sources.cloud.metrics-path=/servers/{id}/metrics",
    "vigil.sources.cloud.metrics.cpu_usage=/cpu"
  };

  private static Arguments cloud(String expected, String... properties) {
    List<String> all = new ArrayList<>(List.of(LOG, CLOUD, API));
    all.addAll(List.of(CLOUD_PATHS));
    all.addAll(List.of(properties));
    return Arguments.of(expected, all);
  }

  private static Arguments rule(String expected, String... properties) {
    List<String> all = new ArrayList<>(List.of(LOG, HOST));
    for (String property : properties) all.add("vigil.rules.R." + property);
    return Arguments.of(expected, all);
  }

  static Stream<Arguments> sourceCases() {
    return Stream.of(
        cloud(
            "vigil.sources.cloud.token conflicts with oauth2.token-url: set one of token and"
                + " oauth2",
            "vigil.sources.cloud.token=abc",
            "vigil.sources.cloud.oauth2.token-url=https://auth.example.com/token"),
        cloud(
            "vigil.sources.cloud.oauth2.client-id is required",
            "vigil.sources.cloud.oauth2.token-url=https://auth.example.com/token"),
        cloud(
            "vigil.sources.cloud.oauth2.client-secret is required",
            "vigil.sources.cloud.oauth2.token-url=https://auth.example.com/token",
            "vigil.sources.cloud.oauth2.client-id=vigil"),
        cloud(
            "vigil.sources.cloud.pagination.token-pointer is required",
            "vigil.sources.cloud.token=abc",
            "vigil.sources.cloud.pagination.type=page-token"),
        cloud(
            "vigil.sources.cloud.pagination.limit is required",
            "vigil.sources.cloud.token=abc",
            "vigil.sources.cloud.pagination.type=offset-limit",
            "vigil.sources.cloud.pagination.offset-parameter=offset",
            "vigil.sources.cloud.pagination.limit-parameter=limit"),
        cloud(
            "vigil.sources.cloud.max-attempts is invalid",
            "vigil.sources.cloud.token=abc",
            "vigil.sources.cloud.max-attempts=0"),
        cloud(
            "vigil.sources.cloud.resource-filters[0] is invalid",
            "vigil.sources.cloud.token=abc",
            "vigil.sources.cloud.resource-filters=zone"),
        invalid(
            "vigil.sources.hcloud.token is required: set it to the Hetzner Cloud API token",
            LOG,
            "vigil.sources.hcloud.type=hetzner"),
        invalid(
            "vigil.sources.hcloud.types is invalid",
            LOG,
            "vigil.sources.hcloud.type=hetzner",
            "vigil.sources.hcloud.token=abc",
            "vigil.sources.hcloud.types=gpu"),
        invalid(
            "vigil.sources.do.token is required: set it to a DigitalOcean API token",
            LOG,
            "vigil.sources.do.type=digitalocean"),
        invalid(
            "vigil.sources.prom.base-url is required",
            LOG,
            "vigil.sources.prom.type=prometheus",
            "vigil.sources.prom.queries.up=up"),
        invalid(
            "vigil.sources.prom.token conflicts with username",
            LOG,
            "vigil.sources.prom.type=prometheus",
            "vigil.sources.prom.base-url=http://127.0.0.1:9090",
            "vigil.sources.prom.queries.up=up",
            "vigil.sources.prom.token=abc",
            "vigil.sources.prom.username=reader"),
        invalid(
            "vigil.sources.prom.password is required",
            LOG,
            "vigil.sources.prom.type=prometheus",
            "vigil.sources.prom.base-url=http://127.0.0.1:9090",
            "vigil.sources.prom.queries.up=up",
            "vigil.sources.prom.username=reader"),
        invalid(
            "vigil.sources.up.checks.api.url is required",
            LOG,
            "vigil.sources.up.type=endpoint-check",
            "vigil.sources.up.checks.api.method=head"),
        invalid(
            "vigil.sources.up.checks.api.status-max is required",
            LOG,
            "vigil.sources.up.type=endpoint-check",
            "vigil.sources.up.checks.api.url=https://api.example.com/health",
            "vigil.sources.up.checks.api.status-min=200"),
        invalid(
            "vigil.sources.local.jitter is invalid",
            LOG,
            HOST,
            "vigil.sources.local.interval=1m",
            "vigil.sources.local.jitter=2m"));
  }

  static Stream<Arguments> ruleCases() {
    return Stream.of(
        rule(
            "vigil.rules.R.above conflicts with another threshold",
            "metric=cpu",
            "above=80",
            "below=10"),
        rule(
            "vigil.rules.R.condition conflicts with above/below/outside",
            "metric=cpu",
            "above=80",
            "condition.all-of[0].metric=mem",
            "condition.all-of[0].above=90"),
        rule(
            "vigil.rules.R.condition.any-of conflicts with all-of",
            "condition.all-of[0].metric=mem",
            "condition.all-of[0].above=90",
            "condition.any-of[0].metric=cpu",
            "condition.any-of[0].above=90"),
        rule(
            "vigil.rules.R.condition.all-of[1].above is required",
            "condition.all-of[0].metric=mem",
            "condition.all-of[0].above=90",
            "condition.all-of[1].metric=cpu"),
        rule(
            "vigil.rules.R.condition.all-of[0].metric is required", "condition.all-of[0].above=90"),
        rule(
            "vigil.rules.R.window is set but aggregate is latest",
            "metric=cpu",
            "above=80",
            "window=5m"),
        rule(
            "vigil.rules.R.window-samples is set but aggregate is latest: set aggregate",
            "metric=cpu",
            "above=80",
            "window-samples=3"),
        rule(
            "vigil.rules.R.percentile is set but aggregate is avg",
            "metric=cpu",
            "above=80",
            "aggregate=avg",
            "window=5m",
            "percentile=95"),
        rule(
            "vigil.rules.R.predict-ahead is set but aggregate is latest",
            "metric=cpu",
            "above=80",
            "predict-ahead=1h"),
        rule(
            "vigil.rules.R.condition.any-of[0].window-samples is set but aggregate is latest",
            "condition.any-of[0].metric=cpu",
            "condition.any-of[0].above=80",
            "condition.any-of[0].window-samples=3"),
        rule(
            "vigil.rules.R.window-samples conflicts with window",
            "metric=cpu",
            "above=80",
            "aggregate=max",
            "window=5m",
            "window-samples=3"),
        rule(
            "vigil.rules.R.percentile is required",
            "metric=cpu",
            "above=80",
            "aggregate=percentile",
            "window=5m"),
        rule(
            "vigil.rules.R.predict-ahead is required",
            "metric=disk",
            "below=0",
            "aggregate=predict-linear",
            "window=1h"),
        rule("vigil.rules.R.outside.high is required", "metric=cpu", "outside.low=10"),
        rule(
            "vigil.rules.R.absent.grace is required when absent.matchers are set",
            "metric=cpu",
            "absent.matchers=resource=\"db-1\""),
        rule(
            "vigil.rules.R.flapping.high is required", "metric=cpu", "above=80", "flapping.low=20"),
        rule(
            "vigil.rules.R.flapping is invalid",
            "metric=cpu",
            "above=80",
            "flapping.low=40",
            "flapping.high=30"),
        rule("vigil.rules.R.heartbeat is invalid", "metric=cpu", "above=80", "heartbeat=5m"),
        // the rule's name says critical: the heartbeat is still the setting at fault
        invalid(
            "vigil.rules.critical_disk.heartbeat is invalid",
            LOG,
            HOST,
            "vigil.rules.critical_disk.metric=disk",
            "vigil.rules.critical_disk.below=5",
            "vigil.rules.critical_disk.heartbeat=5m"),
        rule("vigil.rules.R.absent.grace is invalid", "metric=cpu", "above=80", "absent.grace=5m"),
        rule("vigil.rules.R.for is invalid", "metric=cpu", "above=80", "for=-1m"),
        rule(
            "vigil.rules.R.severity is invalid",
            "metric=cpu",
            "above=80",
            "critical-above=90",
            "severity=critical"),
        rule(
            "vigil.rules.R.aggregate is invalid",
            "metric=cpu",
            "aggregate=avg",
            "window=5m",
            "heartbeat=5m"));
  }

  static Stream<Arguments> monitorCases() {
    return Stream.of(
        invalid(
            "vigil.route.matchers is set on the root route",
            HOST,
            LOG,
            "vigil.route.sinks=log",
            "vigil.route.matchers=severity=\"critical\""),
        invalid("vigil.route.sinks is required", HOST, LOG, "vigil.route.routes[0].sinks=log"),
        invalid(
            "vigil.mute-windows.nightly.end is required",
            HOST,
            LOG,
            "vigil.mute-windows.nightly.start=22:00",
            "vigil.mute-windows.nightly.zone=UTC"),
        invalid(
            "vigil.silences[0].matchers is empty",
            HOST,
            LOG,
            "vigil.silences[0].duration=1h",
            "vigil.silences[0].comment=maintenance"),
        invalid(
            "vigil.silences[0].duration is required (or ends-at)",
            HOST,
            LOG,
            "vigil.silences[0].matchers=resource=\"vm-1\"",
            "vigil.silences[0].comment=maintenance"),
        invalid(
            "vigil.silences[0].duration conflicts with ends-at",
            HOST,
            LOG,
            "vigil.silences[0].matchers=resource=\"vm-1\"",
            "vigil.silences[0].duration=1h",
            "vigil.silences[0].ends-at=2030-01-01T00:00:00Z",
            "vigil.silences[0].comment=maintenance"),
        invalid("vigil.poll-threads is invalid", HOST, LOG, "vigil.poll-threads=0"),
        invalid("vigil.delivery-attempts is invalid", HOST, LOG, "vigil.delivery-attempts=0"),
        invalid(
            "vigil.delivery-backoff is invalid",
            HOST,
            LOG,
            "vigil.delivery-backoff=1m",
            "vigil.max-delivery-backoff=1s"),
        invalid(
            "vigil.source-failures-to-alert is invalid",
            HOST,
            LOG,
            "vigil.source-failures-to-alert=0"),
        invalid(
            "vigil.sinks.ops.budget is invalid",
            HOST,
            "vigil.sinks.ops.type=log",
            "vigil.sinks.ops.budget.deliveries=0",
            "vigil.sinks.ops.budget.per=1h"),
        invalid(
            "vigil.sinks.slack.url is required: set it to the Slack incoming webhook URL",
            HOST,
            "vigil.sinks.slack.type=slack"),
        invalid(
            "vigil.sinks.teams.url is invalid",
            HOST,
            "vigil.sinks.teams.type=teams",
            "vigil.sinks.teams.url=http://teams.example.com/hook"),
        invalid(
            "vigil.sinks.ops.email.smtp.password is required",
            HOST,
            "vigil.sinks.ops.type=email",
            "vigil.sinks.ops.email.smtp.host=smtp.example.com",
            "vigil.sinks.ops.email.smtp.username=vigil"),
        invalid(
            "vigil.sinks.ops.email.to[1] is invalid",
            HOST,
            "vigil.sinks.ops.type=email",
            "vigil.sinks.ops.email.smtp.host=smtp.example.com",
            "vigil.sinks.ops.email.from=vigil@example.com",
            "vigil.sinks.ops.email.to=ops@example.com,not an address"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource({"cases", "sourceCases", "ruleCases", "monitorCases"})
  void startupFailureNamesThePropertyAndTheFix(String expected, List<String> properties) {
    TestApps.runner()
        .withPropertyValues(properties.toArray(new String[0]))
        .run(context -> assertThat(TestApps.failure(context).getMessage()).startsWith(expected));
  }

  @org.springframework.context.annotation.Configuration(proxyBeanMethods = false)
  static class CloudBean {
    @org.springframework.context.annotation.Bean
    dev.vigil.MetricSource cloud() {
      return dev.vigil.testing.ScriptedSource.of("cpu_usage", "vm-1", "1");
    }
  }

  @Test
  void aPropertySourceMayNotShareItsNameWithABean() {
    TestApps.runner()
        .withUserConfiguration(CloudBean.class)
        .withPropertyValues(LOG, "vigil.sources.cloud.type=host")
        .run(
            context ->
                assertThat(TestApps.failure(context).getMessage())
                    .startsWith(
                        "vigil.sources.cloud.type is set, but a MetricSource bean is named cloud"
                            + " too: rename the bean or the source"));
  }

  @Test
  void secretsNeverReachTheMessage() {
    List<String> props = new ArrayList<>(List.of(LOG, CLOUD));
    props.add("vigil.sources.cloud.base-url=https://api.example.com");
    props.add("vigil.sources.cloud.token=bad token with spaces");
    TestApps.runner()
        .withPropertyValues(props.toArray(new String[0]))
        .run(
            context -> {
              VigilConfigurationException e = TestApps.failure(context);
              assertThat(e.property()).isEqualTo("vigil.sources.cloud.token");
              assertThat(e.getMessage()).doesNotContain("bad token");
            });
  }

  @Test
  void failureAnalyzerPrintsDescriptionAndAction() {
    TestApps.runner()
        .withPropertyValues(LOG, CLOUD)
        .run(
            context -> {
              VigilConfigurationException e = TestApps.failure(context);
              FailureAnalysis analysis =
                  new VigilFailureAnalyzer().analyze(context.getStartupFailure());
              assertThat(analysis).isNotNull();
              assertThat(analysis.getDescription())
                  .isEqualTo("Vigil's setting vigil.sources.cloud.base-url is required.");
              assertThat(analysis.getAction())
                  .startsWith(
                      "Update your application's configuration: set it to the API's base URL.");
              assertThat(analysis.getCause()).isSameAs(e);
            });
  }

  @Test
  void failureAnalyzerIsRegisteredInSpringFactories() {
    var factories =
        org.springframework.core.io.support.SpringFactoriesLoader.forDefaultResourceLocation()
            .load(
                org.springframework.boot.diagnostics.FailureAnalyzer.class,
                null,
                // other analyzers need constructor arguments that Spring Boot passes: skip them
                org.springframework.core.io.support.SpringFactoriesLoader.FailureHandler
                    .handleMessage((message, failure) -> {}));
    assertThat(factories).anyMatch(f -> f instanceof VigilFailureAnalyzer);
  }
}
