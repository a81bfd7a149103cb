# Generates VigilProperties.java from the spec below (kept out of the build; rerun by hand:
# python3 spring-boot-starter/gen/props.py). One place for every property, its default and its doc.
import re, sys

D = "Duration"
S = "String"
spec = {}
order = []

def cls(name, doc, fields, enums=None):
    spec[name] = (doc, fields)
    order.append(name)

# field: (type, javaName, default or None, doc). default None => @Nullable (unless collection/nested)
cls("VigilProperties", None, [
  ("boolean", "enabled", "true", "Whether Vigil is auto-configured at all."),
  (S, "instanceId", '"default"', "Name of this replica among those sharing a state store: letters, digits, '-', '_' and '.'; stable across restarts (a pod or host name)."),
  ("boolean", "withoutSinks", "false", "Runs without any sink on purpose: alerts are read through the actuator endpoint, ResourceMonitor.activeAlerts() or a MonitorListener only."),
  (D, "startupGracePeriod", "Duration.ZERO", "Suppresses every notification for this long after start-up, so a restart pages nobody for what was already known."),
  ("int", "sourceFailuresToAlert", "1", "How many polls of a source must fail in a row before its SourceHealth alert fires (1 to 1000)."),
  ("@Nullable Integer", "pollThreads", None, "How many sources may be polled at once by the monitor's own pool (1 to 256); 4 when unset."),
  ("int", "sinkQueueCapacity", "10_000", "How many notifications each sink may have queued; the oldest is dropped when full."),
  ("int", "deliveryAttempts", "3", "How many times a sink is tried per notification (1 means no retry; at most 100)."),
  (D, "deliveryBackoff", "Duration.ofSeconds(1)", "Pause before the first retry of a delivery; it doubles, randomized, up to max-delivery-backoff."),
  (D, "maxDeliveryBackoff", "Duration.ofSeconds(30)", "Longest pause between two delivery attempts."),
  (D, "shutdownTimeout", "Duration.ofSeconds(10)", "How long closing the monitor may take at most (polls finishing, queued notifications delivered). Keep it below spring.lifecycle.timeout-per-shutdown-phase."),
  ("int", "maxNewSeriesPerPoll", "100_000", "How many new series one poll may start before it fails as bad data."),
  ("State", "state", "new State()", "Where silences and notification state survive restarts."),
  ("Metrics", "metrics", "new Metrics()", "The monitor's own meters in Micrometer."),
  ("Map<String, Source>", "sources", "new LinkedHashMap<>()", "Metric sources by name (the name is used in logs, stats, thread names and the SourceHealth alert)."),
  ("Map<String, Rule>", "rules", "new LinkedHashMap<>()", "Alert rules by name; the name becomes the alertname label."),
  ("Route", "route", "new Route()", "The root of the routing tree: which sinks get which notifications, grouped how. Without any sink named here, every sink gets every notification."),
  ("List<SilenceSpec>", "silences", "new ArrayList<>()", "Silences created at start-up, such as a planned maintenance."),
  ("Map<String, MuteWindowSpec>", "muteWindows", "new LinkedHashMap<>()", "Recurring mute windows by name (Alertmanager's mute_time_intervals)."),
  ("List<InhibitRuleSpec>", "inhibitRules", "new ArrayList<>()", "Inhibit rules (Alertmanager's inhibit_rules). Without any, a firing critical alert mutes the warning and info notifications of its resource."),
  ("boolean", "defaultInhibitRule", "true", "Whether the default inhibit rule (critical mutes warning and info of the same resource) is kept when inhibit-rules are given."),
  ("Map<String, Sink>", "sinks", "new LinkedHashMap<>()", "Sinks by name: where notifications go."),
])

cls("State", "Where the monitor keeps silences and what each sink was told, so that a restart does not announce firing alerts again.", [
  ("StateType", "type", "StateType.AUTO", "none, file (state.directory), postgresql (the application's DataSource, with vigil-state-postgresql), or auto: file when directory is set, else none. A StateStore bean always wins."),
  ("@Nullable Path", "directory", None, "Directory of the file state store; created if missing. One monitor per directory."),
])
cls("Metrics", "Binding of the monitor's own health to Micrometer (vigil-micrometer).", [
  ("boolean", "enabled", "true", "Whether VigilMetrics is bound to the application's MeterRegistry when both are present."),
])

cls("Source", "One metric source, polled on its schedule.", [
  ("@Nullable SourceType", "type", None, "What kind of source: http-json, hetzner, digitalocean, prometheus, host or endpoint-check. Required."),
  ("boolean", "enabled", "true", "Whether the source is registered."),
  (D, "interval", "Duration.ofMinutes(1)", "How often the source is polled."),
  ("ScheduleKind", "schedule", "ScheduleKind.FIXED_RATE", "fixed-rate: due times never drift; fixed-delay: the interval is the pause between the end of one poll and the start of the next."),
  ("@Nullable Duration", "initialDelay", None, "Delay of the first poll after start-up; none by default."),
  ("@Nullable Duration", "jitter", None, "Largest random delay added to each due time, to spread the load of many replicas; shorter than the interval."),
  ("@Nullable String", "baseUrl", None, "Base URL of the API (http-json, prometheus; hetzner and digitalocean default to the provider's public API)."),
  ("@Nullable String", "token", None, "Bearer token sent as Authorization: Bearer <token>. Never logged."),
  ("@Nullable String", "username", None, "User of HTTP basic authentication (prometheus)."),
  ("@Nullable String", "password", None, "Password of HTTP basic authentication (prometheus). Never logged."),
  ("OAuth2", "oauth2", "new OAuth2()", "OAuth2 client credentials instead of a fixed token (http-json)."),
  ("@Nullable Duration", "connectTimeout", None, "Connect timeout (http-json, prometheus); 10 s when unset."),
  ("@Nullable Duration", "readTimeout", None, "Read timeout: the longest wait for bytes (http-json, prometheus); 10 s when unset."),
  ("@Nullable Duration", "callTimeout", None, "Longest single request attempt (http-json, prometheus); 30 s when unset."),
  ("@Nullable Duration", "sweepTimeout", None, "Longest one poll may take, listing, retries and waits included (http sources); 50 s when unset."),
  ("@Nullable Double", "requestsPerSecond", None, "Most requests per second this source sends (http sources); no limit when unset."),
  ("@Nullable Integer", "concurrency", None, "Most requests in flight at once (http-json, prometheus, endpoint-check); 8 when unset."),
  ("@Nullable Long", "maxBodyBytes", None, "Largest response body read (http-json, prometheus, endpoint-check); 8 MiB when unset."),
  ("@Nullable Integer", "maxPages", None, "Most listing pages read in one poll (http-json, hetzner, digitalocean); 1000 when unset."),
  ("@Nullable Duration", "maxRetryAfter", None, "Longest Retry-After waited for within a poll (http-json, prometheus); 30 s when unset."),
  ("@Nullable Integer", "maxAttempts", None, "Attempts per request including the first (http sources); the module's default retry when unset."),
  # http-json
  ("@Nullable String", "resourcesPath", None, "http-json: path of the first page of the resource listing, such as /servers. Required."),
  ("@Nullable String", "itemsPointer", None, "http-json: JSON Pointer to the array of resources in a listing page; /items when unset."),
  ("@Nullable String", "idPointer", None, "http-json: JSON Pointer to a resource's id in a listing item; /id when unset."),
  ("Pagination", "pagination", "new Pagination()", "http-json: how the next listing page is found."),
  ("List<String>", "resourceFilters", "new ArrayList<>()", "http-json: matchers in Alertmanager syntax on the resource labels, such as region=\\\"eu-west-1\\\"; only matching resources are read."),
  ("Map<String, String>", "resourceLabels", "new LinkedHashMap<>()", "http-json: labels taken from each listing item, label name to JSON Pointer."),
  ("@Nullable String", "metricsPath", None, "http-json: path of a resource's metrics, with {id} once, such as /servers/{id}/metrics. Required."),
  ("Map<String, String>", "metrics", "new LinkedHashMap<>()", "http-json: metric name to JSON Pointer of its number in the metrics body, such as cpu_usage: /cpu. At least one."),
  ("@Nullable String", "timestampPointer", None, "http-json: JSON Pointer to an ISO-8601 timestamp in the metrics body."),
  ("@Nullable Integer", "maxResources", None, "http-json: most listing items read in one poll; 100000 when unset."),
  # providers
  ("@Nullable String", "labelSelector", None, "hetzner: label selector of the servers, such as env=prod."),
  ("@Nullable String", "tag", None, "digitalocean: tag of the droplets."),
  ("List<String>", "types", "new ArrayList<>()", "hetzner: metric types (cpu, disk, network); digitalocean: metrics (cpu, memory). All when empty."),
  ("@Nullable Duration", "window", None, "hetzner, digitalocean: time range asked of the metrics API."),
  # prometheus
  ("Map<String, String>", "queries", "new LinkedHashMap<>()", "prometheus: metric name to PromQL instant query, such as cpu_usage: 100 - avg by (instance) (rate(node_cpu_seconds_total{mode=\\\"idle\\\"}[5m])) * 100. At least one."),
  ("List<String>", "resourceLabel", "new ArrayList<>()", "prometheus: series labels whose value names the resource, first present wins; instance, then job when empty."),
  ("@Nullable String", "defaultResource", None, "prometheus: resource of series without any resource-label."),
  ("@Nullable Integer", "maxSeries", None, "prometheus: most series per query."),
  # host
  ("@Nullable String", "resource", None, "host: resource name of the samples; the local host name when unset."),
  ("List<Path>", "disks", "new ArrayList<>()", "host: paths whose free space is reported; the working directory's root when empty."),
  # endpoint checks
  ("Map<String, Check>", "checks", "new LinkedHashMap<>()", "endpoint-check: checks by name (the resource of their samples). At least one."),
])
cls("OAuth2", "OAuth2 client credentials grant: tokens fetched from token-url, cached and refreshed.", [
  ("@Nullable String", "tokenUrl", None, "Token endpoint. Setting it turns OAuth2 on."),
  ("@Nullable String", "clientId", None, "Client id."),
  ("@Nullable String", "clientSecret", None, "Client secret. Never logged."),
  ("@Nullable String", "scope", None, "Scope asked for."),
  ("@Nullable ClientAuthentication", "clientAuthentication", None, "basic (HTTP basic, the default) or form (in the form body)."),
  ("@Nullable Duration", "refreshBefore", None, "How long before expiry a token is refreshed."),
  ("@Nullable Duration", "timeout", None, "Timeout of a token request."),
])
cls("Pagination", "How an http-json listing is paged.", [
  ("PaginationType", "type", "PaginationType.NEXT_LINK", "next-link (a link in the body at next-pointer), link-header (RFC 8288), page-token or offset-limit."),
  ("@Nullable String", "nextPointer", None, "next-link: JSON Pointer to the next page's link; /next when unset."),
  ("@Nullable String", "tokenPointer", None, "page-token: JSON Pointer to the next page token."),
  ("@Nullable String", "parameter", None, "page-token: query parameter that carries the token."),
  ("@Nullable String", "offsetParameter", None, "offset-limit: query parameter of the offset."),
  ("@Nullable String", "limitParameter", None, "offset-limit: query parameter of the page size."),
  ("@Nullable Integer", "limit", None, "offset-limit: page size."),
])
cls("Check", "One endpoint check: a GET or HEAD of a URL, up when the status (and the body) fit.", [
  ("@Nullable String", "url", None, "URL to check. Required."),
  ("@Nullable EndpointMethod", "method", None, "get (default) or head."),
  ("@Nullable Integer", "statusMin", None, "Lowest status that counts as up; 200 when unset (set both or neither)."),
  ("@Nullable Integer", "statusMax", None, "Highest status that counts as up; 299 when unset."),
  ("@Nullable Duration", "timeout", None, "Timeout of the check."),
  ("@Nullable String", "bodyContains", None, "Text the body must contain."),
  ("@Nullable String", "bodyJsonPointer", None, "JSON Pointer that must exist in the body (or equal body-json-equals)."),
  ("@Nullable String", "bodyJsonEquals", None, "Value the body at body-json-pointer must have."),
  ("@Nullable String", "token", None, "Bearer token. Never logged."),
  ("@Nullable String", "username", None, "User of HTTP basic authentication."),
  ("@Nullable String", "password", None, "Password of HTTP basic authentication. Never logged."),
])

COND_FIELDS = [
  ("@Nullable String", "metric", None, "The metric compared. Required unless condition is given."),
  ("AggregateKind", "aggregate", "AggregateKind.LATEST", "latest, avg, min, max, percentile, rate (per second) or predict-linear, over window or window-samples."),
  ("@Nullable Double", "percentile", None, "aggregate percentile: which percentile, 0 to 100."),
  ("@Nullable Duration", "window", None, "Window of the aggregate as a duration, such as 5m."),
  ("@Nullable Integer", "windowSamples", None, "Window of the aggregate as a number of samples, instead of window."),
  ("@Nullable Duration", "predictAhead", None, "aggregate predict-linear: how far ahead the value is predicted."),
  ("@Nullable Double", "above", None, "Breaches when the value is greater than this."),
  ("@Nullable Double", "below", None, "Breaches when the value is less than this."),
  ("Range", "outside", "new Range()", "Breaches when the value is outside [low, high]."),
]
cls("Rule", "One alert rule: the whole AlertRule DSL.", COND_FIELDS + [
  ("@Nullable Double", "criticalAbove", None, "Escalates to critical while the value is greater than this."),
  ("@Nullable Double", "criticalBelow", None, "Escalates to critical while the value is less than this."),
  ("@Nullable Double", "clearBelow", None, "Hysteresis for an above rule: once firing, clears only below this."),
  ("@Nullable Double", "clearAbove", None, "Hysteresis for a below rule: once firing, clears only above this."),
  ("ConditionSpec", "condition", "new ConditionSpec()", "A composite condition over several metrics (all-of or any-of), instead of metric with above/below/outside."),
  ("ConditionSpec", "criticalCondition", "new ConditionSpec()", "A composite condition that escalates to critical."),
  ("ConditionSpec", "clearCondition", "new ConditionSpec()", "A composite condition that clears a firing alert."),
  ("@Nullable Duration", "heartbeat", None, "Makes this a heartbeat rule: fires for each series of the metric without a sample for this long."),
  ("Absent", "absent", "new Absent()", "Makes this an absent rule: fires when no series of the metric matching the matchers was ever reported."),
  ("Severity", "severity", "Severity.WARNING", "info, warning or critical."),
  (D, "for", "Duration.ZERO", "How long the condition must hold before the alert fires (Prometheus for)."),
  ("int", "datapointsToAlarm", "1", "M of M-of-N: how many of the last evaluation-periods datapoints must breach."),
  ("int", "evaluationPeriods", "1", "N of M-of-N, at most 64."),
  (D, "keepFiringFor", "Duration.ZERO", "Keeps a firing alert firing this long after the condition stopped holding."),
  ("MissingData", "missingData", "MissingData.MISSING", "missing, ignore, breaching, not-breaching or keep-last."),
  (D, "staleAfter", "Duration.ofMinutes(5)", "How long an alert may go without data before it moves to NO_DATA."),
  (D, "repeatInterval", "Duration.ZERO", "Notifies a firing alert again this often; 0 for never."),
  ("boolean", "notifyResolved", "true", "Whether resolutions are notified."),
  ("Flapping", "flapping", "new Flapping()", "Flap detection (Nagios style); off unless low and high are set."),
  ("@Nullable String", "summary", None, "Summary template: {rule}, {metric}, {resource}, {value}, {threshold}, {severity}, {labels.NAME}."),
  ("@Nullable String", "description", None, "Description template, for emails and runbooks."),
  ("Map<String, String>", "labels", "new LinkedHashMap<>()", "Static labels added to every alert of the rule, such as team: infra."),
])
cls("Range", "A closed range [low, high].", [
  ("@Nullable Double", "low", None, "Lower bound."),
  ("@Nullable Double", "high", None, "Upper bound."),
])
cls("ConditionSpec", "A composite condition: all of, or any of, several comparisons.", [
  ("List<Comparison>", "allOf", "new ArrayList<>()", "Holds when every comparison holds."),
  ("List<Comparison>", "anyOf", "new ArrayList<>()", "Holds when any comparison holds."),
])
cls("Comparison", "One comparison of a composite condition.", COND_FIELDS)
cls("Absent", "An absent rule: like Prometheus absent(metric{matchers}).", [
  ("@Nullable Duration", "grace", None, "How long after the first poll a series that was never reported counts as absent. Setting it turns the absent rule on."),
  ("List<String>", "matchers", "new ArrayList<>()", "Matchers in Alertmanager syntax the series must match."),
])
cls("Flapping", "Flap detection thresholds, in percent of state changes over the last 21 evaluations.", [
  ("@Nullable Double", "low", None, "Flapping stops at or below this percentage (Nagios uses 20)."),
  ("@Nullable Double", "high", None, "Flapping starts at or above this percentage (Nagios uses 30)."),
])

cls("Route", "A route of the routing tree (Alertmanager's route).", [
  ("@Nullable String", "name", None, "Name of the route, for logs."),
  ("List<String>", "matchers", "new ArrayList<>()", "Matchers in Alertmanager syntax a notification must match (child routes only)."),
  ("List<String>", "sinks", "new ArrayList<>()", "Names of the sinks this route delivers to."),
  ("@Nullable List<String>", "groupBy", None, "Labels to group notifications by; ... for all labels; empty for one group. Ungrouped when unset."),
  ("@Nullable Duration", "groupWait", None, "How long a new group waits before its first flush; 30 s when unset."),
  ("@Nullable Duration", "groupInterval", None, "Least time between two flushes of one group; 5 min when unset."),
  ("@Nullable Duration", "repeatInterval", None, "How often this route's sinks are reminded of a firing alert; the rule's when unset."),
  ("boolean", "sendResolved", "true", "Whether this route's sinks hear that an alert resolved."),
  ("boolean", "continue", "false", "Whether matching goes on to the next sibling route after this one matched."),
  ("List<Route>", "routes", "new ArrayList<>()", "Child routes, tried in order."),
])
cls("SilenceSpec", "A silence created at start-up.", [
  ("List<String>", "matchers", "new ArrayList<>()", "Matchers in Alertmanager syntax; at least one must not match the empty string."),
  ("@Nullable Duration", "duration", None, "How long the silence lasts from start-up; or give ends-at."),
  ("@Nullable Instant", "startsAt", None, "When the silence starts (ISO-8601); now when unset."),
  ("@Nullable Instant", "endsAt", None, "When the silence ends (ISO-8601)."),
  ("@Nullable String", "comment", None, "Why, for people. Required."),
  ("@Nullable String", "createdBy", None, "Who created it."),
])
cls("MuteWindowSpec", "A recurring time of day, on some days, during which notifications are muted.", [
  ("List<DayOfWeek>", "days", "new ArrayList<>()", "Days of the week the window starts on; every day when empty."),
  ("@Nullable LocalTime", "start", None, "Start time of day, inclusive (HH:mm); the whole day when start and end are unset."),
  ("@Nullable LocalTime", "end", None, "End time of day, exclusive; before start means the window crosses midnight."),
  ("@Nullable ZoneId", "zone", None, "Time zone, such as Europe/Berlin. Required."),
  ("List<String>", "matchers", "new ArrayList<>()", "Matchers in Alertmanager syntax; every alert when empty."),
  ("List<Integer>", "daysOfMonth", "new ArrayList<>()", "Days of the month (1 to 31, or -1 for the last)."),
  ("List<Month>", "months", "new ArrayList<>()", "Months."),
  ("List<Integer>", "years", "new ArrayList<>()", "Years."),
])
cls("InhibitRuleSpec", "An inhibit rule: a firing source alert mutes the target alerts that share the equal labels.", [
  ("List<String>", "sourceMatchers", "new ArrayList<>()", "Matchers of the firing alerts that inhibit."),
  ("List<String>", "targetMatchers", "new ArrayList<>()", "Matchers of the alerts that are muted."),
  ("List<String>", "equal", "new ArrayList<>()", "Labels that must be equal in source and target."),
])

cls("Sink", "One sink: where notifications go.", [
  ("@Nullable SinkType", "type", None, "log, email, webhook, slack, teams, pagerduty or alertmanager. Required."),
  ("boolean", "enabled", "true", "Whether the sink is registered."),
  ("@Nullable String", "url", None, "webhook: the receiver's URL; slack, teams: the incoming webhook URL; pagerduty: the Events API URL (the public one when unset)."),
  ("List<String>", "urls", "new ArrayList<>()", "alertmanager: the Alertmanager instances' base URLs."),
  ("@Nullable String", "logger", None, "log: logger name; dev.vigil.alerts when unset."),
  ("boolean", "keyValues", "false", "log: whether the alert's fields are attached as SLF4J key-values."),
  ("Email", "email", "new Email()", "email: sender, recipients and the SMTP server."),
  ("@Nullable String", "signingSecret", None, "webhook: HMAC-SHA256 secret that signs each request. Never logged."),
  ("Map<String, String>", "headers", "new LinkedHashMap<>()", "webhook: extra request headers."),
  ("@Nullable String", "receiver", None, "webhook: receiver name in the payload."),
  ("@Nullable String", "externalUrl", None, "webhook: externalURL in the payload."),
  ("@Nullable String", "generatorUrl", None, "webhook, alertmanager: generatorURL of the alerts."),
  ("@Nullable Integer", "maxAlerts", None, "webhook: most alerts per request."),
  ("@Nullable String", "routingKey", None, "pagerduty: the integration's routing key. Never logged."),
  ("@Nullable String", "clientUrl", None, "pagerduty: client_url of the events."),
  ("@Nullable Duration", "resendInterval", None, "alertmanager: how often firing alerts are sent again."),
  ("@Nullable Duration", "connectTimeout", None, "HTTP sinks: connect timeout."),
  ("@Nullable Duration", "timeout", None, "HTTP sinks: request timeout."),
  ("@Nullable Duration", "maxRetryAfter", None, "HTTP sinks: longest Retry-After honoured."),
  ("Budget", "budget", "new Budget()", "At most deliveries per window; what comes meanwhile is sent as one digest."),
])
cls("Email", "An email sink. The SMTP server is vigil's own smtp settings when smtp.host is set; otherwise the application's JavaMailSender bean (spring.mail.*) when it is a JavaMailSenderImpl; otherwise spring.mail.host and friends.", [
  ("@Nullable String", "from", None, "Sender address. Required (spring.mail.username is not used)."),
  ("List<String>", "to", "new ArrayList<>()", "Recipient addresses. At least one."),
  ("@Nullable String", "subjectPrefix", None, "Subject prefix; [Vigil] when unset."),
  ("boolean", "html", "false", "Whether an HTML part with a chart is sent beside the text."),
  ("Smtp", "smtp", "new Smtp()", "Vigil's own SMTP settings, used instead of spring.mail.* when host is set."),
])
cls("Smtp", "SMTP server settings of an email sink.", [
  ("@Nullable String", "host", None, "SMTP host."),
  ("@Nullable Integer", "port", None, "SMTP port; the security's default (587, 465, 25) when unset."),
  ("@Nullable Security", "security", None, "starttls (default), smtps or none (loopback relays only when credentials are set)."),
  ("@Nullable String", "username", None, "SMTP user."),
  ("@Nullable String", "password", None, "SMTP password. Never logged."),
  ("@Nullable Duration", "connectTimeout", None, "Connect timeout; 10 s when unset."),
  ("@Nullable Duration", "readTimeout", None, "Read timeout; 10 s when unset."),
  ("@Nullable Duration", "writeTimeout", None, "Write timeout; 10 s when unset."),
])
cls("Budget", "A delivery budget of a sink.", [
  ("@Nullable Integer", "deliveries", None, "Most deliveries per window. Setting it turns the budget on."),
  ("@Nullable Duration", "per", None, "The window, such as 1h."),
])

ENUMS = [
  ("StateType", "Where state is kept.", [("AUTO","file when state.directory is set, else none"),("NONE","in memory only"),("FILE","a FileStateStore in state.directory"),("POSTGRESQL","a PostgresStateStore on the application's DataSource")]),
  ("SourceType", "The kinds of source.", [("HTTP_JSON","a paginated JSON API (HttpJsonSource)"),("HETZNER","Hetzner Cloud servers"),("DIGITALOCEAN","DigitalOcean droplets"),("PROMETHEUS","Prometheus instant queries"),("HOST","this JVM's host: CPU, memory, disk"),("ENDPOINT_CHECK","HTTP endpoint checks")]),
  ("ScheduleKind", "How due times follow each other.", [("FIXED_RATE","start + k * interval"),("FIXED_DELAY","interval after the end of the previous poll")]),
  ("PaginationType", "How a listing is paged.", [("NEXT_LINK","a link in the body"),("LINK_HEADER","an RFC 8288 Link header"),("PAGE_TOKEN","a page token"),("OFFSET_LIMIT","offset and limit parameters")]),
  ("ClientAuthentication", "How an OAuth2 client authenticates.", [("BASIC","HTTP basic"),("FORM","in the form body (client_secret_post)")]),
  ("EndpointMethod", "Request method of an endpoint check.", [("GET","reads status and body"),("HEAD","reads the status only")]),
  ("AggregateKind", "Aggregations of a rule's metric.", [("LATEST","the latest value"),("AVG","the mean over the window"),("MIN","the least value over the window"),("MAX","the greatest value over the window"),("PERCENTILE","a percentile over the window"),("RATE","the increase per second over the window"),("PREDICT_LINEAR","the value predicted predict-ahead from now, by a linear fit over the window")]),
  ("SinkType", "The kinds of sink.", [("LOG","SLF4J log lines"),("EMAIL","email over SMTP"),("WEBHOOK","an Alertmanager-style webhook, optionally HMAC signed"),("SLACK","a Slack incoming webhook"),("TEAMS","a Microsoft Teams workflow webhook"),("PAGERDUTY","PagerDuty Events API v2"),("ALERTMANAGER","Prometheus Alertmanager instances")]),
  ("Security", "How an SMTP connection is protected.", [("STARTTLS","plain upgraded with STARTTLS (required)"),("SMTPS","TLS from the first byte"),("NONE","no encryption; loopback relays")]),
]

def cap(n): return n[0].upper()+n[1:]
def nullable(t): return t.startswith("@Nullable")

out = []
w = out.append
w("package dev.vigil.spring.boot;\n")
w("import dev.vigil.MissingData;\nimport dev.vigil.Severity;\nimport java.nio.file.Path;\nimport java.time.DayOfWeek;\nimport java.time.Duration;\nimport java.time.Instant;\nimport java.time.LocalTime;\nimport java.time.Month;\nimport java.time.ZoneId;\nimport java.util.ArrayList;\nimport java.util.LinkedHashMap;\nimport java.util.List;\nimport java.util.Map;\nimport org.jspecify.annotations.Nullable;\nimport org.springframework.boot.context.properties.ConfigurationProperties;\nimport org.springframework.boot.context.properties.NestedConfigurationProperty;\n")
w("""/**
 * Vigil's settings under the prefix {@code vigil}, bound from {@code application.yml}: sources,
 * rules, routes, silences, mute windows, inhibit rules and sinks, each map keyed by name. The full
 * reference with defaults and an example is {@code docs/spring-boot.md}; IDEs complete the names
 * from the generated {@code META-INF/spring-configuration-metadata.json}.
 *
 * <p>Plain mutable beans for Spring's binder; {@link VigilAutoConfiguration} validates them at
 * start-up and fails with a {@link VigilConfigurationException} naming the property path. Not
 * thread safe: read once while the context starts.
 *
 * <p>Generated by {@code spring-boot-starter/gen/props.py}: edit that and run it again.
 */
@ConfigurationProperties(prefix = "vigil")
public class VigilProperties {""")

def body(name, indent):
    doc, fields = spec[name]
    ind = " " * indent
    for t, n, d, fdoc in fields:
        jn = n + "_" if n in ("for", "continue") else n
        w(f"{ind}/** {fdoc} */")
        init = f" = {d}" if d is not None else ""
        w(f"{ind}private {t} {jn}{init};\n")
    for t, n, d, fdoc in fields:
        jn = n + "_" if n in ("for", "continue") else n
        g = "is" if t == "boolean" else "get"
        jd = fdoc.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("@", "&#64;")
        w(f"{ind}/** Returns the setting: {jd} */")
        w(f"{ind}public {t} {g}{cap(n)}() {{\n{ind}  return {jn};\n{ind}}}\n")
        w(f"{ind}/** Sets the setting: {jd} */")
        w(f"{ind}public void set{cap(n)}({t} {jn}) {{\n{ind}  this.{jn} = {jn};\n{ind}}}\n")

body("VigilProperties", 2)
for name in order[1:]:
    doc, fields = spec[name]
    w(f"  /** {doc} */")
    nested = ""
    w(f"  public static class {name} {{")
    body(name, 4)
    w("  }\n")
for en, doc, consts in ENUMS:
    w(f"  /** {doc} */")
    w(f"  public enum {en} {{")
    for i,(c, cd) in enumerate(consts):
        w(f"    /** {cap(cd)}. */")
        w(f"    {c}{',' if i < len(consts)-1 else ''}")
    w("  }\n")
w("}")
src = "\n".join(out)
src = src.replace("import org.springframework.boot.context.properties.NestedConfigurationProperty;\n", "")
open("spring-boot-starter/src/main/java/dev/vigil/spring/boot/VigilProperties.java", "w").write(src)
print("ok", len(src))

# ---- The property reference of docs/spring-boot.md, between the markers. ----
PREFIX = {
  "VigilProperties": "vigil",
  "State": "vigil.state", "Metrics": "vigil.metrics",
  "Source": "vigil.sources.<name>", "OAuth2": "vigil.sources.<name>.oauth2",
  "Pagination": "vigil.sources.<name>.pagination", "Check": "vigil.sources.<name>.checks.<check>",
  "Rule": "vigil.rules.<name>", "Range": "vigil.rules.<name>.outside",
  "ConditionSpec": "vigil.rules.<name>.condition", "Comparison": "vigil.rules.<name>.condition.all-of[i]",
  "Absent": "vigil.rules.<name>.absent", "Flapping": "vigil.rules.<name>.flapping",
  "Route": "vigil.route", "SilenceSpec": "vigil.silences[i]",
  "MuteWindowSpec": "vigil.mute-windows.<name>", "InhibitRuleSpec": "vigil.inhibit-rules[i]",
  "Sink": "vigil.sinks.<name>", "Email": "vigil.sinks.<name>.email",
  "Smtp": "vigil.sinks.<name>.email.smtp", "Budget": "vigil.sinks.<name>.budget",
}
NOTE = {
  "ConditionSpec": "The same fields for `critical-condition` and `clear-condition`.",
  "Comparison": "Each entry of `all-of` or `any-of`.",
  "Route": "Child routes under `vigil.route.routes[i]` have the same fields, nested to any depth.",
  "Range": "Also `outside.low`/`outside.high` of each comparison of a composite condition.",
}
def kebabname(n): return re.sub(r'([A-Z])', lambda m: '-' + m.group(1).lower(), n)
def doctype(t):
    t = t.replace("@Nullable ", "")
    m = {"Duration": "duration", "String": "string", "boolean": "boolean", "int": "integer", "Integer": "integer",
         "Long": "integer", "Double": "number", "Path": "path", "Instant": "instant (ISO-8601)", "LocalTime": "time (HH:mm)",
         "ZoneId": "time zone", "Severity": "`info` \\| `warning` \\| `critical`",
         "MissingData": "`missing` \\| `ignore` \\| `breaching` \\| `not-breaching` \\| `keep-last`"}
    if t in m: return m[t]
    for en, _, consts in ENUMS:
        if t == en: return " \\| ".join("`" + c.lower().replace("_", "-") + "`" for c, _ in consts)
    if t.startswith("List<"):
        inner = t[5:-1]
        return "list of " + (f"groups, see `{PREFIX[inner]}`" if inner in spec else doctype(inner))
    if t.startswith("Map<String, "):
        inner = t[12:-1]
        return "map of " + (doctype(inner) if inner == "String" else f"groups, see `{PREFIX[inner]}`")
    if t in spec: return f"group, see `{PREFIX[t]}`"
    if t == "DayOfWeek": return "day of week"
    if t == "Month": return "month"
    return t
def docdefault(t, d):
    if d is None: return ""
    if d.startswith("new "): return ""
    d = d.replace("_", "")
    m = re.match(r'Duration\.of(Seconds|Minutes)\((\d+)\)', d)
    if m: return m.group(2) + ("s" if m.group(1) == "Seconds" else "m")
    if d == "Duration.ZERO": return "0"
    if "." in d and d.split(".")[0] in [e[0] for e in ENUMS] + ["Severity", "MissingData"]:
        return d.split(".")[1].lower().replace("-", "").replace("_", "-")
    return d.strip('"')
rows = []
for name in order:
    doc, fields = spec[name]
    rows.append(f"\n### `{PREFIX[name]}`\n")
    if doc: rows.append(doc + (" " + NOTE[name] if name in NOTE else "") + "\n")
    rows.append("| Property | Type | Default | Description |")
    rows.append("|---|---|---|---|")
    for t, n, d, fdoc in fields:
        if t in spec or (t.startswith("Map<String, ") and t[12:-1] in spec) or (t.startswith("List<") and t[5:-1] in spec):
            pass
        fd = fdoc.replace("|", "\\|").replace('\\\\"', '"')
        rows.append(f"| `{PREFIX[name]}.{kebabname(n)}` | {doctype(t)} | {('`'+docdefault(t,d)+'`') if docdefault(t,d) else ''} | {fd} |")
table = "\n".join(rows) + "\n"
import os
doc_path = "docs/spring-boot.md"
if os.path.exists(doc_path):
    text = open(doc_path).read()
    begin, end = "<!-- BEGIN GENERATED PROPERTIES (spring-boot-starter/gen/props.py) -->", "<!-- END GENERATED PROPERTIES -->"
    i, j = text.index(begin) + len(begin), text.index(end)
    open(doc_path, "w").write(text[:i] + "\n" + table + "\n" + text[j:])
    print("docs updated")
