package dev.txlab.scenarios.run;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.txlab.checker.history.Op;
import dev.txlab.checker.history.OpType;
import dev.txlab.checker.history.Operation;
import dev.txlab.scenarios.trace.MessageTrace;
import dev.txlab.scenarios.trace.TraceMode;
import dev.txlab.scenarios.trace.TraceWriter;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The report's message diagram: the data the page unpacks is the trace's messages, exactly; an
 * anomaly's history operations name the transactions whose messages the trace carries; the section
 * needs no network; and a run without a trace says why it has no diagram.
 */
class MessageDiagramTest {
  @TempDir static Path dir;
  static RunOutcome run;
  static MessageTrace trace;

  @BeforeAll
  static void runIt() throws Exception {
    Scenario s =
        ScenarioReader.read(
            ScenarioLibrary.bundled("quickstart"),
            List.of(
                "duration=3s",
                "converge=1s",
                "workload.clients=3",
                "network.loss=1%",
                "faults=[at 1s for 500ms isolate n2]"));
    Path file = dir.resolve(RunDirectory.TRACE);
    try (TraceWriter w = TraceWriter.open(file, TraceMode.FULL)) {
      run = SimRun.run(s, 3, f -> {}, w);
    }
    trace = MessageTrace.read(file);
  }

  /** What the page's script unpacks, unpacked the same way. */
  record Unpacked(JsonNode header, long[][] columns) {}

  static Unpacked unpack(String base64) throws Exception {
    byte[] bytes;
    try (GZIPInputStream in =
        new GZIPInputStream(new ByteArrayInputStream(Base64.getDecoder().decode(base64)))) {
      bytes = in.readAllBytes();
    }
    int newline = 0;
    while (bytes[newline] != '\n') newline++;
    JsonNode header =
        new ObjectMapper().readTree(new String(bytes, 0, newline, StandardCharsets.UTF_8));
    int n = header.get("n").asInt();
    long[][] columns = new long[MessageDiagram.COLUMNS.size()][n];
    int at = newline + 1;
    for (long[] column : columns) {
      for (int i = 0; i < n; i++) {
        long v = 0;
        int shift = 0;
        int b;
        do {
          b = bytes[at++] & 0xff;
          v |= (long) (b & 0x7f) << shift;
          shift += 7;
        } while ((b & 0x80) != 0);
        column[i] = v;
      }
    }
    assertThat(at).as("every byte is a column's").isEqualTo(bytes.length);
    return new Unpacked(header, columns);
  }

  @Test
  void thePagesDataIsEveryMessageOfTheTrace() throws Exception {
    Unpacked u = unpack(MessageDiagram.pack(trace));
    JsonNode h = u.header();
    List<MessageTrace.Msg> msgs = trace.messages();
    assertThat(h.get("n").asInt()).isEqualTo(msgs.size()).isPositive();
    assertThat(h.get("end").asLong()).isEqualTo(trace.endNanos() / 1000);
    List<String> lanes = names(h.get("lanes"));
    assertThat(lanes).isEqualTo(trace.lanes());
    List<String> types = names(h.get("types"));
    List<String> txns = names(h.get("txns"));
    List<String> reasons = names(h.get("reasons"));
    String[] lostReason = new String[msgs.size()];
    for (JsonNode l : h.get("l")) {
      lostReason[l.get(0).asInt()] = reasons.get(l.get(1).asInt());
    }
    long sent = 0;
    for (int i = 0; i < msgs.size(); i++) {
      MessageTrace.Msg m = msgs.get(i);
      sent += u.columns()[0][i];
      assertThat(sent).as("sent %d", i).isEqualTo(m.sent() / 1000);
      assertThat(sent + u.columns()[1][i]).as("at %d", i).isEqualTo(m.at() / 1000);
      assertThat(lanes.get((int) u.columns()[2][i] - 1)).isEqualTo(m.from());
      assertThat(lanes.get((int) u.columns()[3][i] - 1)).isEqualTo(m.to());
      assertThat(types.get((int) u.columns()[4][i])).isEqualTo(m.type());
      long x = u.columns()[5][i];
      assertThat(x == 0 ? null : txns.get((int) x - 1)).isEqualTo(m.txn());
      assertThat(lostReason[i]).as("lost %d", i).isEqualTo(m.lost());
    }
    assertThat(lostReason).contains("partition", "loss");
    assertThat(h.get("spans").size()).isEqualTo(trace.spans().size()).isPositive();
    assertThat(h.get("marks").size()).isEqualTo(trace.marks().size()).isPositive();
  }

  private static List<String> names(JsonNode array) {
    List<String> out = new ArrayList<>();
    array.forEach(n -> out.add(n.asText()));
    return out;
  }

  /**
   * Every completed transaction of the history maps to the transaction its messages carry: they
   * start after it was invoked and before it completed, from its client.
   */
  @Test
  void historyOperationsNameTheTransactionsWhoseMessagesTheTraceCarries() {
    int clients = run.scenario().workload().clients();
    int checked = 0;
    for (Operation op : run.history().operations()) {
      if (op.completion() == null || !op.isOk()) {
        continue;
      }
      List<String> ids =
          MessageDiagram.transactions(run.history(), clients, List.of(op.invocation().index()));
      assertThat(ids).hasSize(1);
      String client = "c" + (op.process() % clients + 1) + "/client";
      assertThat(ids.get(0)).startsWith(client + ":");
      List<MessageTrace.Msg> msgs = trace.ofTransactions(ids);
      assertThat(msgs).as(ids.get(0)).isNotEmpty();
      long first = msgs.stream().mapToLong(MessageTrace.Msg::sent).min().orElseThrow();
      assertThat(first).as(ids.get(0)).isBetween(op.invokeTimeNanos(), op.completion().timeNanos());
      assertThat(msgs.get(0).from()).isEqualTo(client);
      // The completion names the same transaction as the invocation.
      assertThat(
              MessageDiagram.transactions(run.history(), clients, List.of(op.completion().index())))
          .isEqualTo(ids);
      checked++;
    }
    assertThat(checked).isGreaterThan(20);
  }

  @Test
  void anAnomalysLinkNamesItsTransactionsAndTheSectionNeedsNoNetwork() {
    MessageDiagram d = MessageDiagram.of(trace);
    Op first = run.history().events().stream().filter(Op::isInvoke).findFirst().orElseThrow();
    String link =
        d.linkToTransactions(
            run.history(), run.scenario().workload().clients(), List.of(first.index()));
    assertThat(link).matches("(?s).*href=\"#messages\\?txn=c\\d+/client:1\".*");
    assertThat(link)
        .contains(
            String.format(
                java.util.Locale.ROOT,
                ": %,d messages)",
                trace
                    .ofTransactions(
                        MessageDiagram.transactions(
                            run.history(),
                            run.scenario().workload().clients(),
                            List.of(first.index())))
                    .size()));
    String section = d.section();
    assertThat(section)
        .contains("<h2 id=messages>Messages</h2>")
        .contains("id=md-data>")
        .contains("DecompressionStream")
        .doesNotContain("http://")
        .doesNotContain("https://")
        .doesNotContain(" src=");
  }

  @Test
  void aLinearizabilityCounterexampleLinksToItsClientsMessagesThen() {
    List<Operation> ops = new ArrayList<>();
    for (int process : new int[] {10, 19, 30}) {
      Op invoke = new Op(process, 5_000_000L, process, OpType.INVOKE, "read", null);
      Op ok = new Op(process + 100, 6_000_000L, process, OpType.OK, "read", 1L);
      ops.add(new Operation(ops.size(), invoke, ok, process, process + 100));
    }
    assertThat(MessageDiagram.of(trace).linkToOperations(5_000_000L, 6_500_000L, ops, 20))
        .contains("href=\"#messages?from=0.005000&amp;to=0.006500&amp;node=c11,c20\"")
        .contains("(c11, c20)");
  }

  @Test
  void withoutATraceTheReportSaysWhyThereIsNoDiagram() {
    MessageDiagram off = MessageDiagram.of(run, dir.resolve("elsewhere"), TraceMode.OFF);
    assertThat(off.section()).contains("--trace off").doesNotContain("<script");
    assertThat(off.linkToOperations(0, 1, List.of(), 3))
        .contains("why this run has no message diagram");
    MessageDiagram missing = MessageDiagram.of(run, dir.resolve("elsewhere"), TraceMode.FULL);
    assertThat(missing.section()).contains("no trace file");
    assertThat(MessageDiagram.of(run, dir, TraceMode.FULL).section()).contains("id=md-data>");
  }
}
