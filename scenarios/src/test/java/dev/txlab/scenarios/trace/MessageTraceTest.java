package dev.txlab.scenarios.trace;

import static org.assertj.core.api.Assertions.assertThat;

import dev.txlab.node.sim.Simulator;
import dev.txlab.scenarios.run.RunOutcome;
import dev.txlab.scenarios.run.Scenario;
import dev.txlab.scenarios.run.ScenarioLibrary;
import dev.txlab.scenarios.run.ScenarioReader;
import dev.txlab.scenarios.run.SimRun;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A small seeded transactional run with a partition, a crash and a lossy network, read back from
 * its trace into what the report's message diagram draws: its lanes, an arrow for every message
 * delivered or lost — as many as the simulator counted — each lost one where its fault says, and
 * the messages of a transaction, exactly.
 */
class MessageTraceTest {
  @TempDir static Path dir;
  static RunOutcome run;
  static MessageTrace trace;
  static List<TraceLine> lines = new ArrayList<>();

  @BeforeAll
  static void runIt() throws Exception {
    Scenario s =
        ScenarioReader.read(
            ScenarioLibrary.bundled("quickstart"),
            List.of(
                "duration=4s",
                "converge=2s",
                "workload.clients=4",
                "network.loss=1%",
                "faults=[at 1s for 1s isolate n1, at 2500ms for 1s kill n2]"));
    Path file = dir.resolve("trace.jsonl.gz");
    try (TraceWriter w = TraceWriter.open(file, TraceMode.FULL)) {
      run = SimRun.run(s, 7, f -> {}, w);
    }
    trace = MessageTrace.read(file);
    TraceReader.read(file, lines::add);
  }

  @Test
  void clientsComeFirstThenEveryServerProcessNodeByNode() {
    assertThat(trace.lanes().subList(0, 4))
        .containsExactly("c1/client", "c2/client", "c3/client", "c4/client");
    List<String> servers = trace.lanes().subList(4, trace.lanes().size());
    assertThat(servers).hasSize(9).allMatch(l -> l.matches("n[1-5]/shard-[0-2]"));
    assertThat(servers).isSortedAccordingTo(MessageTrace.NATURAL);
    assertThat(servers).contains("n1/shard-0", "n5/shard-2");
  }

  @Test
  void everyDeliveredMessageIsAnArrowAndEveryLostOneIsMarkedWithItsReason() {
    Simulator.Stats stats = run.simulated().stats();
    List<MessageTrace.Msg> delivered =
        trace.messages().stream().filter(m -> m.lost() == null).toList();
    assertThat(delivered).hasSize((int) stats.messagesDelivered());
    Map<String, Long> lost = new TreeMap<>();
    for (MessageTrace.Msg m : trace.messages()) {
      if (m.lost() != null) lost.merge(m.lost(), 1L, Long::sum);
    }
    assertThat(lost).containsKeys("partition", "loss", "down");
    for (Map.Entry<String, Long> e : lost.entrySet()) {
      assertThat(e.getValue()).as(e.getKey()).isEqualTo(stats.drops().get(e.getKey()));
    }
    for (MessageTrace.Msg m : trace.messages()) {
      assertThat(m.at()).as("%s", m).isGreaterThanOrEqualTo(m.sent());
      assertThat(trace.lanes()).contains(m.from(), m.to());
    }
    assertThat(trace.messages())
        .isSortedAccordingTo(java.util.Comparator.comparingLong(MessageTrace.Msg::sent));
  }

  @Test
  void aLostMessageIsLostWhereItsFaultWas() {
    int down = 0;
    int partitioned = 0;
    for (MessageTrace.Msg m : trace.messages()) {
      if ("down".equals(m.lost())) {
        assertThat(covered(node(m.to()), "down", m.at())).as("%s", m).isTrue();
        down++;
      } else if ("partition".equals(m.lost())) {
        assertThat(covered(node(m.from()), "cut", m.at())).as("%s", m).isTrue();
        assertThat(covered(node(m.to()), "cut", m.at())).as("%s", m).isTrue();
        partitioned++;
      }
    }
    assertThat(down).isPositive();
    assertThat(partitioned).isPositive();
    assertThat(trace.spans())
        .anySatisfy(
            s -> {
              assertThat(s.node()).isEqualTo("n2");
              assertThat(s.kind()).isEqualTo("down");
              assertThat(s.from()).isEqualTo(2_500_000_000L);
              assertThat(s.to()).isEqualTo(3_500_000_000L);
            })
        .anySatisfy(
            s -> {
              assertThat(s.node()).isEqualTo("n1");
              assertThat(s.kind()).isEqualTo("cut");
              assertThat(s.from()).isEqualTo(1_000_000_000L);
              assertThat(s.to()).isEqualTo(2_000_000_000L);
              assertThat(s.text()).contains("n1->n2", "n2->n1", "n5->n1");
            });
    assertThat(trace.marks()).anyMatch(m -> m.text().contains("isolate n1"));
  }

  /** The node of a process: {@code n1} for {@code n1/shard-0}. */
  private static String node(String process) {
    return process.substring(0, process.indexOf('/'));
  }

  private static boolean covered(String node, String kind, long t) {
    return trace.spans().stream()
        .anyMatch(
            s -> s.node().equals(node) && s.kind().equals(kind) && s.from() <= t && t <= s.to());
  }

  @Test
  void transactionMessagesCarryTheirTransactionAndRaftMessagesNone() {
    for (MessageTrace.Msg m : trace.messages()) {
      if (m.type().startsWith("AppendEntries") || m.type().startsWith("RequestVote")) {
        assertThat(m.txn()).as("%s", m).isNull();
      }
      if (m.type().equals("Execute")) {
        assertThat(m.txn()).as("%s", m).startsWith(m.from() + ":");
      }
    }
  }

  @Test
  void theTransactionFilterSelectsExactlyThatTransactionsMessages() {
    String id = "c2/client:1";
    List<MessageTrace.Msg> selected = trace.ofTransactions(List.of(id));
    // Independently, from the raw lines: every message line whose transaction is an attempt of it.
    long expected =
        lines.stream()
            .filter(l -> l.sent() >= 0 && l.txn() != null && l.txn().matches("c2/client:1\\.\\d+"))
            .count();
    assertThat(selected).hasSize((int) expected).isNotEmpty();
    assertThat(selected).allMatch(m -> m.txn().startsWith("c2/client:1."));
    assertThat(selected).extracting(MessageTrace.Msg::type).contains("Execute");
    // One attempt alone, and never another operation whose number starts the same.
    assertThat(trace.ofTransactions(List.of("c2/client:1.0")))
        .allMatch(m -> m.txn().equals("c2/client:1.0"));
    assertThat(trace.ofTransactions(List.of("c2/client:1")))
        .noneMatch(m -> m.txn().startsWith("c2/client:10") || m.txn().startsWith("c2/client:11"));
    assertThat(trace.messages()).anyMatch(m -> m.ofTransaction("c2/client:10"));
  }
}
