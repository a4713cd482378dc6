package dev.txlab.checker.history;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.OutputStream;
import java.io.StringReader;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The three readers, the writers, and the errors bad input gets. */
class HistoryReadersTest {

  @TempDir Path dir;

  private static History edn(String text) throws Exception {
    return new EdnHistoryReader().read("h.edn", new StringReader(text));
  }

  private static HistoryException ednError(String text) {
    try {
      edn(text);
    } catch (HistoryException e) {
      return e;
    } catch (Exception e) {
      throw new AssertionError(e);
    }
    throw new AssertionError("expected a HistoryException for: " + text);
  }

  @Test
  void readsOneCollectionWithCommentsCommasAndKeysInAnyOrder() throws Exception {
    History h =
        edn(
            "; a comment before\n"
                + "[{:type :invoke, :f :write, :process 0, :value 1 :time 10}\n"
                + " ; between elements\n"
                + " {:process 0 :type :ok :f :write :value 1, :index 1, :error \"x {\\\"y\\\"}\"}\n"
                + " {:type :invoke\n   :process 1\n   :f :read\n   :value nil}\n"
                + " {:type :ok :process 1 :f :read :value 1}]\n");
    assertThat(h.size()).isEqualTo(4);
    Op first = h.events().get(0);
    assertThat(first.type()).isEqualTo(OpType.INVOKE);
    assertThat(first.f()).isEqualTo("write");
    assertThat(first.value()).isEqualTo(1L);
    assertThat(first.timeNanos()).isEqualTo(10L);
    assertThat(h.events().get(1).extra("error")).isEqualTo("x {\"y\"}");
    assertThat(h.operations()).hasSize(2);
    assertThat(h.operations().get(1).value()).isEqualTo(1L);
    assertThat(h.partnerOf(0)).isEqualTo(1);
  }

  @Test
  void readsAListAndOneMapPerLineAndTaggedOps() throws Exception {
    assertThat(
            edn("({:type :invoke :process 0 :f :read} {:type :ok :process 0 :f :read :value 3})")
                .size())
        .isEqualTo(2);
    History lines =
        edn(
            "{:index 0 :type :invoke :process 0 :f :txn :value [[:append 1 2] [:r 1 nil]]}\n"
                + "#jepsen.history.Op{:index 1 :type :ok :process 0 :f :txn :value [[:append 1 2] [:r 1 [2]]]}\n"
                + "{:index 2 :type :info :process :nemesis :f :start :value \"cut\"}\n");
    assertThat(lines.size()).isEqualTo(3);
    assertThat(lines.events().get(2).isNemesis()).isTrue();
    Object value = lines.operations().get(0).value();
    assertThat(value)
        .isEqualTo(
            List.of(
                List.of(Keyword.of("append"), 1L, 2L), List.of(Keyword.of("r"), 1L, List.of(2L))));
  }

  @Test
  void keepsIndependentTuplesAndNil() throws Exception {
    History h = edn("[{:type :invoke :process 3 :f :cas :value [7 [1 2]]}]");
    assertThat(h.events().get(0).value()).isEqualTo(List.of(7L, List.of(1L, 2L)));
    assertThat(h.operations().get(0).isIndeterminate()).isTrue();
  }

  @Test
  void malformedEdnNamesLineAndColumn() {
    HistoryException e =
        ednError(
            "[{:type :invoke :process 0 :f :read}\n {:type :ok :process 0 :f :read :value [1 2}]");
    assertThat(e.file()).isEqualTo("h.edn");
    assertThat(e.line()).isEqualTo(2);
    assertThat(e.column()).isGreaterThan(0);
    assertThat(e.getMessage()).startsWith("h.edn:2:").contains("malformed EDN");
  }

  @Test
  void unterminatedCollectionIsReported() {
    HistoryException e = ednError("[{:type :invoke :process 0 :f :read}\n");
    assertThat(e.getMessage()).contains("end of file").contains("expected ']'");
  }

  @Test
  void fieldErrorsNameTheField() {
    assertThat(ednError("[{:type :started :process 0 :f :read}]").getMessage())
        .isEqualTo("h.edn:1:2: field :type: expected invoke, ok, fail or info, found :started");
    // Without an integer :process an event is not a client operation (as in Elle), not an error.
    assertThat(ednError("[{:type :invoke :process 0.5 :f :read}]").getMessage())
        .contains("field :process: expected an integer or :nemesis");
    assertThat(ednError("[{:type :invoke :process 0 :f 3}]").getMessage())
        .contains("field :f: expected a keyword");
    assertThat(ednError("[{:type :invoke :process 0 :f :read :time -3}]").getMessage())
        .contains("field :time");
    assertThat(ednError("[1 2]").getMessage()).contains("expected an operation map");
  }

  @Test
  void inconsistentHistoriesAreReportedWithTheLine() {
    assertThat(ednError("{:type :ok :process 0 :f :read :value 1}").getMessage())
        .isEqualTo("h.edn:1:1: process 0 completes :read with :ok but has no open invocation");
    assertThat(
            ednError("{:type :invoke :process 0 :f :read}\n{:type :invoke :process 0 :f :read}")
                .getMessage())
        .startsWith("h.edn:2:1: process 0 invokes :read while its operation invoked at line 1");
    assertThat(
            ednError(
                    "{:type :invoke :process 0 :f :write :value 1}\n"
                        + "{:type :info :process 0 :f :write :value 1}\n"
                        + "{:type :invoke :process 0 :f :read}")
                .getMessage())
        .startsWith("h.edn:3:1: ")
        .contains("after its operation crashed (:info at line 2)");
    assertThat(
            ednError(
                    "{:type :invoke :process 0 :f :write :value 1}\n{:type :ok :process 0 :f :read}")
                .getMessage())
        .contains("its open invocation (at line 1) is :write");
  }

  @Test
  void eventsWithoutProcessOrFunctionReadAsElleReadsThem() throws Exception {
    History h =
        edn(
            "[{:type :invoke :value [[:r 1 nil]]} {:type :invoke :process 0 :value [[:r 1 nil]]} {:type :ok :process 0 :value [[:r 1 []]]}]");
    assertThat(h.events().get(0).isNemesis()).isTrue();
    assertThat(h.operations()).hasSize(1);
    assertThat(h.operations().get(0).f()).isEqualTo("txn");
  }

  @Test
  void infoWithNothingOpenIsANoteNotAnError() throws Exception {
    History h = edn("[{:type :info :process 4 :f :start}]");
    assertThat(h.operations()).isEmpty();
  }

  @Test
  void readsJsonLines() throws Exception {
    String text =
        "{\"index\":0,\"time\":5,\"type\":\"invoke\",\"process\":2,\"f\":\"txn\",\"value\":[[\"append\",1,2]]}\n"
            + "\n"
            + "{\"index\":1,\"time\":9,\"type\":\"ok\",\"process\":2,\"f\":\"txn\",\"value\":[[\"append\",1,2]],\"node\":\"n1\"}\n"
            + "{\"index\":2,\"type\":\"info\",\"process\":\"nemesis\",\"f\":\"kill\",\"value\":null}\n";
    History h = new JsonlHistoryReader().read("h.jsonl", new StringReader(text));
    assertThat(h.size()).isEqualTo(3);
    assertThat(h.events().get(1).extra("node")).isEqualTo("n1");
    assertThat(h.events().get(2).isNemesis()).isTrue();
    assertThat(h.operations().get(0).value()).isEqualTo(List.of(List.of("append", 1L, 2L)));
  }

  @Test
  void jsonErrorsNameLineAndField() {
    assertThatThrownBy(
            () ->
                new JsonlHistoryReader()
                    .read(
                        "h.jsonl",
                        new StringReader(
                            "{\"type\":\"invoke\",\"process\":0,\"f\":\"r\"}\n{\"type\":\"ok\",")))
        .isInstanceOf(HistoryException.class)
        .hasMessageStartingWith("h.jsonl:2:")
        .hasMessageContaining("malformed JSON");
    assertThatThrownBy(
            () ->
                new JsonlHistoryReader()
                    .read(
                        "h.jsonl",
                        new StringReader("{\"type\":\"invoke\",\"process\":\"0\",\"f\":7}")))
        .isInstanceOf(HistoryException.class)
        .hasMessage("h.jsonl:1:1: field f: expected a keyword, found 7");
  }

  @Test
  void readsTheJepsenTextLog() throws Exception {
    String text =
        "2015-01-01 INFO setup chatter that is not an event\n"
            + "INFO  jepsen.util - 3\t:invoke\t:cas\t[1 4]\n"
            + "INFO  jepsen.util - 3\t:fail\t:cas\t[1 4]\n"
            + "INFO jepsen.util - 4    :invoke   :write    2\n"
            + "INFO jepsen.util - 4    :info     :write    :timed-out\n"
            + "INFO jepsen.util - :nemesis :info :start nil\n"
            + "INFO jepsen.util - 5 :invoke :read nil\n"
            + "INFO jepsen.util - 5 :ok :read nil\n";
    History h = new JepsenLogReader().read("etcd.log", new StringReader(text));
    assertThat(h.size()).isEqualTo(7);
    assertThat(h.events().get(0).value()).isEqualTo(List.of(1L, 4L));
    assertThat(h.events().get(3).value()).isEqualTo(Keyword.of("timed-out"));
    assertThat(h.operations()).hasSize(3);
    assertThat(h.operations().get(1).isIndeterminate()).isTrue();
    assertThat(h.operations().get(1).value()).isEqualTo(2L);
    assertThat(h.events().get(0).timeNanos()).isEqualTo(Op.NO_TIME);
  }

  @Test
  void jepsenLogErrorsNameTheField() {
    assertThatThrownBy(
            () ->
                new JepsenLogReader()
                    .read("e.log", new StringReader("x\nINFO jepsen.util - 3 :done :read nil\n")))
        .isInstanceOf(HistoryException.class)
        .hasMessage("e.log:2:22: type: expected :invoke, :ok, :fail or :info, found ':done'");
    assertThatThrownBy(
            () ->
                new JepsenLogReader()
                    .read("e.log", new StringReader("INFO jepsen.util - 3 :invoke :write [1\n")))
        .isInstanceOf(HistoryException.class)
        .hasMessageStartingWith("e.log:1:37: value:");
  }

  @Test
  void detectsTheFormatByContentAndReadsGzip() throws Exception {
    assertThat(HistoryFormat.detect("x", "  {\"type\": \"invoke\"}"))
        .isEqualTo(HistoryFormat.JSONL);
    assertThat(HistoryFormat.detect("x", "{:type :invoke}")).isEqualTo(HistoryFormat.EDN);
    assertThat(HistoryFormat.detect("x", "; hi\n[")).isEqualTo(HistoryFormat.EDN);
    assertThat(HistoryFormat.detect("x", "INFO  jepsen.util - 1\t:invoke\t:read\tnil"))
        .isEqualTo(HistoryFormat.JEPSEN_LOG);
    assertThatThrownBy(() -> HistoryFormat.detect("x", "hello"))
        .isInstanceOf(HistoryException.class)
        .hasMessageContaining("give --format");

    Path gz = dir.resolve("h.edn.gz");
    try (OutputStream out = new GZIPOutputStream(Files.newOutputStream(gz))) {
      out.write("{:type :invoke :process 0 :f :read}\n".getBytes(StandardCharsets.UTF_8));
    }
    assertThat(HistoryFormat.read(gz, null).size()).isEqualTo(1);
    assertThatThrownBy(() -> HistoryFormat.read(dir.resolve("missing.edn"), null))
        .isInstanceOf(HistoryException.class)
        .hasMessageEndingWith("missing.edn: no such file");
  }

  @Test
  void ednAndJsonlWritersRoundTrip() throws Exception {
    History h =
        edn(
            "[{:index 0 :time 1 :type :invoke :process 0 :f :txn :value [[:append 1 2] [:r 1 nil]]}\n"
                + " {:index 1 :time 2 :type :ok :process 0 :f :txn :value [[:append 1 2] [:r 1 [2]]] :error nil}\n"
                + " {:index 2 :time 3 :type :info :process :nemesis :f :kill :value \"n1 \\\"x\\\"\"}\n"
                + " {:index 3 :time 4 :type :invoke :process 1 :f :cas :value [3 [1 2.5]]}]");
    String ednText = HistoryWriter.edn(h.events());
    History again = edn(ednText);
    assertThat(again.events()).isEqualTo(h.events());

    StringWriter sw = new StringWriter();
    HistoryWriter.writeJsonl(h.events(), sw);
    History fromJson = new JsonlHistoryReader().read("h.jsonl", new StringReader(sw.toString()));
    assertThat(fromJson.size()).isEqualTo(h.size());
    // JSON has no keywords: they come back as strings, and everything else is unchanged.
    assertThat(fromJson.events().get(0).value())
        .isEqualTo(List.of(List.of("append", 1L, 2L), java.util.Arrays.asList("r", 1L, null)));
    assertThat(fromJson.events().get(3).value()).isEqualTo(List.of(3L, List.of(1L, 2.5)));
    assertThat(fromJson.events().get(2).isNemesis()).isTrue();
    assertThat(fromJson.events().get(1).extra())
        .isEqualTo(java.util.Collections.singletonMap("error", null));
  }

  @Test
  void parsesStandaloneEdnValues() {
    assertThat(Edn.parse("{:x 0 :y 0}"))
        .isEqualTo(Map.of(Keyword.of("x"), 0L, Keyword.of("y"), 0L));
    assertThat(Edn.parse(" nil ")).isNull();
    assertThatThrownBy(() -> Edn.parse("1 2")).hasMessageContaining("one EDN value");
    assertThatThrownBy(() -> Edn.parse("")).hasMessageContaining("found nothing");
  }

  @Test
  void buildsFromMemory() throws IOException, HistoryException {
    History h =
        History.of(
            "mem",
            List.of(
                new Op(0, 0, 0, OpType.INVOKE, "read", null),
                new Op(1, 5, 0, OpType.OK, "read", 7L)));
    assertThat(h.operations().get(0).value()).isEqualTo(7L);
    assertThat(h.operations().get(0).completePosition()).isEqualTo(1);
  }
}
