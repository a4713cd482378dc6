/**
 * Clock models: a node's local clock as a function of true time (offset, drift, steps), and the
 * TrueTime uncertainty ε (constant, or Spanner's sawtooth). Pure arithmetic; the simulator and the
 * live host both use it.
 */
package dev.txlab.node.time;
