/**
 * The migration lab: an old single-node store with a write-ahead log and a replication slot, the
 * router (the application's data access layer), the change consumer with its DBLog-style backfill,
 * and the operator that steps strangler-fig phases; the new store is the Raft key-value cluster.
 */
package dev.txlab.coordinator.migration;
