package dev.txlab.node.sim;

/**
 * How one directed link behaves: its latency distribution, and the probabilities that a message is
 * lost, duplicated, or held back by up to {@code reorderDelayNanosMax} (which reorders it relative
 * to later messages).
 */
public record LinkConfig(
    Latency latency,
    double lossProbability,
    double duplicateProbability,
    double reorderProbability,
    long reorderDelayNanosMax) {
  public LinkConfig {
    if (latency == null) throw new IllegalArgumentException("link needs a latency");
    checkProbability("loss", lossProbability);
    checkProbability("duplicate", duplicateProbability);
    checkProbability("reorder", reorderProbability);
    if (reorderDelayNanosMax < 0) throw new IllegalArgumentException("reorder delay < 0");
  }

  private static void checkProbability(String what, double p) {
    if (!(p >= 0 && p <= 1))
      throw new IllegalArgumentException(what + " probability must be in [0, 1]: " + p);
  }

  /** A clean link with the given latency. */
  public static LinkConfig of(Latency latency) {
    return new LinkConfig(latency, 0, 0, 0, 0);
  }

  /** A datacenter-ish default: 0.5–1.5 ms, no faults. */
  public static LinkConfig lan() {
    return of(new Latency.Uniform(500_000, 1_500_000));
  }

  public LinkConfig withLatency(Latency l) {
    return new LinkConfig(
        l, lossProbability, duplicateProbability, reorderProbability, reorderDelayNanosMax);
  }

  public LinkConfig withLoss(double p) {
    return new LinkConfig(
        latency, p, duplicateProbability, reorderProbability, reorderDelayNanosMax);
  }

  public LinkConfig withDuplication(double p) {
    return new LinkConfig(latency, lossProbability, p, reorderProbability, reorderDelayNanosMax);
  }

  public LinkConfig withReordering(double p, long delayNanosMax) {
    return new LinkConfig(latency, lossProbability, duplicateProbability, p, delayNanosMax);
  }
}
