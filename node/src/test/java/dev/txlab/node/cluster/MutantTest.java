package dev.txlab.node.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import dev.txlab.node.kv.ReadMode;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Knobs that remove a guarantee must produce the anomaly they imply, under the faults that expose
 * it — and the default knobs, under the same faults, must not.
 */
class MutantTest {
  static final long[] SEEDS = {1, 2, 3, 4, 5, 6};

  private static List<ChaosRun.Result> runAll(String knob, String value, ChaosRun.Faults faults) {
    List<ChaosRun.Result> out = new ArrayList<>();
    for (long seed : SEEDS) {
      SimCluster.Config c = SeededClusterTest.config(seed);
      if (knob != null) c = c.withKnob(knob, value);
      out.add(ChaosRun.run(seed, c, faults, 8 * ChaosRun.S, 6, 3));
    }
    return out;
  }

  private static long withProblem(List<ChaosRun.Result> results, String kind) {
    return results.stream()
        .filter(r -> r.problems().stream().anyMatch(p -> p.startsWith(kind)))
        .count();
  }

  @Test
  void localReadsGoStaleWhenTheLeaderIsIsolated() {
    List<ChaosRun.Result> results = runAll("reads", "local", ChaosRun.Faults.ISOLATE_LEADERS);
    results.forEach(r -> System.out.println("reads=local " + r.describe()));
    assertThat(withProblem(results, "stale read")).as("seeds with a stale read").isPositive();
  }

  @Test
  void followerReadsGoStale() {
    List<ChaosRun.Result> results = runAll("reads", "follower", ChaosRun.Faults.ISOLATE_LEADERS);
    results.forEach(r -> System.out.println("reads=follower " + r.describe()));
    assertThat(withProblem(results, "stale read")).as("seeds with a stale read").isPositive();
  }

  @Test
  void readIndexStaysLinearizableUnderTheSameFaults() {
    List<ChaosRun.Result> results = runAll(null, null, ChaosRun.Faults.ISOLATE_LEADERS);
    results.forEach(r -> System.out.println("reads=readindex " + r.describe()));
    assertThat(results).allSatisfy(r -> assertThat(r.problems()).as(r.describe()).isEmpty());
  }

  @Test
  void readIndexOnFollowersStaysLinearizableUnderTheSameFaults() {
    List<ChaosRun.Result> results =
        runAll("reads", "readindex-any", ChaosRun.Faults.ISOLATE_LEADERS);
    results.forEach(r -> System.out.println("reads=readindex-any " + r.describe()));
    assertThat(results).allSatisfy(r -> assertThat(r.problems()).as(r.describe()).isEmpty());
  }

  /**
   * The mutant {@code readindex-any} whose followers answer as soon as the leader's read index
   * arrives, without applying up to it: a follower that lags (a deposed leader rejoining, one that
   * missed entries) answers from a state the read index has passed. Stale on seeds 1, 3, 5 and 6.
   */
  @Test
  void followersNotWaitingToApplyTheReadIndexGoStale() {
    List<ChaosRun.Result> results = new ArrayList<>();
    for (long seed : SEEDS) {
      SimCluster.Config c =
          withReads(SeededClusterTest.config(seed), ReadMode.MUTANT_READINDEX_ANY_UNAPPLIED);
      results.add(ChaosRun.run(seed, c, ChaosRun.Faults.ISOLATE_LEADERS, 8 * ChaosRun.S, 6, 3));
    }
    results.forEach(r -> System.out.println("reads=readindex-any, no apply wait " + r.describe()));
    assertThat(withProblem(results, "stale read")).as("seeds with a stale read").isPositive();
  }

  /** {@code c} with read mode {@code reads}, which may be a mutant no knob value names. */
  static SimCluster.Config withReads(SimCluster.Config c, ReadMode reads) {
    return new SimCluster.Config(
        c.nodes(),
        c.shards(),
        c.replicas(),
        reads,
        c.fsync(),
        c.leaseDriftBound(),
        c.snapshotThresholdEntries(),
        c.versionsRetainedPerKey(),
        c.sim(),
        c.placement());
  }

  @Test
  void leaseReadsStayLinearizableWithHonestClocks() {
    List<ChaosRun.Result> results = runAll("reads", "lease", ChaosRun.Faults.ISOLATE_LEADERS);
    results.forEach(r -> System.out.println("reads=lease " + r.describe()));
    assertThat(results).allSatisfy(r -> assertThat(r.problems()).as(r.describe()).isEmpty());
  }

  @Test
  void leasesWithAnUnsafeDriftBoundGoStale() {
    // A bound of -2 makes a lease last three minimum election timeouts: longer than followers wait.
    List<ChaosRun.Result> results = new ArrayList<>();
    for (long seed : SEEDS) {
      SimCluster.Config c =
          SeededClusterTest.config(seed)
              .withKnob("reads", "lease")
              .withKnob("lease-drift-bound", "-2");
      results.add(ChaosRun.run(seed, c, ChaosRun.Faults.ISOLATE_LEADERS, 8 * ChaosRun.S, 6, 3));
    }
    results.forEach(r -> System.out.println("reads=lease lease-drift-bound=-2 " + r.describe()));
    assertThat(withProblem(results, "stale read")).as("seeds with a stale read").isPositive();
  }

  @Test
  void aSlowLeaderClockBreaksLeaseReads() {
    // The lease is timed on the leader's own clock: at a tenth of the speed it outlives the
    // followers' promise, and the isolated old leader serves reads the new leader has overtaken.
    List<ChaosRun.Result> results = runAll("reads", "lease", ChaosRun.Faults.SLOW_LEADER_CLOCK);
    results.forEach(r -> System.out.println("reads=lease slow clock " + r.describe()));
    assertThat(withProblem(results, "stale read")).as("seeds with a stale read").isPositive();
  }

  @Test
  void readIndexDoesNotDependOnClocks() {
    List<ChaosRun.Result> results = runAll(null, null, ChaosRun.Faults.SLOW_LEADER_CLOCK);
    results.forEach(r -> System.out.println("reads=readindex slow clock " + r.describe()));
    assertThat(results).allSatisfy(r -> assertThat(r.problems()).as(r.describe()).isEmpty());
  }

  @Test
  void withoutFsyncACrashLosesAcknowledgedWrites() {
    List<ChaosRun.Result> results = runAll("fsync", "never", ChaosRun.Faults.CRASH_ALL);
    results.forEach(r -> System.out.println("fsync=never " + r.describe()));
    assertThat(withProblem(results, "acknowledged append lost"))
        .as("seeds with a lost write")
        .isPositive();
    // The safety monitor sees the cause: with storage that forgets, Raft's own properties break.
    assertThat(results.stream().filter(r -> !r.raftViolations().isEmpty()))
        .as("seeds with a Raft violation")
        .isNotEmpty();
  }

  @Test
  void withFsyncCrashesLoseNothing() {
    List<ChaosRun.Result> results = runAll(null, null, ChaosRun.Faults.CRASH_ALL);
    results.forEach(r -> System.out.println("fsync=always " + r.describe()));
    assertThat(results).allSatisfy(r -> assertThat(r.problems()).as(r.describe()).isEmpty());
  }

  @Test
  void everyKnobSurvivesEveryFaultWithoutBreakingTheSimulator() {
    // Weakened guarantees must show up as anomalies in the history, never as a crashed run.
    String[][] knobs = {
      {"fsync", "never"},
      {"reads", "local"},
      {"reads", "follower"},
      {"reads", "lease"},
      {"reads", "readindex-any"}
    };
    for (String[] k : knobs) {
      for (long seed = 1; seed <= 4; seed++) {
        SimCluster.Config c = SeededClusterTest.config(seed).withKnob(k[0], k[1]);
        ChaosRun.Result r = ChaosRun.run(seed, c, ChaosRun.Faults.ALL, 8 * ChaosRun.S, 5, 4);
        System.out.println(
            k[0] + "=" + k[1] + " all faults " + r.describe().lines().findFirst().orElse(""));
      }
    }
  }

  /**
   * The guarantees that should hold, over many seeds: ReadIndex (on the leader and through it on
   * followers) and (honest-clock) leases under leader isolation, and fsync under whole-cluster
   * crashes. {@code -Psoak -Dseeds=N}.
   */
  @Test
  @org.junit.jupiter.api.Tag("soak")
  void soakTheSafeConfigurationsUnderTargetedFaults() {
    int seeds = Integer.getInteger("seeds", 100);
    List<String> failures = new ArrayList<>();
    for (long seed = 5000; seed < 5000 + seeds; seed++) {
      SimCluster.Config base = SeededClusterTest.config(seed);
      ChaosRun.Result[] runs = {
        ChaosRun.run(seed, base, ChaosRun.Faults.ISOLATE_LEADERS, 8 * ChaosRun.S, 6, 3),
        ChaosRun.run(
            seed,
            base.withKnob("reads", "lease"),
            ChaosRun.Faults.ISOLATE_LEADERS,
            8 * ChaosRun.S,
            6,
            3),
        ChaosRun.run(seed, base, ChaosRun.Faults.CRASH_ALL, 8 * ChaosRun.S, 6, 3),
        ChaosRun.run(
            seed,
            base.withKnob("reads", "readindex-any"),
            ChaosRun.Faults.ISOLATE_LEADERS,
            8 * ChaosRun.S,
            6,
            3),
      };
      for (ChaosRun.Result r : runs) {
        if (!r.problems().isEmpty() || !r.raftViolations().isEmpty()) failures.add(r.describe());
      }
    }
    assertThat(failures).isEmpty();
  }
}
