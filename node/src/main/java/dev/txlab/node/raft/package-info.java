/**
 * Raft (Ongaro and Ousterhout; Ongaro's thesis): {@link dev.txlab.node.raft.RaftReplica} with
 * pre-vote, check-quorum, batched and pipelined replication, snapshots and InstallSnapshot, leader
 * transfer, ReadIndex and leases; its messages and timers as sealed record families; and {@link
 * dev.txlab.node.raft.RaftSafetyMonitor}, which checks Figure 3's properties across replicas.
 */
package dev.txlab.node.raft;
