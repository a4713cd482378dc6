package dev.txlab.checker.txn;

import static org.assertj.core.api.Assertions.assertThat;

import dev.txlab.checker.Validity;
import dev.txlab.checker.history.History;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/**
 * Property tests over seeded simulated stores ({@link WeakStores}): a serial store never shows an
 * anomaly, whatever the concurrency, crashes and aborts; each weaker store shows only the anomaly
 * classes its level allows, and (over the seeds) does show the characteristic one. Every failure
 * names the level and seed, which replay it exactly.
 */
class StoreSemanticsTest {
  private static final int SEEDS = 25;
  private static final int TXNS = 300;

  private static TxnResult check(WeakStores.Level level, long seed, String model) throws Exception {
    History h = WeakStores.history(level, seed, TXNS, 1 + (int) (seed % 8));
    return TxnChecker.check(h, TxnSpec.of("list-append", model));
  }

  @Test
  void serialStoreIsStrictSerializable() throws Exception {
    for (long seed = 1; seed <= SEEDS * 2; seed++) {
      TxnResult r = check(WeakStores.Level.SERIAL, seed, "strict-serializable");
      assertThat(concrete(r)).as("SERIAL seed %d: %s", seed, r.toText()).isEmpty();
      assertThat(r.validity()).as("SERIAL seed %d", seed).isEqualTo(Validity.VALID);
    }
  }

  @Test
  void snapshotIsolationShowsWriteSkewOnly() throws Exception {
    Set<String> seen =
        allowed(WeakStores.Level.SNAPSHOT_ISOLATION, "snapshot-isolation", Set.of("G2-item"));
    assertThat(seen).contains("G2-item").doesNotContain("G-single-item");
  }

  @Test
  void prefixStoreIsSnapshotIsolatedButReadsStale() throws Exception {
    Set<String> seen = allowed(WeakStores.Level.PREFIX, "snapshot-isolation", Set.of("G2-item"));
    Set<String> strict = new TreeSet<>();
    for (long seed = 1; seed <= SEEDS; seed++) {
      strict.addAll(concrete(check(WeakStores.Level.PREFIX, seed, "strict-serializable")));
    }
    assertThat(strict).anyMatch(t -> t.endsWith("-realtime"));
  }

  @Test
  void readCommittedStoreIsReadCommittedAndLosesUpdates() throws Exception {
    Set<String> seen =
        allowed(
            WeakStores.Level.READ_COMMITTED,
            "read-committed",
            Set.of("internal", "G-single-item", "G-nonadjacent-item", "G2-item", "lost-update"));
    assertThat(seen).contains("G-single-item", "lost-update");
  }

  @Test
  void uncontrolledStoreIsCaught() throws Exception {
    Set<String> seen = new TreeSet<>();
    for (long seed = 1; seed <= 5; seed++) {
      TxnResult r = check(WeakStores.Level.NONE, seed, "read-committed");
      assertThat(r.validity()).as("NONE seed %d", seed).isEqualTo(Validity.INVALID);
      seen.addAll(concrete(r));
    }
    assertThat(seen).contains("G1c");
  }

  /**
   * Checks every seed of {@code level}: the level's own model holds, and under serializability
   * nothing outside {@code allowed} is found. Returns the union of what was found.
   */
  private static Set<String> allowed(WeakStores.Level level, String ownModel, Set<String> allowed)
      throws Exception {
    Set<String> seen = new TreeSet<>();
    for (long seed = 1; seed <= SEEDS; seed++) {
      TxnResult own = check(level, seed, ownModel);
      assertThat(own.validity())
          .as("%s seed %d under %s: %s", level, seed, ownModel, own.toText())
          .isEqualTo(Validity.VALID);
      TxnResult ser = check(level, seed, "serializable");
      List<String> found = concrete(ser);
      assertThat(allowed).as("%s seed %d: %s", level, seed, ser.toText()).containsAll(found);
      seen.addAll(found);
    }
    return seen;
  }

  /** Found types, without the "a cycle exists somewhere" notes that shadow concrete ones. */
  private static List<String> concrete(TxnResult r) {
    List<String> out = new java.util.ArrayList<>();
    for (String t : r.foundTypes()) {
      if (!t.endsWith("-cycle-exists")) {
        out.add(t);
      }
    }
    return out;
  }
}
