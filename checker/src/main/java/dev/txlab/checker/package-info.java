/**
 * The checker: judges a recorded history and explains what it finds. It stands alone (no other
 * txlab module) so it can be used on any Jepsen-compatible history: {@code history} holds the
 * operation model and its readers and writers, {@code linear} the linearizability checker, {@code
 * txn} the transactional (Elle-style) checker, {@code report} the renderers.
 */
package dev.txlab.checker;
