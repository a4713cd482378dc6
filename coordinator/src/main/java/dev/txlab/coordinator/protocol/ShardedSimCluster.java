package dev.txlab.coordinator.protocol;

import dev.txlab.node.api.NodeId;
import dev.txlab.node.kv.ShardMap;
import dev.txlab.node.sim.SimConfig;
import dev.txlab.node.sim.SimControl;
import dev.txlab.node.sim.Simulator;
import java.util.ArrayList;
import java.util.List;

/**
 * What every protocol cluster of server nodes and Raft-replicated shards starts from on the
 * simulator: the simulated world, the servers {@code n1…nN}, and the shard map of the topology. A
 * plug-in's cluster extends it and adds its own processes; the accessors the nemesis and the
 * pipeline use are here once.
 */
public abstract class ShardedSimCluster implements SimProtocolCluster {
  protected final Simulator sim;
  protected final SimConfig simConfig;
  protected final ShardMap shardMap;
  protected final List<NodeId> serverNodes;

  protected ShardedSimCluster(Topology t, SimConfig simConfig) {
    this.simConfig = simConfig;
    this.sim = new Simulator(simConfig);
    List<NodeId> nodes = new ArrayList<>();
    for (int i = 1; i <= t.nodes(); i++) nodes.add(NodeId.of("n" + i));
    this.serverNodes = List.copyOf(nodes);
    this.shardMap = new ShardMap(serverNodes, t.shards(), t.replicas(), t.placement());
  }

  @Override
  public final Simulator sim() {
    return sim;
  }

  @Override
  public final SimControl control() {
    return sim;
  }

  @Override
  public final SimConfig simConfig() {
    return simConfig;
  }

  @Override
  public final List<NodeId> serverNodes() {
    return serverNodes;
  }

  /** Every server may be faulted; a cluster with nodes of its own beside them says so. */
  @Override
  public List<NodeId> faultableNodes() {
    return serverNodes;
  }

  @Override
  public final ShardMap shardMap() {
    return shardMap;
  }
}
