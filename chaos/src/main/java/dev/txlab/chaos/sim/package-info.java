/**
 * Applies fault plans to a simulated cluster. The nemesis state of {@code chaos.schedule} is the
 * reference meaning of a plan; the adapter here makes the simulator match it after every event.
 */
package dev.txlab.chaos.sim;
