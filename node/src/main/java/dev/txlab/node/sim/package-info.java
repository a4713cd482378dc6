/**
 * The deterministic simulator host: {@link dev.txlab.node.sim.Simulator} (event loop, network,
 * clocks, disks, processes, trace digest), the fault surface {@link dev.txlab.node.sim.SimControl}
 * the chaos module drives, partition shapes and link settings. (Its benchmark drives a whole
 * cluster, so it lives with the cluster: {@code node.cluster.SimBenchmark}.)
 */
package dev.txlab.node.sim;
