/**
 * Applies fault plans to a live cluster of real node processes. As on the simulator ({@code
 * chaos.sim}), the nemesis state of {@code chaos.schedule} is the reference meaning of a plan, and
 * the adapter here makes the real cluster match it after every event, through {@link
 * dev.txlab.chaos.live.LiveControl} (signals to processes, the nodes' admin APIs) — so a plan means
 * the same on both hosts: partitions add up until their windows end or a heal, a window's end
 * undoes exactly what its start did.
 */
package dev.txlab.chaos.live;
