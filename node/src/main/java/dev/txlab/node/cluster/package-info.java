/**
 * Wiring: {@link dev.txlab.node.cluster.SimCluster} builds a simulated sharded cluster with its
 * knobs ({@code reads}, {@code fsync}, {@code lease-drift-bound}), clients and the Raft safety
 * monitor — the entry point for the scenarios and chaos modules.
 */
package dev.txlab.node.cluster;
