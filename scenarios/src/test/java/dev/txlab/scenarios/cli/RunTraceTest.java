package dev.txlab.scenarios.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.txlab.scenarios.trace.MessageTrace;
import dev.txlab.scenarios.trace.TraceLine;
import dev.txlab.scenarios.trace.TraceReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code txlab run --trace} and {@code txlab trace}: the trace is stored compressed and still read;
 * a default quickstart run directory stays under 2 MB; the digest is over every event whatever the
 * run keeps; without a trace the report says so; bad input exits 2 naming what is wrong.
 */
class RunTraceTest {
  @TempDir Path dir;

  private static final String[] SHORT = {"--set", "duration=4s", "--set", "converge=2s"};

  private JsonNode run(Path out, String... args) throws Exception {
    List<String> all = new ArrayList<>(List.of("run"));
    all.addAll(Arrays.asList(args));
    all.addAll(List.of("--out", out.toString(), "--json"));
    CheckCommandTest.Run r = CheckCommandTest.txlab(all.toArray(new String[0]));
    assertThat(r.status()).as(r.err()).isZero();
    return new ObjectMapper().readTree(r.out());
  }

  private static List<TraceLine> lines(Path file) throws Exception {
    List<TraceLine> lines = new ArrayList<>();
    TraceReader.read(file, lines::add);
    return lines;
  }

  private static long size(Path dir) throws Exception {
    try (Stream<Path> files = Files.walk(dir)) {
      return files.filter(Files::isRegularFile).mapToLong(f -> f.toFile().length()).sum();
    }
  }

  /** A size, not a timing: the default quickstart run directory (7.2 MB before) is under 2 MB. */
  @Test
  void quickstartsDirectoryIsUnderTwoMegabytesAndItsTraceHoldsEveryDigestedEvent()
      throws Exception {
    Path out = dir.resolve("quickstart");
    JsonNode j = run(out, "quickstart");
    assertThat(size(out)).as("bytes in %s", out).isLessThan(2_000_000L);
    assertThat(out.resolve("trace.jsonl.gz")).exists();
    assertThat(out.resolve("trace.jsonl")).doesNotExist();
    // The digest is the SHA-256 of the lines "t at what\n": recomputed from the file, it matches.
    MessageDigest sha = MessageDigest.getInstance("SHA-256");
    for (TraceLine l : lines(out.resolve("trace.jsonl.gz"))) {
      sha.update((l.t() + " " + l.at() + " " + l.what() + "\n").getBytes(StandardCharsets.UTF_8));
    }
    assertThat(HexFormat.of().formatHex(sha.digest())).isEqualTo(j.get("trace_sha256").asText());
    assertThat(Files.readString(out.resolve("report.html")))
        .contains("<h2 id=messages>Messages</h2>")
        .contains("id=md-data>");
  }

  @Test
  void aSummaryKeepsTheMessagesAndOffKeepsNothingWithTheSameDigest() throws Exception {
    JsonNode full = run(dir.resolve("full"), concat("quickstart", SHORT));
    JsonNode summary =
        run(dir.resolve("summary"), concat("quickstart", SHORT, "--trace", "summary"));
    JsonNode off = run(dir.resolve("off"), concat("quickstart", SHORT, "--trace", "off"));
    String digest = full.get("trace_sha256").asText();
    assertThat(summary.get("trace_sha256").asText()).isEqualTo(digest);
    assertThat(off.get("trace_sha256").asText()).isEqualTo(digest);

    Path fullTrace = dir.resolve("full/trace.jsonl.gz");
    Path summaryTrace = dir.resolve("summary/trace.jsonl.gz");
    assertThat(Files.size(summaryTrace)).isLessThan(Files.size(fullTrace));
    assertThat(lines(summaryTrace))
        .noneMatch(l -> l.what().startsWith("timer") || l.what().equals("synced"));
    assertThat(MessageTrace.read(summaryTrace).messages())
        .isEqualTo(MessageTrace.read(fullTrace).messages());

    assertThat(dir.resolve("off/trace.jsonl.gz")).doesNotExist();
    assertThat(dir.resolve("off/trace.jsonl")).doesNotExist();
    assertThat(Files.readString(dir.resolve("off/report.html")))
        .contains("This run was made with --trace off")
        .doesNotContain("id=md-data>");
  }

  private static String[] concat(String first, String[] middle, String... last) {
    List<String> all = new ArrayList<>(List.of(first));
    all.addAll(Arrays.asList(middle));
    all.addAll(Arrays.asList(last));
    return all.toArray(new String[0]);
  }

  @Test
  void aBadTraceValueExitsTwoNamingTheOption() {
    Path out = dir.resolve("never");
    CheckCommandTest.Run r =
        CheckCommandTest.txlab("run", "quickstart", "--trace", "verbose", "--out", out.toString());
    assertThat(r.status()).isEqualTo(2);
    assertThat(r.err()).contains("--trace must be full, summary or off, not 'verbose'");
    assertThat(out).doesNotExist();
  }

  @Test
  void traceReadsARunsCompressedTraceAndRefusesAMissingOrDamagedOne() throws Exception {
    Path out = dir.resolve("run");
    run(out, concat("quickstart", SHORT));
    CheckCommandTest.Run all = CheckCommandTest.txlab("trace", out.toString());
    assertThat(all.status()).as(all.err()).isZero();
    assertThat(all.jsonLines()).hasSize(lines(out.resolve("trace.jsonl.gz")).size());

    CheckCommandTest.Run one =
        CheckCommandTest.txlab("trace", out.toString(), "--txn", "c2/client:3");
    assertThat(one.status()).isZero();
    List<JsonNode> selected = one.jsonLines();
    assertThat(selected)
        .hasSize(
            MessageTrace.read(out.resolve("trace.jsonl.gz"))
                .ofTransactions(List.of("c2/client:3"))
                .size())
        .isNotEmpty()
        .allMatch(n -> n.get("txn").asText().startsWith("c2/client:3."));

    CheckCommandTest.Run node = CheckCommandTest.txlab("trace", out.toString(), "--node", "n3");
    assertThat(node.jsonLines())
        .isNotEmpty()
        .allMatch(n -> n.get("at").asText().matches("n3(/.*)?"));

    Path missing = dir.resolve("missing.jsonl.gz");
    CheckCommandTest.Run none = CheckCommandTest.txlab("trace", missing.toString());
    assertThat(none.status()).isEqualTo(2);
    assertThat(none.err()).contains(missing + ": no such trace file").doesNotContain("Exception");

    Path cut = dir.resolve("cut.jsonl.gz");
    byte[] bytes = Files.readAllBytes(out.resolve("trace.jsonl.gz"));
    Files.write(cut, Arrays.copyOf(bytes, bytes.length / 2));
    CheckCommandTest.Run damaged = CheckCommandTest.txlab("trace", cut.toString());
    assertThat(damaged.status()).isEqualTo(2);
    assertThat(damaged.err())
        .contains(cut + ": the compressed data ends early")
        .doesNotContain("Exception");

    Path off = dir.resolve("off");
    run(off, concat("quickstart", SHORT, "--trace", "off"));
    CheckCommandTest.Run noTrace = CheckCommandTest.txlab("trace", off.toString());
    assertThat(noTrace.status()).isEqualTo(2);
    assertThat(noTrace.err()).contains(off + ": no trace file (trace.jsonl.gz)");
  }
}
