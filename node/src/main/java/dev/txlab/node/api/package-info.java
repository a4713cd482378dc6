/**
 * The sans-IO process API every protocol is written against: {@link dev.txlab.node.api.Process}
 * (the step contract), {@link dev.txlab.node.api.Env} (what a process may do), {@link
 * dev.txlab.node.api.Storage} with explicit sync, forked {@link dev.txlab.node.api.RandomSource}s,
 * TrueTime intervals, and typed ids ({@link dev.txlab.node.api.NodeId}, {@link
 * dev.txlab.node.api.ShardId}, {@link dev.txlab.node.api.Address}). Hosts: {@code node.sim} now,
 * {@code node.live} later; both must pass {@code HostContractTest}.
 */
package dev.txlab.node.api;
