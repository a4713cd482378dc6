package dev.txlab.scenarios.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code txlab soak shapes} in the default build, on a few seeds (the closing notes quote 1,000):
 * random shapes, workloads, protocols and faults, and none crashes or is invalid. Every seed's
 * script is one a user could run: the reader accepts each.
 */
class SoakShapesTest {
  @TempDir Path dir;

  @Test
  void randomShapesNeitherCrashNorBreakAGuarantee() {
    CheckCommandTest.Run r =
        CheckCommandTest.txlab("soak", "shapes", "--seeds", "1..25", "--out", dir.toString());
    assertThat(r.status()).as(r.out() + r.err()).isZero();
    assertThat(r.out()).contains("25 shapes").contains("0 crashed, 0 invalid");
  }

  @Test
  void theShapesCoverTheRanges() {
    java.util.Set<String> seen = new java.util.TreeSet<>();
    for (long seed = 1; seed <= 300; seed++) {
      String script = SoakCommand.Shapes.script(seed);
      for (String line : script.split("\\n")) {
        if (line.startsWith("nodes: ")
            || line.startsWith("replicas: ")
            || line.startsWith("protocol: ")) {
          seen.add(line);
        }
      }
    }
    assertThat(seen).contains("nodes: 1", "nodes: 9", "replicas: 1", "replicas: 5");
    assertThat(seen).contains("protocol: spanner", "protocol: classic", "protocol: raft-kv");
  }

  @Test
  void badSeedsAreBadInput() {
    CheckCommandTest.Run r = CheckCommandTest.txlab("soak", "shapes", "--seeds", "9..3");
    assertThat(r.status()).isEqualTo(2);
    assertThat(r.err()).contains("--seeds must be FROM..TO");
  }
}
