package dev.txlab.coordinator.toy;

import dev.txlab.coordinator.live.TxnGateway;
import dev.txlab.coordinator.txn.MicroOp;
import dev.txlab.node.api.Address;
import dev.txlab.node.api.Process;
import dev.txlab.node.api.ProcessFactory;
import dev.txlab.node.api.ShardId;
import dev.txlab.node.live.LiveNode;
import dev.txlab.node.raft.RaftReplica;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The toy store on a live node: each shard's first replica runs a {@link ToyShard} that serves it
 * (the other replicas' copies idle), and {@code POST /txn} is answered by {@link ToyLane}s — the
 * simulator's {@link ToyClient}, driven by requests — behind the transaction layer's own gateway.
 */
final class ToyLiveComponents implements LiveNode.Components {
  private final long applyDelayNanos;
  private final int lanes;
  private final AtomicLong partsApplied = new AtomicLong();

  ToyLiveComponents(long applyDelayNanos, int lanes) {
    this.applyDelayNanos = applyDelayNanos;
    this.lanes = lanes;
  }

  @Override
  public List<Class<?>> codecClasses() {
    return List.of(
        MicroOp.class, MicroOp.Kind.class, ToyMessage.Apply.class, ToyMessage.Applied.class);
  }

  @Override
  public ProcessFactory replica(LiveNode.Config config, ShardId shard, List<Address> members) {
    boolean home = members.get(0).node().equals(config.node());
    return env ->
        new ToyShard(env, shard.index(), applyDelayNanos, 0, partsApplied::addAndGet, home);
  }

  @Override
  public LiveNode.Extras extras(LiveNode.Config config, LiveNode.Injector injector) {
    TxnGateway gateway = new TxnGateway(injector, lanes);
    Map<String, ProcessFactory> processes = new LinkedHashMap<>();
    for (int i = 0; i < lanes; i++) {
      int lane = i;
      processes.put(
          TxnGateway.component(i),
          env ->
              new ToyLane(
                  env,
                  lane,
                  config.shardMap(),
                  s -> config.shardMap().replicasOf(s).get(0),
                  gateway));
    }
    return new LiveNode.Extras(
        processes, List.of(new dev.txlab.coordinator.live.TxnRoute(gateway)));
  }

  @Override
  public RaftReplica raftOf(Process process) {
    return null;
  }

  @Override
  public boolean servesShard(Process process) {
    return process instanceof ToyShard t && t.home();
  }

  @Override
  public boolean servesSingleKey() {
    return false;
  }

  @Override
  public Map<String, Object> metrics() {
    return Map.of("toy_parts_applied", partsApplied.get());
  }

  @Override
  public Map<String, String> describe() {
    return Map.of("protocol", "no-coordination", "apply-delay", applyDelayNanos / 1_000_000 + "ms");
  }
}
