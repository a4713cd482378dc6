package dev.txlab.coordinator.live;

import dev.txlab.node.api.Env;
import dev.txlab.node.api.Process;
import dev.txlab.node.api.ProcessFactory;
import dev.txlab.node.live.LiveNode;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * What a live node of a protocol served through the transaction layer's lanes has in common
 * (crdb's, percolator's, the saga's): a pool of lanes behind one {@link TxnGateway} for {@code POST
 * /txn}, its knobs and lane count on the status page, the counters it measures, and no single-key
 * API.
 */
public abstract class LanedComponents implements LiveNode.Components {
  protected final Map<String, String> settings;
  protected final int lanes;
  private final String protocol;

  protected LanedComponents(String protocol, Map<String, String> settings, int lanes) {
    this.protocol = protocol;
    this.settings = new TreeMap<>(settings);
    this.lanes = lanes;
  }

  /** Lane {@code lane}'s process, reporting to {@code responder} (the node's gateway). */
  @FunctionalInterface
  protected interface LaneFactory {
    Process create(Env env, int lane, TxnLane.Responder responder);
  }

  /**
   * The node's extras: {@code processes}, then {@link #lanes} lanes ({@code txn-0}, …) behind one
   * gateway answering {@code POST /txn}.
   */
  protected LiveNode.Extras withLanes(
      Map<String, ProcessFactory> processes, LiveNode.Injector injector, LaneFactory lane) {
    Map<String, ProcessFactory> all = new LinkedHashMap<>(processes);
    TxnGateway pool = new TxnGateway(injector, lanes);
    for (int i = 0; i < lanes; i++) {
      int n = i;
      all.put(TxnGateway.component(i), env -> lane.create(env, n, pool));
    }
    return new LiveNode.Extras(all, List.of(new TxnRoute(pool)));
  }

  /** The counters this node measured since it started; thread-safe. */
  protected abstract Map<String, Double> measured();

  @Override
  public boolean servesSingleKey() {
    return false;
  }

  @Override
  public Map<String, Object> metrics() {
    return new TreeMap<>(measured());
  }

  @Override
  public Map<String, String> describe() {
    TreeMap<String, String> d = new TreeMap<>(settings);
    d.put("protocol", protocol);
    d.put("lanes", Integer.toString(lanes));
    return d;
  }
}
