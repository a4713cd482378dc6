/**
 * The sharded key-value store on Raft: the MVCC store, the per-shard state machine with client
 * sessions (at-most-once writes), the shard replica process with its read modes (the {@code reads}
 * knob), the shard map (FNV-1a key hashing, round-robin placement) and a redirect-following client
 * that reports what it observed as invoke / ok / fail / info.
 */
package dev.txlab.node.kv;
