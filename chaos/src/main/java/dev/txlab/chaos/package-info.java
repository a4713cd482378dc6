/**
 * Faults as values: the fault vocabulary (each fault with one text form, shared by scenario YAML,
 * the command line and reports), nemesis schedules and random generators, and — later — the
 * adapters that apply faults to a simulated or a live cluster.
 *
 * <ul>
 *   <li>{@link dev.txlab.chaos.fault}: {@code Fault} and its text form, targets and their
 *       resolution against a {@code ClusterView}, partition shapes, durations and percentages.
 *   <li>{@link dev.txlab.chaos.schedule}: schedule lines ({@code at 5s for 10s partition halves},
 *       {@code random combined}), the plan of timed events they expand to, the final heal, and
 *       {@code NemesisState}, the host-independent meaning of a plan.
 * </ul>
 *
 * Nothing here depends on the node module's classes yet: nodes and shards are plain names ({@code
 * n1}, {@code shard-1}), so the vocabulary can be settled while the hosts are built.
 */
package dev.txlab.chaos;
