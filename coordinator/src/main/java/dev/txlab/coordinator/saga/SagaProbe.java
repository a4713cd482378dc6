package dev.txlab.coordinator.saga;

/**
 * What the saga protocol's processes tell an observer (the simulator's metrics and timelines) about
 * the sagas they drive: never read back by them, so it cannot change what they do.
 */
public interface SagaProbe {
  /** A saga began (its Begin applied on the leader that proposed it). */
  default void begun(String sagaId) {}

  /**
   * A request for a step, a compensation or a release went out ({@code retry}: not the first time).
   */
  default void sent(String sagaId, int step, boolean compensation, String service, boolean retry) {}

  /** A step's outcome was logged. */
  default void logged(
      String sagaId, int step, boolean compensation, String service, String key, String outcome) {}

  /**
   * The orchestrator's leader {@code leader} logged an outcome: a step of a saga still running
   * ({@code ended} false: mid-saga) or a saga's end. What a phase-triggered kill aims at.
   */
  default void leaderLogged(dev.txlab.node.api.Address leader, boolean ended) {}

  /** The saga ended ({@code completed} or {@code compensated}). */
  default void ended(String sagaId, String outcome) {}

  /** A leader other than the one that began it took the saga over. */
  default void resumed(String sagaId, String leader) {}

  /** The saga's pending flags were released. */
  default void released(String sagaId) {}

  SagaProbe NONE = new SagaProbe() {};
}
