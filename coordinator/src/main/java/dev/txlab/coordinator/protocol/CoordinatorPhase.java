package dev.txlab.coordinator.protocol;

/**
 * The moments of a commit a phase-triggered fault can aim at ({@code kill coordinator after
 * prepare}).
 */
public enum CoordinatorPhase {
  /** Every participant voted yes; the coordinator is about to log its decision. */
  PREPARE,
  /** The decision is durable at the coordinator. */
  DECIDE
}
