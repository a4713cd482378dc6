package dev.txlab.scenarios.trace;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * A simulated run's messages, read back from its trace: what the report's message diagram draws.
 * Each message is an arrow from its sender's lane at the time it was sent to its receiver's lane at
 * the time it arrived — or, lost, to where and when it was lost. Around them: the processes (one
 * lane each, clients first, then the servers node by node), the stretches of time a node was down,
 * paused or partitioned, and the simulator's actions (the nemesis' faults, the workload's stop).
 */
public final class MessageTrace {
  /**
   * One message.
   *
   * @param sent when it was sent (virtual nanoseconds)
   * @param at when it arrived, or when it was lost
   * @param to its receiver; for a message to an address nobody hosts, that address (no lane)
   * @param type the message record's simple name
   * @param txn its transaction ({@code c1/client:4.0}: client, operation, attempt), or null
   * @param lost why it was lost ({@code partition}, {@code loss}, {@code down}, {@code
   *     unknown-address}), or null when it was delivered
   */
  public record Msg(
      long sent, long at, String from, String to, String type, String txn, String lost) {
    /** Whether this message belongs to transaction {@code id} ({@link TraceLine#inTransaction}). */
    public boolean ofTransaction(String id) {
      return TraceLine.inTransaction(txn, id);
    }
  }

  /**
   * A stretch of time a node spent in a fault.
   *
   * @param kind {@code down} (crashed until restarted), {@code paused}, or {@code cut} (some of its
   *     links cut)
   * @param text what a reader is told, e.g. the links cut
   */
  public record Span(String node, String kind, long from, long to, String text) {}

  /** Something the simulator did at a moment: a nemesis fault, the workload's stop. */
  public record Mark(long at, String text) {}

  private final List<String> lanes;
  private final List<Msg> messages;
  private final List<Span> spans;
  private final List<Mark> marks;
  private final long endNanos;

  private MessageTrace(
      List<String> lanes, List<Msg> messages, List<Span> spans, List<Mark> marks, long endNanos) {
    this.lanes = List.copyOf(lanes);
    this.messages = List.copyOf(messages);
    this.spans = List.copyOf(spans);
    this.marks = List.copyOf(marks);
    this.endNanos = endNanos;
  }

  /** The messages of the trace in {@code file}. */
  public static MessageTrace read(Path file) throws TraceException {
    Builder b = new Builder();
    TraceReader.read(file, b::add);
    return b.build();
  }

  /** How a client process's address ends ({@code c1/client}): the run pipeline names them so. */
  private static final String CLIENT = "/client";

  /** Every process that sent, received or started, clients first, then servers node by node. */
  public List<String> lanes() {
    return lanes;
  }

  /** Every message delivered or lost, in the order sent. */
  public List<Msg> messages() {
    return messages;
  }

  public List<Span> spans() {
    return spans;
  }

  public List<Mark> marks() {
    return marks;
  }

  /** The time of the trace's last event. */
  public long endNanos() {
    return endNanos;
  }

  /** The messages of any of {@code transactions} (each one attempt, or all of an operation's). */
  public List<Msg> ofTransactions(Collection<String> transactions) {
    List<Msg> out = new ArrayList<>();
    for (Msg m : messages) {
      for (String id : transactions) {
        if (m.ofTransaction(id)) {
          out.add(m);
          break;
        }
      }
    }
    return out;
  }

  /** Compares names with their numbers as numbers: {@code n2} before {@code n10}. */
  static final Comparator<String> NATURAL =
      (a, b) -> {
        int i = 0;
        int j = 0;
        while (i < a.length() && j < b.length()) {
          char x = a.charAt(i);
          char y = b.charAt(j);
          if (Character.isDigit(x) && Character.isDigit(y)) {
            int ei = i;
            int ej = j;
            while (ei < a.length() && Character.isDigit(a.charAt(ei))) ei++;
            while (ej < b.length() && Character.isDigit(b.charAt(ej))) ej++;
            String na = a.substring(i, ei).replaceFirst("^0+(?=.)", "");
            String nb = b.substring(j, ej).replaceFirst("^0+(?=.)", "");
            int c =
                na.length() != nb.length()
                    ? Integer.compare(na.length(), nb.length())
                    : na.compareTo(nb);
            if (c != 0) return c;
            i = ei;
            j = ej;
          } else {
            if (x != y) return Character.compare(x, y);
            i++;
            j++;
          }
        }
        return Integer.compare(a.length() - i, b.length() - j);
      };

  /** Reads trace lines one by one into messages, spans and marks. */
  private static final class Builder {
    private final TreeSet<String> processes = new TreeSet<>(NATURAL);
    private final List<Msg> messages = new ArrayList<>();
    private final List<Span> spans = new ArrayList<>();
    private final List<Mark> marks = new ArrayList<>();
    private final Map<String, Long> downSince = new HashMap<>();
    private final Map<String, Long> pausedSince = new HashMap<>();
    private final TreeSet<String> cut = new TreeSet<>(NATURAL);

    /** Each node's open partition span: since when, and the links it names. */
    private final TreeMap<String, Span> cutSpans = new TreeMap<>(NATURAL);

    private long end;

    void add(TraceLine l) {
      end = Math.max(end, l.t());
      String what = l.what();
      int space = what.indexOf(' ');
      String verb = space < 0 ? what : what.substring(0, space);
      String rest = space < 0 ? "" : what.substring(space + 1);
      switch (verb) {
        case "recv" -> {
          String[] w = rest.split(" ", 2);
          message(l, w[0], l.at(), w.length > 1 ? w[1] : "?", null);
        }
        case "drop" -> {
          String[] w = rest.split(" ", 3);
          if (w[0].equals("unknown-address")) {
            message(l, l.at(), w.length > 1 ? w[1] : "?", "?", w[0]);
          } else if (w.length == 3) {
            message(l, w[1], l.at(), w[2], w[0]);
          }
        }
        case "start" -> processes.add(l.at());
        case "crash" -> downSince.putIfAbsent(l.at(), l.t());
        case "restart" -> close(downSince, l.at(), "down", "crashed", l.t());
        case "pause" -> pausedSince.putIfAbsent(l.at(), l.t());
        case "resume" -> close(pausedSince, l.at(), "paused", "paused", l.t());
        case "cut" -> {
          cut.add(rest);
          links(l.t());
        }
        case "heal" -> {
          cut.remove(rest);
          links(l.t());
        }
        case "heal-all" -> {
          cut.clear();
          links(l.t());
        }
        case "action" -> marks.add(new Mark(l.t(), rest));
        default -> {}
      }
    }

    private void message(TraceLine l, String from, String to, String type, String lost) {
      processes.add(from);
      if (lost == null || !lost.equals("unknown-address")) {
        processes.add(to);
      }
      long sent = l.sent() >= 0 ? l.sent() : l.t();
      messages.add(new Msg(sent, l.t(), from, to, typeName(type), l.txn(), lost));
    }

    /** A message's simple name, also from a trace that has its whole body ({@code Execute[…]}). */
    private static String typeName(String described) {
      int end = 0;
      while (end < described.length() && Character.isJavaIdentifierPart(described.charAt(end))) {
        end++;
      }
      return end == 0 ? described : described.substring(0, end);
    }

    private void close(Map<String, Long> since, String node, String kind, String text, long t) {
      Long from = since.remove(node);
      if (from != null) {
        spans.add(new Span(node, kind, from, t, text));
      }
    }

    /** After the cut links changed at {@code t}: ends and starts each node's partition spans. */
    private void links(long t) {
      TreeMap<String, List<String>> byNode = new TreeMap<>(NATURAL);
      for (String link : cut) {
        int arrow = link.indexOf("->");
        if (arrow < 0) continue;
        byNode.computeIfAbsent(link.substring(0, arrow), k -> new ArrayList<>()).add(link);
        byNode.computeIfAbsent(link.substring(arrow + 2), k -> new ArrayList<>()).add(link);
      }
      for (String node : new ArrayList<>(cutSpans.keySet())) {
        Span open = cutSpans.get(node);
        String now = byNode.containsKey(node) ? cutText(byNode.get(node)) : null;
        if (!open.text().equals(now)) {
          cutSpans.remove(node);
          if (t > open.from()) {
            spans.add(new Span(node, "cut", open.from(), t, open.text()));
          }
        }
      }
      for (Map.Entry<String, List<String>> e : byNode.entrySet()) {
        cutSpans.putIfAbsent(e.getKey(), new Span(e.getKey(), "cut", t, t, cutText(e.getValue())));
      }
    }

    private static String cutText(List<String> links) {
      return "links cut: " + String.join(", ", links);
    }

    MessageTrace build() {
      for (Map.Entry<String, Long> d : downSince.entrySet()) {
        spans.add(new Span(d.getKey(), "down", d.getValue(), end, "crashed"));
      }
      for (Map.Entry<String, Long> p : pausedSince.entrySet()) {
        spans.add(new Span(p.getKey(), "paused", p.getValue(), end, "paused"));
      }
      for (Span s : cutSpans.values()) {
        spans.add(new Span(s.node(), "cut", s.from(), end, s.text()));
      }
      spans.sort(Comparator.comparingLong(Span::from).thenComparing(Span::node, NATURAL));
      messages.sort(Comparator.comparingLong(Msg::sent).thenComparingLong(Msg::at));
      List<String> lanes = new ArrayList<>();
      for (String p : processes) {
        if (p.endsWith(CLIENT)) lanes.add(p);
      }
      for (String p : processes) {
        if (!p.endsWith(CLIENT)) lanes.add(p);
      }
      return new MessageTrace(lanes, messages, spans, marks, end);
    }
  }
}
