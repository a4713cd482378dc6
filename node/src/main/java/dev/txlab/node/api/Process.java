package dev.txlab.node.api;

/**
 * A participant of the cluster — a Raft replica, a coordinator, a simulated client — written as a
 * deterministic state machine that a host drives one event at a time.
 *
 * <h2>The step contract (every host honours it; {@code HostContractTest} checks it)</h2>
 *
 * <ol>
 *   <li>A host delivers one event (start, message or timer) to one process at a time, and each
 *       handler runs to completion. Handlers never block, sleep or wait.
 *   <li>A process acts only through the {@link Env} it was created with. While a handler runs its
 *       sends and timers are buffered by the host, not performed.
 *   <li>After the handler returns, the host makes the step's storage writes durable if the step
 *       asked for it ({@link Storage#sync()}), then calls {@link #checkInvariants()}, and only then
 *       releases the buffered sends and timers. A reply that depends on a persisted vote or log
 *       entry can therefore never leave before the write is durable: "persist before you reply"
 *       holds by construction. If the process crashes before the sync completes, the step's
 *       unsynced writes and all its buffered effects are lost together.
 *   <li>A message to self goes through the host like any other message; it is never a direct call.
 *   <li>A crash throws the process object away. A restart builds a new one with the {@link
 *       ProcessFactory}, whose {@link #onStart()} rebuilds state from {@link Env#storage()}.
 * </ol>
 *
 * <h2>What a process must not do</h2>
 *
 * Start threads, keep static mutable state, read the wall clock ({@code System.nanoTime}, {@code
 * Instant.now}), use {@code java.util.Random} or {@code ThreadLocalRandom}, touch files or sockets,
 * or let the iteration order of a hash map decide behaviour. Time, randomness, storage and
 * messaging come from the {@link Env}; that is what makes a simulation a pure function of its seed
 * and lets the same class run under the live host.
 *
 * <p>A process that receives malformed or stale input from a peer drops it (and may count the
 * reason); a violated internal invariant is a bug and throws, which the simulator reports with its
 * seed.
 */
public interface Process {
  /** Called once after creation (first start and every restart), before any other event. */
  void onStart();

  /** A message from {@code from} arrived. */
  void onMessage(Address from, Message message);

  /** A timer set with {@link Env#setTimer} fired. It may be stale; the process decides. */
  void onTimer(Timer timer);

  /**
   * Checks this process's local invariants and throws {@link IllegalStateException} if one is
   * violated. Called by the host after every step. Must not change state.
   */
  default void checkInvariants() {}
}
