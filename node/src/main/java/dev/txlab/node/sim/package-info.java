/**
 * The deterministic simulator host: {@link dev.txlab.node.sim.Simulator} (event loop, network,
 * clocks, disks, processes, trace digest), the fault surface {@link dev.txlab.node.sim.SimControl}
 * the chaos module drives, partition shapes, link settings, and {@link
 * dev.txlab.node.sim.SimBenchmark}.
 */
package dev.txlab.node.sim;
