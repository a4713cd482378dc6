/**
 * Transaction protocols, both halves (coordinator and participant), as processes on the node API:
 * classic two-phase commit with a single coordinator, and Spanner-style 2PC over Raft-replicated
 * groups with TrueTime commit wait and snapshot reads; the client-side transaction API and the
 * shard map. Nothing lives here yet: the transactions issue builds it.
 */
package dev.txlab.coordinator;
