package dev.txlab.scenarios.live;

import dev.txlab.chaos.fault.ClusterView;
import dev.txlab.chaos.fault.Fault;
import dev.txlab.chaos.fault.Percent;
import dev.txlab.chaos.fault.Target;
import dev.txlab.chaos.live.LiveControl;
import dev.txlab.chaos.live.LiveFaultException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SortedSet;

/**
 * A live cluster's node processes and admin APIs as the live nemesis acts on them ({@link
 * LiveControl}): kills and pauses are signals to the recorded processes, a restart relaunches a
 * node with its recorded command, and cuts, link faults, clocks and armed kills are the node's own
 * admin faults ({@code node.live.AdminFaults}) — a node's cut set as a two-group partition that
 * places it with every peer it may still reach.
 */
public final class ClusterControl implements LiveControl {
  private static final Duration ADMIN_TIMEOUT = Duration.ofSeconds(3);
  private static final Duration RESTART_TIMEOUT = Duration.ofSeconds(60);

  private final LiveCluster cluster;

  public ClusterControl(LiveCluster cluster) {
    this.cluster = cluster;
  }

  @Override
  public List<String> nodes() {
    return cluster.nodes();
  }

  @Override
  public ClusterView view() {
    return cluster.view();
  }

  @Override
  public boolean hasAdmin() {
    return cluster.file().admin();
  }

  @Override
  public boolean isUp(String node) {
    return cluster.alive(node);
  }

  @Override
  public void kill(String node) throws LiveFaultException {
    try {
      cluster.kill(node);
    } catch (LiveException e) {
      throw new LiveFaultException("kill " + node + ": " + e.getMessage(), e);
    }
  }

  @Override
  public void restart(String node) throws LiveFaultException {
    try {
      if (!cluster.restart(node, RESTART_TIMEOUT) && !cluster.alive(node)) {
        throw new LiveFaultException(node + " did not come back");
      }
    } catch (LiveException e) {
      throw new LiveFaultException("restart " + node + ": " + e.getMessage(), e);
    }
  }

  @Override
  public void pause(String node, boolean paused) throws LiveFaultException {
    try {
      if (!cluster.signal(node, paused ? "STOP" : "CONT")) {
        throw new LiveFaultException(
            node + " is down; nothing to " + (paused ? "pause" : "resume"));
      }
    } catch (LiveException e) {
      throw new LiveFaultException(
          (paused ? "pause " : "resume ") + node + ": " + e.getMessage(), e);
    }
  }

  @Override
  public void cutOff(String node, SortedSet<String> peers) throws LiveFaultException {
    List<String> near = new ArrayList<>();
    for (String m : cluster.nodes()) {
      if (!peers.contains(m)) {
        near.add(m);
      }
    }
    // One group of every node cuts nothing; otherwise the peers form the second group.
    String text =
        "partition "
            + String.join(",", near)
            + (peers.isEmpty() ? "" : "|" + String.join(",", peers));
    admin(node, text);
  }

  @Override
  public void linkFaults(String node, Fault.Delay delay, Percent loss, Percent duplicate)
      throws LiveFaultException {
    admin(node, delay.text());
    admin(node, "loss " + loss.text());
    admin(node, "duplicate " + duplicate.text());
  }

  @Override
  public void clock(String node, List<Fault> faults) throws LiveFaultException {
    admin(node, "clock-reset " + node);
    Target self = Target.node(node);
    for (Fault f : faults) {
      if (f instanceof Fault.ClockSkew s) {
        admin(node, new Fault.ClockSkew(self, s.skewNanos()).text());
      } else if (f instanceof Fault.ClockDrift d) {
        admin(node, new Fault.ClockDrift(self, d.driftPpm()).text());
      } else if (f instanceof Fault.TrueTimeViolation v) {
        admin(node, new Fault.TrueTimeViolation(self, v.beyondEpsilonNanos()).text());
      } else {
        throw new LiveFaultException("live nodes cannot take '" + f.text() + "'");
      }
    }
  }

  @Override
  public void armKill(String node, Fault.TxnPhase phase) throws LiveFaultException {
    admin(node, "kill-after " + (phase == null ? "off" : phase.text()));
  }

  private void admin(String node, String text) throws LiveFaultException {
    NodeApi.Reply r =
        cluster.api(node).adminPost("/admin/faults", Map.of("fault", text), ADMIN_TIMEOUT);
    if (!r.ok()) {
      throw new LiveFaultException(node + ": '" + text + "' not confirmed (" + r.describe() + ")");
    }
  }
}
