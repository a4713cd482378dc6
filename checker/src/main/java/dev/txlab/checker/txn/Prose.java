package dev.txlab.checker.txn;

import dev.txlab.checker.history.Edn;
import dev.txlab.checker.history.Op;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Renders anomaly data as English, in the style of Elle's explanations: a cycle becomes "Let T1 = …
 * Then: T1 &lt; T2, because …; however, T2 &lt; T1, because …: a contradiction!". Pure functions of
 * the data; nothing here decides anything.
 */
final class Prose {
  private Prose() {}

  /** A value as EDN text (keys print as :x, lists as [1 2]). */
  static String edn(Object v) {
    if (v == Initial.STATE) {
      return "nil";
    }
    if (v instanceof ListAppendAnalysis.Ellipsis) {
      return "...";
    }
    if (v instanceof List) {
      StringBuilder sb = new StringBuilder("[");
      for (Object o : (List<?>) v) {
        if (sb.length() > 1) {
          sb.append(' ');
        }
        sb.append(edn(o));
      }
      return sb.append(']').toString();
    }
    if (v instanceof Txn) {
      return opText((Txn) v);
    }
    if (v instanceof Mop) {
      Mop m = (Mop) v;
      return "[:" + m.kind().text + " " + edn(m.key()) + " " + edn(m.value()) + "]";
    }
    return Edn.print(v);
  }

  /** The operation that stands for a transaction: its completion, as Jepsen wrote it. */
  static Op op(Txn t) {
    Op c = t.op().completion();
    return c != null ? c : t.op().invocation();
  }

  static String opText(Txn t) {
    return Edn.print(op(t));
  }

  /** Elle's multi-line explanation of a cycle. */
  static String cycle(Cycle c, int number) {
    Map<Txn, String> names = names(c.txns());
    StringBuilder sb = new StringBuilder();
    sb.append(c.type()).append(" #").append(number).append('\n').append("Let:\n");
    names.forEach(
        (t, name) -> sb.append("  ").append(name).append(" = ").append(opText(t)).append('\n'));
    sb.append("\nThen:\n");
    List<Step> steps = c.steps();
    for (int i = 0; i < steps.size(); i++) {
      Step s = steps.get(i);
      boolean last = i == steps.size() - 1;
      sb.append("  - ")
          .append(last ? "However, " : "")
          .append(names.get(s.a()))
          .append(" < ")
          .append(names.get(s.b()))
          .append(", because ")
          .append(step(s, names))
          .append(last ? ": a contradiction!" : ".")
          .append('\n');
    }
    return sb.toString();
  }

  static Map<Txn, String> names(List<Txn> txns) {
    Map<Txn, String> names = new LinkedHashMap<>();
    for (Txn t : txns) {
      names.putIfAbsent(t, "T" + (names.size() + 1));
    }
    return names;
  }

  /** Why a precedes b, with transactions named by {@code names}. */
  static String step(Step s, Map<Txn, String> names) {
    String a = names.get(s.a());
    String b = names.get(s.b());
    boolean list =
        s.a().mops().stream().anyMatch(m -> m.kind() == Mop.Kind.APPEND)
            || s.b().mops().stream().anyMatch(m -> m.kind() == Mop.Kind.APPEND);
    String k = edn(s.key());
    switch (s.rel()) {
      case Rel.WW:
        return list
            ? b
                + " appended "
                + edn(s.laterValue())
                + " after "
                + a
                + " appended "
                + edn(s.value())
                + " to "
                + k
            : a
                + " set key "
                + k
                + " to "
                + edn(s.value())
                + ", and "
                + b
                + " set it to "
                + edn(s.laterValue())
                + ", which came later in the version order";
      case Rel.WR:
        return list
            ? b + " observed " + a + "'s append of " + edn(s.value()) + " to key " + k
            : a + " wrote " + k + " = " + edn(s.value()) + ", which was read by " + b;
      case Rel.RW:
        if (list) {
          return s.value() == Initial.STATE
              ? a
                  + " observed the initial (nil) state of "
                  + k
                  + ", which "
                  + b
                  + " created by appending "
                  + edn(s.laterValue())
              : a
                  + " read "
                  + k
                  + " only up to "
                  + edn(s.value())
                  + " and so did not observe "
                  + b
                  + "'s append of "
                  + edn(s.laterValue());
        }
        return a
            + " read key "
            + k
            + " = "
            + edn(s.value())
            + ", and "
            + b
            + " set it to "
            + edn(s.laterValue())
            + ", which came later in the version order";
      case Rel.PROCESS:
        return "process " + s.a().process() + " executed " + a + " before " + b;
      case Rel.REALTIME:
        {
          Op done = op(s.a());
          Op invoked = s.b().op().invocation();
          String gap;
          if (done.timeNanos() != Op.NO_TIME
              && invoked.timeNanos() != Op.NO_TIME
              && invoked.timeNanos() > done.timeNanos()) {
            gap = duration(invoked.timeNanos() - done.timeNanos()) + " before";
          } else {
            gap = "just before";
          }
          return a
              + " completed at index "
              + done.index()
              + ", "
              + gap
              + " the invocation of "
              + b
              + ", at index "
              + invoked.index();
        }
      default:
        throw new IllegalStateException("unknown relationship " + s.rel());
    }
  }

  /** A positive span of nanoseconds in the unit that keeps its digits readable. */
  static String duration(long nanos) {
    if (nanos >= 1_000_000_000L) {
      return String.format(Locale.ROOT, "%.3f seconds", nanos / 1e9);
    }
    if (nanos >= 1_000_000L) {
      return String.format(Locale.ROOT, "%.3f ms", nanos / 1e6);
    }
    if (nanos >= 1_000L) {
      return String.format(Locale.ROOT, "%.3f µs", nanos / 1e3);
    }
    return nanos + " ns";
  }

  /** One sentence (or a few) for a case that is not a cycle. */
  static String nonCycle(AnomalyCase c) {
    Map<String, Object> d = c.data();
    switch (c.type()) {
      case "G1a":
        return "Aborted read: operation "
            + idx(d.get("op"))
            + " read "
            + edn(d.get("mop"))
            + ", which includes "
            + edn(d.get("element"))
            + ", written by operation "
            + idx(d.get("writer"))
            + ", which failed (it never committed).";
      case "G1b":
        return "Intermediate read: operation "
            + idx(d.get("op"))
            + " read "
            + edn(d.get("mop"))
            + ", whose latest version "
            + edn(d.get("element"))
            + " operation "
            + idx(d.get("writer"))
            + " wrote but then overwrote within the same transaction: "
            + "a state no committed transaction ever left behind.";
      case "internal":
        return "Internal inconsistency: operation "
            + idx(d.get("op"))
            + " read "
            + edn(d.get("mop"))
            + ", but its own earlier micro-ops imply it should have seen "
            + edn(d.get("expected"))
            + ".";
      case "future-read":
        return "Future read: operation "
            + idx(d.get("op"))
            + " read "
            + edn(d.get("mop"))
            + ", which contains "
            + edn(d.get("element"))
            + ", an element the same transaction appends only later.";
      case "duplicate-elements":
        return "Duplicate elements: operation "
            + idx(d.get("op"))
            + " read "
            + edn(d.get("mop"))
            + ", in which elements occur more than once "
            + edn(d.get("duplicates"))
            + "; each element is appended only once.";
      case "incompatible-order":
        {
          List<?> vs = (List<?>) d.get("values");
          return "Incompatible orders: two reads of key "
              + edn(d.get("key"))
              + " saw "
              + edn(vs.get(0))
              + " and "
              + edn(vs.get(1))
              + ", and neither is a prefix of the other, so they cannot both be states of one list.";
        }
      case "dirty-update":
        return "Dirty update: in the order of key "
            + edn(d.get("key"))
            + ", "
            + edn(d.get("values"))
            + ", a committed append (operation "
            + idx(last(d.get("txns")))
            + ") directly follows the append of a failed operation ("
            + idx(((List<?>) d.get("txns")).get(0))
            + ").";
      case "lost-update":
        return "Lost update: operations "
            + indices(d.get("txns"))
            + (((List<?>) d.get("txns")).size() == 2 ? " both" : " all")
            + " read key "
            + edn(d.get("key"))
            + " = "
            + edn(d.get("value"))
            + " and then wrote it, and all "
            + "committed: each update was made without seeing the others, so all but one were "
            + "silently overwritten.";
      case "cyclic-versions":
        return "Cyclic versions: the version order inferred for key "
            + edn(d.get("key"))
            + " from "
            + d.get("sources")
            + " has a cycle among "
            + edn(d.get("scc"))
            + "; the last source was dropped for this key.";
      case "cycle-search-timeout":
        return "The cycle search gave up on a strongly connected component of "
            + d.get("scc-size")
            + " transactions while looking for "
            + d.get("anomaly-spec-type")
            + "; it had ruled out "
            + d.get("does-not-contain")
            + ".";
      case "empty-transaction-graph":
        return "No dependency between any two transactions could be inferred, so nothing "
            + "about their order is known.";
      default:
        if (c.type().endsWith("-cycle-exists")) {
          return "A cycle forbidden by "
              + d.get("not")
              + " exists among the "
              + d.get("scc-size")
              + " transactions "
              + indicesOf(d.get("scc"))
              + " (edges "
              + subgraphText(d.get("subgraph"))
              + "), though no shorter "
              + "explained cycle was reported for it.";
        }
        return c.type() + " " + d;
    }
  }

  private static Object last(Object list) {
    List<?> l = (List<?>) list;
    return l.get(l.size() - 1);
  }

  static String subgraphText(Object sg) {
    if (sg instanceof List) {
      List<?> l = (List<?>) sg;
      List<String> parts = new ArrayList<>();
      for (Object o : l.subList(1, l.size())) {
        parts.add(subgraphText(o));
      }
      return l.get(0).equals("union")
          ? String.join("+", parts)
          : "(" + parts.get(0) + ") then at most one " + parts.get(1);
    }
    return String.valueOf(sg);
  }

  private static String idx(Object t) {
    return t instanceof Txn ? String.valueOf(((Txn) t).index()) : String.valueOf(t);
  }

  private static String indices(Object txns) {
    List<String> out = new ArrayList<>();
    for (Object t : (List<?>) txns) {
      out.add(idx(t));
    }
    return String.join(", ", out);
  }

  private static String indicesOf(Object list) {
    List<?> l = (List<?>) list;
    if (l.size() <= 12) {
      return l.toString();
    }
    return l.subList(0, 12).toString().replace("]", ", …]");
  }
}
