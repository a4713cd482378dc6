package dev.txlab.chaos.fault;

import java.util.SplittableRandom;

/** Lets tests in other packages draw the same random faults as the fault tests. */
public final class RandomFaultsAccess {
  private RandomFaultsAccess() {}

  public static Fault next(SplittableRandom random) {
    return RandomFaults.next(random);
  }

  public static long duration(SplittableRandom random) {
    return RandomFaults.duration(random);
  }
}
