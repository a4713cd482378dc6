package dev.txlab.scenarios.run;

import dev.txlab.checker.history.History;
import dev.txlab.checker.history.Op;
import dev.txlab.checker.history.Operation;
import dev.txlab.scenarios.trace.MessageTrace;
import dev.txlab.scenarios.trace.TraceException;
import dev.txlab.scenarios.trace.TraceMode;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeSet;
import java.util.zip.Deflater;
import java.util.zip.GZIPOutputStream;

/**
 * The report's message diagram: a Lamport diagram of a simulated run drawn from its trace — one
 * lane per process (clients first, then servers node by node), an arrow per message from its
 * sending to its arrival labelled with its type, a lost message ending in a cross where it was
 * lost, the stretches a node was down, paused or partitioned shaded on its lanes, the nemesis'
 * actions marked on the time axis. The page draws only a window of the run (a run has tens of
 * thousands of messages), filtered by transaction, node and message type; its address ({@code
 * #messages?txn=…&from=…&to=…}) says what is shown, so an anomaly card links to "the messages of
 * these transactions".
 *
 * <p>The messages travel in the page as compact columns ({@link #pack}): a quickstart run's ~68,000
 * messages in about 360 kB. The page unpacks them with the browser's own {@code
 * DecompressionStream}; script and style are inline, so the page needs no network.
 */
public final class MessageDiagram {
  /** Where an anomaly's link leads when the run has no diagram: to the reason. */
  private static final String NO_DIAGRAM_LINK =
      "<p class=md-link>→ <a href=\"#messages\">why this run has no message diagram</a></p>";

  private final MessageTrace trace;
  private final String unavailable;

  private MessageDiagram(MessageTrace trace, String unavailable) {
    this.trace = trace;
    this.unavailable = unavailable;
  }

  /**
   * The diagram of a run whose directory is {@code runDir}, written with trace mode {@code mode}.
   */
  static MessageDiagram of(RunOutcome o, Path runDir, TraceMode mode) {
    if (o.provenance() instanceof RunOutcome.Live) {
      return unavailable(
          "A live run has no message trace: its nodes exchange real messages that txlab does not"
              + " record, so there is no message diagram. The run's trace file lists the faults"
              + " applied.");
    }
    if (mode == TraceMode.OFF) {
      return unavailable(
          "This run was made with --trace off, so it wrote no trace and there is no message"
              + " diagram. Run it again with --trace summary or full (the default) to draw one.");
    }
    Path file = RunDirectory.traceFile(runDir);
    if (file == null) {
      return unavailable("The run directory holds no trace file, so there is no message diagram.");
    }
    try {
      return of(MessageTrace.read(file));
    } catch (TraceException e) {
      return unavailable(
          "The trace could not be read, so there is no message diagram: " + e.getMessage());
    }
  }

  /** A diagram that is not drawn, saying why. */
  static MessageDiagram unavailable(String why) {
    return new MessageDiagram(null, why);
  }

  /** A diagram of {@code trace}. */
  static MessageDiagram of(MessageTrace trace) {
    return new MessageDiagram(trace, null);
  }

  /** The report's {@code Messages} section: the diagram and its controls, or why there is none. */
  String section() {
    StringBuilder h = new StringBuilder();
    h.append("<h2 id=messages>Messages</h2>");
    h.append("<style>").append(resource("message-diagram.css")).append("</style>");
    if (trace == null) {
      h.append("<p class=md-none>").append(RunReport.esc(unavailable)).append("</p>");
      return h.toString();
    }
    h.append(
            "<p class=muted>A Lamport diagram: one lane per process, an arrow per message from when it was sent to when it")
        .append(
            " arrived, labelled with its type; a lost message ends in ✗ where it was lost. Shaded on a node's lanes: down")
        .append(
            " (crashed), paused, partitioned. Virtual time runs left to right. Only a window of the run is drawn:")
        .append(
            " move it with the arrows or the overview, narrow what is drawn by transaction, node or type; hover an")
        .append(" arrow for its details, click one to follow its transaction.</p>");
    h.append("<div id=md class=md>")
        .append("<div class=md-row><button type=button id=md-prev title=\"earlier\">◀</button>")
        .append("<button type=button id=md-next title=\"later\">▶</button>")
        .append("<button type=button id=md-out title=\"zoom out (twice the time)\">−</button>")
        .append("<button type=button id=md-in title=\"zoom in (half the time)\">+</button>")
        .append(
            " <label>from <input id=md-from size=9 inputmode=decimal> s</label> <label>to <input id=md-to size=9 inputmode=decimal> s</label>")
        .append(
            " <button type=button id=md-fit title=\"the whole span of what the filters select\">fit</button>")
        .append(" <span id=md-count class=muted></span></div>")
        .append(
            "<div class=md-row><label>transaction <input id=md-txn size=30 placeholder=\"e.g. c1/client:4\"></label>")
        .append(
            " <button type=button id=md-clear>clear filters</button> <span id=md-legend></span></div>")
        .append("<div class=md-row id=md-nodes><span class=md-key>nodes</span></div>")
        .append("<div class=md-row id=md-types><span class=md-key>types</span></div>")
        .append("<svg id=md-overview class=md-overview></svg>")
        .append("<div id=md-status class=muted>Drawing the messages…</div>")
        .append("<div class=md-scroll><svg id=md-svg></svg></div></div>");
    h.append("<script type=application/octet-stream id=md-data>")
        .append(pack(trace))
        .append("</script>");
    h.append("<script>").append(resource("message-diagram.js")).append("</script>");
    return h.toString();
  }

  /**
   * A link to the messages of the transactions of history operations {@code opIndices} (an
   * anomaly's invocations and completions), with the transactions named.
   */
  String linkToTransactions(History history, int clients, Collection<Long> opIndices) {
    List<String> ids = transactions(history, clients, opIndices);
    if (ids.isEmpty()) {
      return "";
    }
    if (trace == null) {
      return NO_DIAGRAM_LINK;
    }
    return "<p class=md-link>→ <a href=\"#messages?txn="
        + RunReport.esc(String.join(",", ids))
        + "\">the messages of these transactions</a> ("
        + RunReport.esc(String.join(", ", ids))
        + String.format(Locale.ROOT, ": %,d messages", trace.ofTransactions(ids).size())
        + ")</p>";
  }

  /** A link to the messages of one transaction, as the trace names it ({@code c3/client:17.1}). */
  String linkToTransaction(String txn) {
    if (trace == null) {
      return NO_DIAGRAM_LINK;
    }
    int messages = trace.ofTransactions(List.of(txn)).size();
    if (messages == 0) {
      // A protocol whose messages name no transaction (a saga's steps): the whole diagram, said so.
      return "<p class=md-link>→ <a href=\"#messages\">the message diagram</a> (this protocol's"
          + " messages do not name the transaction they serve)</p>";
    }
    return "<p class=md-link>→ <a href=\"#messages?txn="
        + RunReport.esc(txn)
        + "\">the messages of this transaction</a> ("
        + String.format(Locale.ROOT, "%,d messages", messages)
        + ")</p>";
  }

  /**
   * A link to the messages of the clients of {@code operations} (a linearizability
   * counterexample's) from {@code fromNanos} to {@code toNanos}: what they asked and were told, and
   * of whom. Single-key messages name no transaction, so the clients stand for the operations.
   */
  String linkToOperations(
      long fromNanos, long toNanos, Collection<Operation> operations, int clients) {
    if (trace == null) {
      return NO_DIAGRAM_LINK;
    }
    LinkedHashSet<String> nodes = new LinkedHashSet<>();
    for (Operation op : operations) {
      if (clients > 0) {
        nodes.add(clientNode(op.process() % clients));
      }
    }
    return String.format(
        Locale.ROOT,
        "<p class=md-link>→ <a href=\"#messages?from=%.6f&amp;to=%.6f&amp;node=%s\">the messages of"
            + " these operations' clients, then</a> (%s)</p>",
        fromNanos / 1e9,
        toNanos / 1e9,
        RunReport.esc(String.join(",", nodes)),
        RunReport.esc(String.join(", ", nodes)));
  }

  /** The node of client {@code index} (0-based), as the run pipeline names it ({@code c1}). */
  private static String clientNode(int index) {
    return "c" + (index + 1);
  }

  /**
   * The transactions of history operations {@code opIndices}, as the trace names them ({@code
   * c3/client:17}: every attempt of client {@code c3/client}'s 17th operation). The history numbers
   * processes, not clients: process {@code p} is client {@code p mod clients} (a client whose
   * operation ended {@code :info} continues as process {@code p + clients}), and a client numbers
   * its operations from 1 in the order it invokes them.
   */
  static List<String> transactions(History history, int clients, Collection<Long> opIndices) {
    Map<Long, String> idOf = new HashMap<>();
    Map<Integer, Integer> invoked = new HashMap<>();
    Map<Integer, String> openOf = new HashMap<>();
    for (Op e : history.events()) {
      if (e.isNemesis() || clients <= 0) {
        continue;
      }
      int client = e.process() % clients;
      String id;
      if (e.isInvoke()) {
        int seq = invoked.merge(client, 1, Integer::sum);
        id = clientNode(client) + "/client:" + seq;
        openOf.put(e.process(), id);
      } else {
        id = openOf.get(e.process());
      }
      if (id != null) {
        idOf.put(e.index(), id);
      }
    }
    LinkedHashSet<String> out = new LinkedHashSet<>();
    for (long i : opIndices) {
      String id = idOf.get(i);
      if (id != null) {
        out.add(id);
      }
    }
    return new ArrayList<>(out);
  }

  /** The order of the message columns in {@link #pack}. */
  static final List<String> COLUMNS = List.of("s", "d", "f", "t", "k", "x");

  /**
   * The page's data, gzip-compressed and base64-encoded. Unpacked: a line of JSON — the lane, type,
   * transaction and loss-reason names, the number of messages {@code n}, the lost messages ({@code
   * l}: index and reason), the spans and the marks — then, one column after another ({@link
   * #COLUMNS}), a field of every message as unsigned LEB128 varints: {@code s} its send time as the
   * difference from the previous message's, {@code d} its time in flight, {@code f} and {@code t}
   * its lanes + 1 (0: an address nobody hosts), {@code k} its type, {@code x} its transaction + 1
   * (0: none). Times are whole microseconds. Binary columns take a fifth less room than JSON once
   * compressed.
   */
  static String pack(MessageTrace trace) {
    List<MessageTrace.Msg> msgs = trace.messages();
    Map<String, Integer> lanes = index(trace.lanes());
    Map<String, Integer> types =
        index(new TreeSet<>(msgs.stream().map(MessageTrace.Msg::type).toList()));
    Map<String, Integer> txns = new LinkedHashMap<>();
    Map<String, Integer> reasons = new LinkedHashMap<>();
    int n = msgs.size();
    long[][] columns = new long[COLUMNS.size()][n];
    List<int[]> lost = new ArrayList<>();
    long previous = 0;
    for (int i = 0; i < n; i++) {
      MessageTrace.Msg m = msgs.get(i);
      long sent = m.sent() / 1000;
      columns[0][i] = sent - previous;
      columns[1][i] = m.at() / 1000 - sent;
      columns[2][i] = lanes.getOrDefault(m.from(), -1) + 1;
      columns[3][i] = lanes.getOrDefault(m.to(), -1) + 1;
      columns[4][i] = types.get(m.type());
      columns[5][i] = m.txn() == null ? 0 : 1 + txns.computeIfAbsent(m.txn(), z -> txns.size());
      if (m.lost() != null) {
        lost.add(new int[] {i, reasons.computeIfAbsent(m.lost(), z -> reasons.size())});
      }
      previous = sent;
    }
    List<List<Object>> spans = new ArrayList<>();
    for (MessageTrace.Span sp : trace.spans()) {
      spans.add(List.of(sp.node(), sp.kind(), sp.from() / 1000, sp.to() / 1000, sp.text()));
    }
    List<List<Object>> marks = new ArrayList<>();
    for (MessageTrace.Mark mk : trace.marks()) {
      marks.add(List.of(mk.at() / 1000, mk.text()));
    }
    Map<String, Object> header = new LinkedHashMap<>();
    header.put("n", n);
    header.put("end", trace.endNanos() / 1000);
    header.put("lanes", trace.lanes());
    header.put("types", types.keySet());
    header.put("txns", txns.keySet());
    header.put("reasons", reasons.keySet());
    header.put("l", lost);
    header.put("spans", spans);
    header.put("marks", marks);
    ByteArrayOutputStream bytes = new ByteArrayOutputStream(1 << 16);
    try (GZIPOutputStream gz =
        new GZIPOutputStream(bytes, 1 << 16) {
          {
            def.setLevel(Deflater.BEST_COMPRESSION);
          }
        }) {
      gz.write(RunResults.json(header, false).getBytes(StandardCharsets.UTF_8));
      gz.write('\n');
      byte[] buffer = new byte[10 * n];
      for (long[] column : columns) {
        int used = 0;
        for (long v : column) {
          if (v < 0) {
            throw new IllegalStateException("a message column holds " + v + " (times run forward)");
          }
          while (v >= 0x80) {
            buffer[used++] = (byte) (v | 0x80);
            v >>>= 7;
          }
          buffer[used++] = (byte) v;
        }
        gz.write(buffer, 0, used);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return Base64.getEncoder().encodeToString(bytes.toByteArray());
  }

  /** Each name's position, in the order given. */
  private static Map<String, Integer> index(Collection<String> names) {
    Map<String, Integer> out = new LinkedHashMap<>();
    for (String name : names) {
      out.put(name, out.size());
    }
    return out;
  }

  private static String resource(String name) {
    try (InputStream in = MessageDiagram.class.getResourceAsStream(name)) {
      if (in == null) {
        throw new IllegalStateException("the build lost the resource " + name);
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
