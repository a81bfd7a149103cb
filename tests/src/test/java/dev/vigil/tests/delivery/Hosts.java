package dev.vigil.tests.delivery;

import dev.vigil.MetricSource;
import dev.vigil.PollContext;
import dev.vigil.Sample;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/** A source of one {@code cpu} sample per host, each with its own labels, set by the test. */
final class Hosts implements MetricSource {
  private record Host(double cpu, Map<String, String> labels) {}

  private final Map<String, Host> hosts = new ConcurrentHashMap<>();

  /** Sets {@code resource}'s cpu and labels (given as name, value, name, value...). */
  Hosts set(String resource, double cpu, String... labels) {
    Map<String, String> map = new java.util.HashMap<>();
    for (int i = 0; i + 1 < labels.length; i += 2) map.put(labels[i], labels[i + 1]);
    hosts.put(resource, new Host(cpu, Map.copyOf(map)));
    return this;
  }

  /** Sets the cpu of {@code resource}, keeping its labels. */
  Hosts cpu(String resource, double cpu) {
    hosts.computeIfPresent(resource, (r, h) -> new Host(cpu, h.labels()));
    return this;
  }

  @Override
  public List<Sample> poll(PollContext context) {
    List<Sample> out = new ArrayList<>();
    hosts.forEach((r, h) -> out.add(new Sample("cpu", r, h.labels(), h.cpu(), context.now())));
    return out;
  }
}
