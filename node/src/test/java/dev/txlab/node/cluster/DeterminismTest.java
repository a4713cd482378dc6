package dev.txlab.node.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A run is a pure function of its seed: one seed twice gives one trace digest; two seeds differ.
 * When a digest differs, the test reconciles the two traces and names the first diverging line.
 */
class DeterminismTest {
  private static ChaosRun.Result run(long seed, List<String> lines) {
    return ChaosRun.run(
        seed,
        SeededClusterTest.config(seed),
        ChaosRun.Faults.ALL,
        5 * ChaosRun.S,
        4,
        4,
        lines::add);
  }

  @Test
  void sameSeedSameDigest() {
    List<String> first = new ArrayList<>(), second = new ArrayList<>();
    ChaosRun.Result a = run(7, first), b = run(7, second);
    if (!a.digest().equals(b.digest())) {
      int i = 0;
      while (i < Math.min(first.size(), second.size()) && first.get(i).equals(second.get(i))) i++;
      throw new AssertionError(
          "seed 7 diverged at trace line "
              + (i + 1)
              + ":\n  first:  "
              + (i < first.size() ? first.get(i) : "<end>")
              + "\n  second: "
              + (i < second.size() ? second.get(i) : "<end>"));
    }
    assertThat(a.digest()).hasSize(64);
    assertThat(first).isNotEmpty();
    assertThat(a.events()).isEqualTo(b.events());
  }

  /** Followers' reads through the leader (random request ids included) are seeded too. */
  @Test
  void followerReadIndexIsDeterministic() {
    SimCluster.Config c = SeededClusterTest.config(7).withKnob("reads", "readindex-any");
    ChaosRun.Result a = ChaosRun.run(7, c, ChaosRun.Faults.ALL, 5 * ChaosRun.S, 4, 4);
    ChaosRun.Result b = ChaosRun.run(7, c, ChaosRun.Faults.ALL, 5 * ChaosRun.S, 4, 4);
    assertThat(a.digest()).isEqualTo(b.digest());
    assertThat(a.digest()).isNotEqualTo(run(7, new ArrayList<>()).digest());
  }

  @Test
  void differentSeedsDiffer() {
    assertThat(run(7, new ArrayList<>()).digest()).isNotEqualTo(run(8, new ArrayList<>()).digest());
  }

  @Test
  void theSinkSeesExactlyWhatIsDigested() {
    List<String> lines = new ArrayList<>();
    ChaosRun.Result withSink = run(9, lines);
    ChaosRun.Result without =
        ChaosRun.run(9, SeededClusterTest.config(9), ChaosRun.Faults.ALL, 5 * ChaosRun.S, 4, 4);
    assertThat(withSink.digest()).isEqualTo(without.digest());
    assertThat(lines.get(0)).matches("\\d+ \\S+ .*");
    // The digest is the SHA-256 of the lines, each ended by a newline: anyone can recompute it.
    StringBuilder all = new StringBuilder();
    for (String l : lines) all.append(l).append('\n');
    assertThat(sha256Hex(all.toString())).isEqualTo(withSink.digest());
  }

  private static String sha256Hex(String text) {
    try {
      byte[] d =
          java.security.MessageDigest.getInstance("SHA-256")
              .digest(text.getBytes(java.nio.charset.StandardCharsets.UTF_8));
      StringBuilder sb = new StringBuilder();
      for (byte b : d) sb.append(String.format("%02x", b));
      return sb.toString();
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
