/**
 * A node of the cluster: the sans-IO process/Env API every participant is written against, the
 * clock and TrueTime models, the Raft replica, the MVCC key-value store, and the two hosts that run
 * processes: the deterministic simulator ({@code node.sim}) and the live host ({@code node.live},
 * on Vert.x).
 */
package dev.txlab.node;
