package dev.txlab.scenarios.live;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Durability on real processes, in the default build (issue 12): clients append while the leader is
 * killed with SIGKILL and restarted, then every node is killed at once and restarted; read back, no
 * acknowledged append is lost and no value appears that no client wrote. {@code txlab soak
 * durability} runs the long version.
 */
@org.junit.jupiter.api.Tag("real-time")
class DurabilityTest {
  @TempDir Path dir;

  @Test
  void noAcknowledgedAppendIsLostAndNothingIsInvented() throws Exception {
    List<String> progress = new ArrayList<>();
    DurabilityProbe.Report r =
        DurabilityProbe.run(dir.resolve("cluster"), 1, Duration.ofSeconds(10), 3, progress::add);
    assertThat(r.acknowledged()).as(String.join("\n", progress)).isPositive();
    assertThat(r.lost()).as("acknowledged appends lost").isEmpty();
    assertThat(r.phantom()).as("values no client wrote").isEmpty();
    assertThat(r.ok()).as(r.historySummary()).isTrue();
    assertThat(r.faults())
        .anyMatch(f -> f.contains("kill leader:shard-0") || f.contains("kill n"))
        .anyMatch(f -> f.contains("kill all"))
        .anyMatch(f -> f.contains("restart all"));
  }
}
