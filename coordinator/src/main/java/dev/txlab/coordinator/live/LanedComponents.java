package dev.txlab.coordinator.live;

import dev.txlab.node.live.LiveNode;
import java.util.Map;
import java.util.TreeMap;

/**
 * What a live node of a protocol served through the transaction layer's lanes has in common
 * (crdb's, percolator's, the saga's): its knobs and lane count on the status page, the counters it
 * measures, and no single-key API.
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
