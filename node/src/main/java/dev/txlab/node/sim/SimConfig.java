package dev.txlab.node.sim;

import dev.txlab.node.time.EpsilonModel;

/**
 * The simulated world's settings, validated at construction. Units are in the names.
 *
 * @param seed the one seed every random source derives from
 * @param defaultLink behaviour of every link without its own setting
 * @param localLatencyNanos delivery delay between components of one node (and to self)
 * @param fsyncLatencyNanos how long a sync takes; a crash inside this window loses the step
 * @param epsilon the TrueTime uncertainty model
 * @param clockResyncPeriodNanos honest clocks' drift error resets this often (time-master sync)
 * @param clockOffsetNanosMax honest clocks start within ± this of true time
 * @param clockDriftPpmMax honest clocks drift within ± this rate
 * @param eventsMax the run fails, naming the seed, after this many events
 * @param virtualNanosMax the run fails, naming the seed, when virtual time passes this
 * @param deferredEventsMax per-process limit on events held while it is paused or syncing
 * @param traceMessageBodies whether trace lines include full message contents (slower)
 */
public record SimConfig(
    long seed,
    LinkConfig defaultLink,
    long localLatencyNanos,
    long fsyncLatencyNanos,
    EpsilonModel epsilon,
    long clockResyncPeriodNanos,
    long clockOffsetNanosMax,
    long clockDriftPpmMax,
    long eventsMax,
    long virtualNanosMax,
    int deferredEventsMax,
    boolean traceMessageBodies) {
  public SimConfig {
    if (defaultLink == null || epsilon == null)
      throw new IllegalArgumentException("link and epsilon required");
    if (localLatencyNanos < 0 || fsyncLatencyNanos < 0)
      throw new IllegalArgumentException("latencies must be >= 0");
    if (clockResyncPeriodNanos < 0 || clockOffsetNanosMax < 0 || clockDriftPpmMax < 0) {
      throw new IllegalArgumentException("clock bounds must be >= 0");
    }
    if (eventsMax <= 0 || virtualNanosMax <= 0 || deferredEventsMax <= 0) {
      throw new IllegalArgumentException("caps must be > 0");
    }
  }

  /**
   * Defaults: LAN links, 10 µs local delivery, 100 µs fsync, Spanner's ε sawtooth, honest clocks
   * well inside it, caps of 200M events and one simulated day.
   */
  public static SimConfig defaults(long seed) {
    EpsilonModel.Sawtooth eps = EpsilonModel.Sawtooth.spanner();
    return new SimConfig(
        seed,
        LinkConfig.lan(),
        10_000,
        100_000,
        eps,
        eps.periodNanos(),
        eps.minNanos() / 2,
        eps.driftPpmBound() / 2,
        200_000_000L,
        86_400L * 1_000_000_000L,
        100_000,
        true);
  }

  public SimConfig withDefaultLink(LinkConfig link) {
    return new SimConfig(
        seed,
        link,
        localLatencyNanos,
        fsyncLatencyNanos,
        epsilon,
        clockResyncPeriodNanos,
        clockOffsetNanosMax,
        clockDriftPpmMax,
        eventsMax,
        virtualNanosMax,
        deferredEventsMax,
        traceMessageBodies);
  }

  public SimConfig withFsyncLatencyNanos(long nanos) {
    return new SimConfig(
        seed,
        defaultLink,
        localLatencyNanos,
        nanos,
        epsilon,
        clockResyncPeriodNanos,
        clockOffsetNanosMax,
        clockDriftPpmMax,
        eventsMax,
        virtualNanosMax,
        deferredEventsMax,
        traceMessageBodies);
  }

  public SimConfig withCaps(long eventsMax, long virtualNanosMax) {
    return new SimConfig(
        seed,
        defaultLink,
        localLatencyNanos,
        fsyncLatencyNanos,
        epsilon,
        clockResyncPeriodNanos,
        clockOffsetNanosMax,
        clockDriftPpmMax,
        eventsMax,
        virtualNanosMax,
        deferredEventsMax,
        traceMessageBodies);
  }

  public SimConfig withTraceMessageBodies(boolean on) {
    return new SimConfig(
        seed,
        defaultLink,
        localLatencyNanos,
        fsyncLatencyNanos,
        epsilon,
        clockResyncPeriodNanos,
        clockOffsetNanosMax,
        clockDriftPpmMax,
        eventsMax,
        virtualNanosMax,
        deferredEventsMax,
        on);
  }

  public SimConfig withEpsilon(EpsilonModel model) {
    return new SimConfig(
        seed,
        defaultLink,
        localLatencyNanos,
        fsyncLatencyNanos,
        model,
        clockResyncPeriodNanos,
        clockOffsetNanosMax,
        clockDriftPpmMax,
        eventsMax,
        virtualNanosMax,
        deferredEventsMax,
        traceMessageBodies);
  }
}
