package dev.txlab.node.sim;

/**
 * A simulation failed: an invariant broke or a cap was hit. The message starts with the seed and
 * the virtual time so the run can be replayed.
 */
public final class SimulationException extends RuntimeException {
  private static final long serialVersionUID = 1L;
  private final long seed;

  public SimulationException(long seed, String message, Throwable cause) {
    super(message, cause);
    this.seed = seed;
  }

  public long seed() {
    return seed;
  }
}
