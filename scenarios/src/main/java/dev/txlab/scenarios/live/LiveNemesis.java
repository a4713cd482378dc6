package dev.txlab.scenarios.live;

import com.fasterxml.jackson.databind.JsonNode;
import dev.txlab.chaos.fault.ClusterSnapshot;
import dev.txlab.chaos.fault.ClusterView;
import dev.txlab.chaos.fault.Fault;
import dev.txlab.chaos.fault.Link;
import dev.txlab.chaos.fault.Partitions;
import dev.txlab.chaos.fault.Resolved;
import dev.txlab.chaos.fault.Target;
import dev.txlab.chaos.fault.TargetResolver;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SortedSet;
import java.util.SplittableRandom;
import java.util.TreeSet;

/**
 * Applies faults to a live cluster, in the text forms every host shares. Processes get real signals
 * ({@code kill}: SIGKILL; {@code pause}/{@code resume}: SIGSTOP/SIGCONT; {@code restart}: the node
 * relaunched with its recorded command). Network, link and clock faults go to the nodes' admin
 * APIs: a partition is resolved here into the links it cuts, and each node is told, as an explicit
 * two-group partition, which nodes it must no longer exchange messages with; link faults go to
 * every node; a clock fault goes to the node it names. Role targets ({@code leader:shard-1}, {@code
 * coordinator}) are resolved against the nodes' status at the moment of applying.
 *
 * <p>Partitions add up until a heal, as on the simulator and in scheduled live runs (which go
 * through {@code chaos.live.LiveNemesis}): a node told of a new partition keeps the cuts it reports
 * having and adds the new ones. {@code heal} ends them all, as everywhere.
 *
 * <p>Every fault applied — or refused by the cluster at that moment — is appended with its wall
 * time to {@code DIR/faults.jsonl}, from which a workload's history gets its {@code :nemesis} ops.
 */
public final class LiveNemesis {
  private static final Duration ADMIN_TIMEOUT = Duration.ofSeconds(3);
  private static final Duration RESTART_TIMEOUT = Duration.ofSeconds(60);

  /**
   * What applying one fault did.
   *
   * @param fault the fault as asked
   * @param nodes the nodes it acted on (after resolving roles)
   * @param applied false when the cluster could not take it right now (no leader, node down…)
   * @param changes one line per thing that changed, for people
   */
  public record Applied(
      Fault fault, List<String> nodes, boolean applied, List<String> changes, long wallNanos) {
    public Applied {
      nodes = List.copyOf(nodes);
      changes = List.copyOf(changes);
    }

    /** {@code kill leader:shard-1 → n3}, or why it was not applied. */
    public String summary() {
      if (!applied) {
        return fault.text() + " (not applied: " + String.join("; ", changes) + ")";
      }
      return fault.text() + (nodes.isEmpty() ? "" : " → " + String.join(",", nodes));
    }
  }

  private final LiveCluster cluster;
  private final SplittableRandom random;

  public LiveNemesis(LiveCluster cluster, SplittableRandom random) {
    this.cluster = cluster;
    this.random = random;
  }

  /**
   * Checks a fault against the cluster before applying it: every node and shard it names must
   * exist. Returns the problem, or null.
   */
  public String problemWith(Fault fault) {
    for (String n : fault.namedNodes()) {
      if (!cluster.nodes().contains(n)) {
        return "node '"
            + n
            + "' is not in the cluster ("
            + String.join(", ", cluster.nodes())
            + ")";
      }
    }
    for (String s : fault.namedShards()) {
      if (!cluster.shards().contains(s)) {
        return "no shard '" + s + "' in the cluster (" + String.join(", ", cluster.shards()) + ")";
      }
    }
    return null;
  }

  /** Applies {@code fault} now and records it in {@code faults.jsonl}. */
  public Applied apply(Fault fault) throws LiveException {
    String problem = problemWith(fault);
    if (problem != null) {
      throw new LiveException("'" + fault.text() + "': " + problem);
    }
    long wallNanos = wallNanos();
    Applied a = applyNow(fault, wallNanos);
    record(a);
    return a;
  }

  /** Applies a fault to nodes already chosen (the end of a scheduled window acts on these). */
  public Applied applyTo(Fault fault, List<String> nodes) throws LiveException {
    Fault concrete = withTarget(fault, Target.Nodes.of(nodes.toArray(new String[0])));
    return apply(concrete);
  }

  private Applied applyNow(Fault fault, long wallNanos) throws LiveException {
    if (fault instanceof Fault.DisconnectClients) {
      return refused(
          fault,
          "txlab's nodes keep no client sessions (one request, one reply): nothing to disconnect",
          wallNanos);
    }
    if (fault instanceof Fault.Kill) {
      Fault.Kill k = (Fault.Kill) fault;
      Resolved<List<String>> nodes = resolve(k.target());
      if (!nodes.isResolved()) return refused(fault, nodes.reason(), wallNanos);
      List<String> changes = new ArrayList<>();
      if (k.after().isPresent()) {
        // Armed, not killed: the node halts itself the moment a coordinator on it reaches the
        // phase.
        if (!cluster.file().admin()) {
          return refused(fault, noAdmin(), wallNanos);
        }
        String phase = k.after().get().text();
        for (String n : nodes.value()) {
          if (!cluster.alive(n)) {
            changes.add(n + " is down; not armed");
            continue;
          }
          adminFault(n, "kill-after " + phase, "arm");
          changes.add(
              "armed "
                  + n
                  + ": it halts (a real crash) when a coordinator there reaches '"
                  + phase
                  + "'");
        }
        return new Applied(fault, nodes.value(), true, changes, wallNanos);
      }
      for (String n : nodes.value()) {
        ClusterFile.Node cn = cluster.node(n);
        changes.add(
            cluster.kill(n)
                ? "killed " + n + " (SIGKILL, pid " + cn.pid() + ")"
                : n + " was already down");
      }
      return new Applied(fault, nodes.value(), true, changes, wallNanos);
    } else if (fault instanceof Fault.Restart) {
      Resolved<List<String>> nodes = resolveProcessTarget(((Fault.Restart) fault).target());
      if (!nodes.isResolved()) return refused(fault, nodes.reason(), wallNanos);
      List<String> changes = new ArrayList<>();
      List<String> acted = new ArrayList<>();
      for (String n : nodes.value()) {
        if (cluster.alive(n)
            && cluster.file().admin()
            && adminFaultOrNull(n, "kill-after off") != null) {
          // A phase-triggered kill that never fired ends disarmed, as in the simulator.
          changes.add(n + " disarmed (kill-after off)");
        }
        if (cluster.restart(n, RESTART_TIMEOUT)) {
          acted.add(n);
          changes.add("restarted " + n + " (pid " + cluster.file().node(n).pid() + ")");
        } else if (isTargetExplicit(((Fault.Restart) fault).target())) {
          changes.add(n + " is running; left alone");
        }
      }
      if (changes.isEmpty()) changes.add("every node is running; nothing to restart");
      return new Applied(fault, acted, true, changes, wallNanos);
    } else if (fault instanceof Fault.Pause || fault instanceof Fault.Resume) {
      boolean pause = fault instanceof Fault.Pause;
      Target t = pause ? ((Fault.Pause) fault).target() : ((Fault.Resume) fault).target();
      Resolved<List<String>> nodes = pause ? resolve(t) : resolveProcessTarget(t);
      if (!nodes.isResolved()) return refused(fault, nodes.reason(), wallNanos);
      List<String> changes = new ArrayList<>();
      for (String n : nodes.value()) {
        boolean done = cluster.signal(n, pause ? "STOP" : "CONT");
        if (done && (pause || isTargetExplicit(t))) {
          changes.add(
              (pause ? "paused " : "resumed ")
                  + n
                  + " (SIG"
                  + (pause ? "STOP" : "CONT")
                  + ", pid "
                  + cluster.file().node(n).pid()
                  + ")");
        } else if (!done) {
          changes.add(n + " is down; nothing to " + (pause ? "pause" : "resume"));
        }
      }
      if (changes.isEmpty()) changes.add("sent SIGCONT to every running node");
      return new Applied(fault, nodes.value(), true, changes, wallNanos);
    } else if (isPartition(fault)) {
      return partition(fault, wallNanos);
    } else if (fault instanceof Fault.Heal) {
      return everyNode(fault, "/admin/heal", Map.of(), wallNanos);
    } else if (fault instanceof Fault.NetReset) {
      // Nodes know each link fault by name; turning all of them off is each one set to zero.
      List<String> changes = new ArrayList<>();
      List<String> touched = new ArrayList<>();
      for (String off : List.of("delay 0s", "loss 0%", "duplicate 0%")) {
        Applied a = everyNode(fault, "/admin/faults", Map.of("fault", off), wallNanos);
        touched = a.nodes();
        changes.addAll(a.changes());
      }
      return new Applied(fault, touched, true, changes, wallNanos);
    } else if (fault instanceof Fault.Reorder) {
      return refused(
          fault,
          "live nodes cannot reorder messages on one link (TCP delivers each link in order)",
          wallNanos);
    } else if (fault.category() == Fault.Category.LINK) {
      return everyNode(fault, "/admin/faults", Map.of("fault", fault.text()), wallNanos);
    } else if (fault.category() == Fault.Category.CLOCK) {
      return clock(fault, wallNanos);
    }
    return refused(
        fault, "the live host does not apply '" + fault.keyword() + "' faults", wallNanos);
  }

  private static boolean isTargetExplicit(Target t) {
    return t instanceof Target.Nodes;
  }

  private static boolean isPartition(Fault f) {
    return f instanceof Fault.Partition
        || f instanceof Fault.PartitionHalves
        || f instanceof Fault.PartitionMajorityRing
        || f instanceof Fault.PartitionBridge
        || f instanceof Fault.PartitionOneWay
        || f instanceof Fault.Isolate;
  }

  /**
   * {@code all} for restart/resume means every node that needs it; other targets resolve as usual.
   */
  private Resolved<List<String>> resolveProcessTarget(Target t) {
    return resolve(t);
  }

  private Resolved<List<String>> resolve(Target t) {
    ClusterView view =
        needsStatus(t) ? cluster.view() : ClusterSnapshot.of(cluster.nodes(), cluster.shards());
    return TargetResolver.resolve(t, view, random);
  }

  private static boolean needsStatus(Target t) {
    return t instanceof Target.LeaderOf
        || (t instanceof Target.Role && ((Target.Role) t).kind() == Target.RoleKind.COORDINATOR);
  }

  private Applied partition(Fault fault, long wallNanos) throws LiveException {
    if (fault instanceof Fault.PartitionOneWay) {
      return refused(
          fault,
          "one-way partitions need a node that drops only one direction; the admin API takes symmetric groups",
          wallNanos);
    }
    if (!cluster.file().admin()) {
      return refused(fault, noAdmin(), wallNanos);
    }
    boolean roles = fault instanceof Fault.Isolate && needsStatus(((Fault.Isolate) fault).target());
    ClusterView view =
        roles ? cluster.view() : ClusterSnapshot.of(cluster.nodes(), cluster.shards());
    Resolved<SortedSet<Link>> cut = Partitions.cutLinks(fault, view, random);
    if (!cut.isResolved()) return refused(fault, cut.reason(), wallNanos);
    // Each node is told which peers it is cut from, as a two-group partition that places it with
    // every node it can still reach: the node drops its own traffic both ways across that line.
    Map<String, SortedSet<String>> cutFrom = new LinkedHashMap<>();
    for (Link l : cut.value()) {
      cutFrom
          .computeIfAbsent(l.from(), k -> new TreeSet<>(dev.txlab.chaos.fault.NodeOrder::compare))
          .add(l.to());
      cutFrom
          .computeIfAbsent(l.to(), k -> new TreeSet<>(dev.txlab.chaos.fault.NodeOrder::compare))
          .add(l.from());
    }
    List<String> changes = new ArrayList<>();
    List<String> touched = new ArrayList<>();
    Map<String, SortedSet<String>> current = currentCuts();
    for (String n : cluster.nodes()) {
      SortedSet<String> away = cutFrom.get(n);
      if (away == null || away.isEmpty()) {
        continue;
      }
      // Partitions add up until a heal, as on the simulator: keep the cuts the node already has.
      away.addAll(current.getOrDefault(n, new TreeSet<>()));
      List<String> near = new ArrayList<>();
      for (String m : cluster.nodes()) {
        if (!away.contains(m)) near.add(m);
      }
      String text = "partition " + String.join(",", near) + "|" + String.join(",", away);
      touched.add(n);
      changes.add(adminFault(n, text, n + " cut from " + String.join(",", away)));
    }
    if (touched.isEmpty()) changes.add("cuts no link on this cluster");
    if (fault instanceof Fault.Isolate) {
      // Name the isolated nodes (cut from every other), not every node that was told about it.
      List<String> isolated = new ArrayList<>();
      for (String n : touched) {
        if (cutFrom.get(n).size() == cluster.nodes().size() - 1) isolated.add(n);
      }
      return new Applied(fault, isolated, true, changes, wallNanos);
    }
    return new Applied(fault, touched, true, changes, wallNanos);
  }

  /**
   * Each running node's cut set as the node itself reports it ({@code GET /admin/status}'s {@code
   * faults}: at most one {@code partition G1|G2…} text — links between nodes that share no group
   * are cut; nodes not listed form one more group).
   */
  private Map<String, SortedSet<String>> currentCuts() {
    Map<String, SortedSet<String>> out = new LinkedHashMap<>();
    for (LiveCluster.NodeStatus st : cluster.status()) {
      if (st.status() == null || !st.status().has("faults")) {
        continue;
      }
      for (JsonNode f : st.status().get("faults")) {
        String text = f.asText();
        if (text.startsWith("partition ")) {
          out.put(
              st.node(),
              cutSet(st.node(), text.substring("partition ".length()).trim(), cluster.nodes()));
        }
      }
    }
    return out;
  }

  /**
   * The peers {@code self} is cut from by the admin partition {@code groups} ({@code n1,n2|n3}).
   */
  static SortedSet<String> cutSet(String self, String groups, List<String> nodes) {
    List<List<String>> all = new ArrayList<>();
    java.util.Set<String> listed = new java.util.HashSet<>();
    for (String g : groups.split("\\|")) {
      List<String> members = new ArrayList<>();
      for (String m : g.split(",")) {
        if (!m.isBlank()) {
          members.add(m.trim());
        }
      }
      all.add(members);
      listed.addAll(members);
    }
    List<String> unlisted = new ArrayList<>();
    for (String n : nodes) {
      if (!listed.contains(n)) {
        unlisted.add(n);
      }
    }
    all.add(unlisted);
    java.util.Set<String> reach = new java.util.HashSet<>();
    for (List<String> g : all) {
      if (g.contains(self)) {
        reach.addAll(g);
      }
    }
    SortedSet<String> cut = new TreeSet<>(dev.txlab.chaos.fault.NodeOrder::compare);
    for (String n : nodes) {
      if (!n.equals(self) && !reach.contains(n)) {
        cut.add(n);
      }
    }
    return cut;
  }

  private Applied clock(Fault fault, long wallNanos) throws LiveException {
    if (!cluster.file().admin()) {
      return refused(fault, noAdmin(), wallNanos);
    }
    Target t = fault.targets().get(0);
    Resolved<List<String>> nodes = resolve(t);
    if (!nodes.isResolved()) return refused(fault, nodes.reason(), wallNanos);
    List<String> changes = new ArrayList<>();
    for (String n : nodes.value()) {
      Fault one = withTarget(fault, Target.node(n));
      if (fault instanceof Fault.ClockReset) {
        // A reset is a skew and a drift of zero; nodes that know 'clock-reset' take it directly.
        String direct = adminFaultOrNull(n, one.text());
        if (direct != null) {
          changes.add(direct);
        } else {
          changes.add(adminFault(n, "clock-skew " + n + " +0s", n + " clock offset reset"));
          changes.add(adminFault(n, "clock-drift " + n + " 0ppm", n + " clock drift reset"));
        }
      } else {
        changes.add(adminFault(n, one.text(), one.text()));
      }
    }
    return new Applied(fault, nodes.value(), true, changes, wallNanos);
  }

  /** Sends a request to every running node's admin API. */
  private Applied everyNode(Fault fault, String path, Object body, long wallNanos)
      throws LiveException {
    if (!cluster.file().admin()) {
      return refused(fault, noAdmin(), wallNanos);
    }
    List<String> changes = new ArrayList<>();
    List<String> touched = new ArrayList<>();
    for (String n : cluster.nodes()) {
      if (!cluster.alive(n)) {
        changes.add(n + " is down; skipped");
        continue;
      }
      NodeApi.Reply r = cluster.api(n).adminPost(path, body, ADMIN_TIMEOUT);
      if (r.status() == 400) {
        throw new LiveException(n + " refused '" + fault.text() + "': " + r.describe());
      }
      touched.add(n);
      changes.add(n + ": " + (r.ok() ? activeText(r.body()) : "no answer (" + r.describe() + ")"));
    }
    return new Applied(fault, touched, true, changes, wallNanos);
  }

  private String adminFault(String node, String text, String what) throws LiveException {
    String r = adminFaultOrNull(node, text);
    if (r == null) {
      throw new LiveException(node + " refused '" + text + "'");
    }
    return r;
  }

  /** Posts one fault to one node; null if the node refused it as bad input (HTTP 400). */
  private String adminFaultOrNull(String node, String text) throws LiveException {
    if (!cluster.alive(node)) {
      return node + " is down; '" + text + "' not sent";
    }
    NodeApi.Reply r =
        cluster.api(node).adminPost("/admin/faults", Map.of("fault", text), ADMIN_TIMEOUT);
    if (r.status() == 400) {
      return null;
    }
    if (!r.ok()) {
      return node + ": '" + text + "' not confirmed (" + r.describe() + ")";
    }
    return node + ": " + text + " → " + activeText(r.body());
  }

  private static String activeText(JsonNode body) {
    if (body == null) return "ok";
    JsonNode active = body.get("active");
    if (active == null || !active.isArray()) return "ok";
    List<String> parts = new ArrayList<>();
    active.forEach(a -> parts.add(a.asText()));
    return parts.isEmpty() ? "no active faults" : "active: " + String.join("; ", parts);
  }

  private String noAdmin() {
    return "the nodes of this cluster ("
        + cluster.file().nodeMain()
        + ") have no admin API; network, link and clock"
        + " faults need the transactional node ("
        + LiveCluster.TXN_NODE_MAIN
        + ")";
  }

  private Applied refused(Fault fault, String reason, long wallNanos) {
    return new Applied(fault, List.of(), false, List.of(reason), wallNanos);
  }

  /** The same fault acting on {@code target} instead of its own. */
  static Fault withTarget(Fault f, Target target) {
    if (f instanceof Fault.Kill) return new Fault.Kill(target);
    if (f instanceof Fault.Restart) return new Fault.Restart(target);
    if (f instanceof Fault.Pause) return new Fault.Pause(target);
    if (f instanceof Fault.Resume) return new Fault.Resume(target);
    if (f instanceof Fault.ClockSkew)
      return new Fault.ClockSkew(target, ((Fault.ClockSkew) f).skewNanos());
    if (f instanceof Fault.ClockDrift)
      return new Fault.ClockDrift(target, ((Fault.ClockDrift) f).driftPpm());
    if (f instanceof Fault.ClockStrobe)
      return new Fault.ClockStrobe(
          target, ((Fault.ClockStrobe) f).amplitudeNanos(), ((Fault.ClockStrobe) f).periodNanos());
    if (f instanceof Fault.TrueTimeViolation)
      return new Fault.TrueTimeViolation(
          target, ((Fault.TrueTimeViolation) f).beyondEpsilonNanos());
    if (f instanceof Fault.ClockReset) return new Fault.ClockReset(target);
    if (f instanceof Fault.Isolate) return new Fault.Isolate(target);
    return f;
  }

  // ------------------------------------------------------------------ faults.jsonl

  public static long wallNanos() {
    Instant now = Instant.now();
    return now.getEpochSecond() * 1_000_000_000L + now.getNano();
  }

  private void record(Applied a) {
    record(
        cluster.dir(), a.wallNanos(), a.fault(), a.nodes(), a.applied(), a.summary(), a.changes());
  }

  /**
   * Appends one fault, applied or refused, to the cluster's {@code faults.jsonl}, from which a
   * workload's history gets its nemesis operations.
   */
  static void record(
      java.nio.file.Path dir,
      long wallNanos,
      Fault fault,
      List<String> nodes,
      boolean applied,
      String summary,
      List<String> changes) {
    Map<String, Object> line = new LinkedHashMap<>();
    line.put("time_ns", wallNanos);
    line.put("at", Instant.ofEpochSecond(0, wallNanos).toString());
    line.put("f", fault.keyword());
    line.put("fault", fault.text());
    line.put("nodes", nodes);
    line.put("applied", applied);
    line.put("summary", summary);
    line.put("changes", changes);
    try {
      String text =
          ClusterFile.json()
              .writer()
              .without(com.fasterxml.jackson.databind.SerializationFeature.INDENT_OUTPUT)
              .writeValueAsString(line);
      Files.writeString(
          dir.resolve(ClusterFile.FAULTS),
          text + "\n",
          StandardCharsets.UTF_8,
          StandardOpenOption.CREATE,
          StandardOpenOption.APPEND);
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(
          "cannot append to " + dir.resolve(ClusterFile.FAULTS), e);
    }
  }
}
