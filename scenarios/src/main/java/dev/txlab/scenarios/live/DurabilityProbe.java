package dev.txlab.scenarios.live;

import com.fasterxml.jackson.databind.JsonNode;
import dev.txlab.chaos.fault.Fault;
import dev.txlab.chaos.fault.FaultSyntaxException;
import dev.txlab.checker.Validity;
import dev.txlab.checker.history.Op;
import dev.txlab.checker.history.OpType;
import dev.txlab.coordinator.protocol.Protocol;
import dev.txlab.coordinator.protocol.ProtocolRegistry;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Consumer;

/**
 * Durability on real processes: clients append to lists on a three-node cluster while the shard's
 * leader is killed with SIGKILL and restarted, again and again; then every node is killed at once
 * and restarted; then every key is read back. Every append a client saw acknowledged must be there
 * (nothing acknowledged is lost), and every value read must be one some client tried to append
 * (nothing is invented) — and the history must check. What {@code txlab soak durability} runs, and,
 * shorter, a default-build test.
 */
public final class DurabilityProbe {
  private DurabilityProbe() {}

  /**
   * What the probe found.
   *
   * @param lost acknowledged appends missing from the final read, as {@code key:value}
   * @param phantom values read that no client ever appended, as {@code key:value}
   */
  public record Report(
      int leaderKills,
      long acknowledged,
      int keys,
      List<String> lost,
      List<String> phantom,
      Validity history,
      String historySummary,
      List<String> faults) {
    public Report {
      lost = List.copyOf(lost);
      phantom = List.copyOf(phantom);
      faults = List.copyOf(faults);
    }

    public boolean ok() {
      return lost.isEmpty() && phantom.isEmpty() && history != Validity.INVALID;
    }
  }

  /**
   * Runs the probe on a fresh cluster in {@code dir}.
   *
   * @param leaderKills how many times the leader is killed and restarted while clients write
   * @param writing how long clients write (at least long enough for the kills)
   */
  public static Report run(
      Path dir, int leaderKills, Duration writing, long seed, Consumer<String> progress)
      throws LiveException {
    String protocol = ProtocolRegistry.defaultFor(Protocol.Serves.TRANSACTIONS).name();
    progress.accept("starting 3 node processes (" + protocol + ", one shard × 3) in " + dir);
    LiveCluster cluster =
        LiveCluster.start(
            LiveCluster.StartOptions.defaults(dir)
                .withShape(3, 1, 3)
                .withProtocol(protocol)
                .withTimeout(Duration.ofSeconds(60)),
            null);
    List<String> faults = new ArrayList<>();
    try {
      LiveWorkload w =
          new LiveWorkload(
              cluster,
              LiveWorkload.Spec.defaults("list-append")
                  .withLoad(60, writing, 6)
                  .withTimeout(Duration.ofSeconds(8)));
      LiveNemesis nemesis = new LiveNemesis(cluster, new SplittableRandom(seed));
      w.start();
      long gapMillis = Math.max(2_000, writing.toMillis() / (leaderKills + 2));
      for (int i = 0; i < leaderKills; i++) {
        LiveCluster.sleep(gapMillis);
        LiveNemesis.Applied kill = nemesis.apply(fault("kill leader:shard-0"));
        if (!kill.applied()) {
          kill = nemesis.apply(fault("kill n" + (1 + i % 3)));
        }
        note(faults, progress, w, kill);
        LiveCluster.sleep(1_500);
        note(
            faults, progress, w, nemesis.apply(fault("restart " + String.join(",", kill.nodes()))));
      }
      // Then the whole cluster at once: only what every node had made durable survives.
      LiveCluster.sleep(gapMillis);
      note(faults, progress, w, nemesis.apply(fault("kill all")));
      LiveCluster.sleep(1_000);
      note(faults, progress, w, nemesis.apply(fault("restart all")));
      // Writes go on for a while after the last restart, so progress is judged fairly.
      w.runFor(Duration.ofNanos(Math.max(writing.toNanos(), w.elapsedNanos() + 6_000_000_000L)));
      w.stop();
      LiveWorkload.Result r = w.check(w.elapsedNanos() - 5_000_000_000L);

      Map<String, Set<Long>> acknowledged = new TreeMap<>();
      Map<String, Set<Long>> attempted = new TreeMap<>();
      for (Op op : r.history().events()) {
        if (op.isNemesis() || !(op.value() instanceof List<?> ops)) continue;
        for (Object m : ops) {
          List<?> micro = (List<?>) m;
          if (!String.valueOf(micro.get(0)).endsWith("append")) continue;
          String key = String.valueOf(micro.get(1));
          long value = ((Number) micro.get(2)).longValue();
          if (op.isInvoke()) attempted.computeIfAbsent(key, k -> new TreeSet<>()).add(value);
          if (op.type() == OpType.OK)
            acknowledged.computeIfAbsent(key, k -> new TreeSet<>()).add(value);
        }
      }
      progress.accept(
          "reading back "
              + attempted.size()
              + " keys ("
              + acknowledged.values().stream().mapToInt(Set::size).sum()
              + " acknowledged appends)");
      List<String> lost = new ArrayList<>();
      List<String> phantom = new ArrayList<>();
      for (String key : attempted.keySet()) {
        Set<Long> present = new TreeSet<>();
        readList(cluster, key).forEach(x -> present.add(x.asLong()));
        for (long v : acknowledged.getOrDefault(key, Set.of())) {
          if (!present.contains(v)) lost.add(key + ":" + v);
        }
        for (long v : present) {
          if (!attempted.get(key).contains(v)) phantom.add(key + ":" + v);
        }
      }
      long acked = acknowledged.values().stream().mapToLong(Set::size).sum();
      String summary =
          r.checks().entrySet().stream()
              .map(e -> e.getKey() + " " + e.getValue().validity().name().toLowerCase())
              .reduce((a, b) -> a + ", " + b)
              .orElse("");
      return new Report(
          leaderKills, acked, attempted.size(), lost, phantom, r.validity(), summary, faults);
    } finally {
      LiveCluster.StopReport stop = cluster.stop(Duration.ofSeconds(5));
      if (!stop.leftAlive().isEmpty()) {
        progress.accept("warning: processes left alive: " + stop.leftAlive());
      }
    }
  }

  private static Fault fault(String text) {
    try {
      return Fault.parse(text);
    } catch (FaultSyntaxException e) {
      throw new IllegalStateException(text, e);
    }
  }

  private static void note(
      List<String> faults, Consumer<String> progress, LiveWorkload w, LiveNemesis.Applied a) {
    String line =
        String.format(java.util.Locale.ROOT, "%6.2fs  %s", w.elapsedNanos() / 1e9, a.summary());
    faults.add(line.trim());
    progress.accept("  " + line);
  }

  /** The list at {@code key}, read through {@code POST /txn} (retried while leaders settle). */
  static JsonNode readList(LiveCluster cluster, String key) throws LiveException {
    String last = "";
    for (int attempt = 0; attempt < 30; attempt++) {
      Map<String, Object> body = new LinkedHashMap<>();
      body.put("client", "durability-reader");
      body.put("seq", System.nanoTime());
      List<Object> read = new ArrayList<>();
      read.add("r");
      read.add(key);
      read.add(null);
      body.put("ops", List.of(read));
      NodeApi.Reply reply =
          cluster
              .api(cluster.nodes().get(attempt % cluster.nodes().size()))
              .post("/txn", body, Duration.ofSeconds(10));
      if (reply.ok() && "ok".equals(reply.body().path("status").asText())) {
        JsonNode v = reply.body().get("ops").get(0).get(2);
        return v == null || v.isNull()
            ? com.fasterxml.jackson.databind.node.JsonNodeFactory.instance.arrayNode()
            : v;
      }
      last = reply.describe();
      LiveCluster.sleep(500);
    }
    throw new LiveException("could not read key " + key + " back: " + last);
  }
}
