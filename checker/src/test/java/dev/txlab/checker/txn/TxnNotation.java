package dev.txlab.checker.txn;

import dev.txlab.checker.history.History;
import dev.txlab.checker.history.HistoryException;
import dev.txlab.checker.history.Keyword;
import dev.txlab.checker.history.Op;
import dev.txlab.checker.history.OpType;
import java.util.ArrayList;
import java.util.List;

/**
 * A one-line notation for small transactional histories, in the spirit of Elle's {@code "ax1ry12"}:
 * one token per transaction, tokens run one after another.
 *
 * <pre>
 *   ax1ry12     append 1 to x, then read y = [1 2]          (list-append)
 *   rx          read x = [] (list-append) or nil (rw-register)
 *   wx1rx1      write x = 1, read x = 1                      (rw-register)
 *   !ax1        a transaction that failed;  ?ax1  one whose outcome is unknown (info)
 *   p3:ax1      run by process 3 (default: each token its own process)
 *   (ax1 ax2)   transactions invoked together, then completed left to right
 *   [1ax1 … ]1  explicit invocation and completion of a transaction labelled 1, for schedules
 *               that groups cannot express (the completion may be written ]1! or ]1?)
 * </pre>
 *
 * Keys are single letters (keywords :x), values single digits.
 */
final class TxnNotation {
  private TxnNotation() {}

  /** A list-append history. */
  static History appends(String text) {
    return history(text, true);
  }

  /** An rw-register history. */
  static History registers(String text) {
    return history(text, false);
  }

  private static History history(String text, boolean append) {
    List<Op> events = new ArrayList<>();
    List<String> tokens = new ArrayList<>();
    for (String t : text.replace("(", " ( ").replace(")", " ) ").trim().split("\\s+")) {
      if (!t.isEmpty()) {
        tokens.add(t);
      }
    }
    int[] nextProcess = {100};
    long[] index = {0};
    List<String> group = null;
    java.util.Map<String, Object[]> open = new java.util.HashMap<>();
    for (String t : tokens) {
      if (t.startsWith("[")) {
        int i = 1;
        while (Character.isDigit(t.charAt(i))) {
          i++;
        }
        String label = t.substring(1, i);
        String body = t.substring(i);
        int process = nextProcess[0]++;
        if (body.startsWith("p")) {
          int colon = body.indexOf(':');
          process = Integer.parseInt(body.substring(1, colon));
          body = body.substring(colon + 1);
        }
        open.put(label, new Object[] {process, mops(body, false, append)});
        events.add(
            new Op(
                index[0], index[0] * 10, process, OpType.INVOKE, "txn", mops(body, true, append)));
        index[0]++;
        continue;
      }
      if (t.startsWith("]")) {
        OpType outcome = t.endsWith("!") ? OpType.FAIL : t.endsWith("?") ? OpType.INFO : OpType.OK;
        String label = t.substring(1).replace("!", "").replace("?", "");
        Object[] o = open.remove(label);
        Object value =
            outcome == OpType.OK
                ? o[1]
                : events.stream()
                    .filter(e -> e.process() == (int) o[0] && e.isInvoke())
                    .reduce((a, b) -> b)
                    .get()
                    .value();
        events.add(new Op(index[0], index[0] * 10, (int) o[0], outcome, "txn", value));
        index[0]++;
        continue;
      }
      if (t.equals("(")) {
        group = new ArrayList<>();
      } else if (t.equals(")")) {
        emit(group, events, index, nextProcess, append);
        group = null;
      } else if (group != null) {
        group.add(t);
      } else {
        emit(List.of(t), events, index, nextProcess, append);
      }
    }
    try {
      return History.of("notation", events);
    } catch (HistoryException e) {
      throw new IllegalArgumentException(e);
    }
  }

  private static void emit(
      List<String> group, List<Op> events, long[] index, int[] next, boolean append) {
    List<int[]> procs = new ArrayList<>();
    List<Object[]> parsed = new ArrayList<>();
    for (String token : group) {
      String t = token;
      int process = -1;
      if (t.startsWith("p")) {
        int colon = t.indexOf(':');
        process = Integer.parseInt(t.substring(1, colon));
        t = t.substring(colon + 1);
      }
      OpType outcome = OpType.OK;
      if (t.startsWith("!")) {
        outcome = OpType.FAIL;
        t = t.substring(1);
      } else if (t.startsWith("?")) {
        outcome = OpType.INFO;
        t = t.substring(1);
      }
      if (process < 0) {
        process = next[0]++;
      }
      procs.add(new int[] {process});
      parsed.add(new Object[] {outcome, mops(t, true, append), mops(t, false, append)});
    }
    for (int i = 0; i < group.size(); i++) {
      events.add(
          new Op(index[0], index[0] * 10, procs.get(i)[0], OpType.INVOKE, "txn", parsed.get(i)[1]));
      index[0]++;
    }
    for (int i = 0; i < group.size(); i++) {
      OpType outcome = (OpType) parsed.get(i)[0];
      Object value = outcome == OpType.OK ? parsed.get(i)[2] : parsed.get(i)[1];
      events.add(new Op(index[0], index[0] * 10, procs.get(i)[0], outcome, "txn", value));
      index[0]++;
    }
  }

  /** The micro-ops of one token, as an invocation ({@code invoke}: reads nil) or completion. */
  private static List<Object> mops(String t, boolean invoke, boolean appendWorkload) {
    List<Object> out = new ArrayList<>();
    int i = 0;
    while (i < t.length()) {
      char f = t.charAt(i++);
      Keyword k = Keyword.of(String.valueOf(t.charAt(i++)));
      StringBuilder digits = new StringBuilder();
      while (i < t.length() && (Character.isDigit(t.charAt(i)) || t.charAt(i) == '_')) {
        digits.append(t.charAt(i++));
      }
      switch (f) {
        case 'a':
          out.add(List.of(Keyword.of("append"), k, Long.parseLong(digits.toString())));
          break;
        case 'w':
          out.add(List.of(Keyword.of("w"), k, Long.parseLong(digits.toString())));
          break;
        case 'r':
          {
            Object v;
            if (invoke) {
              v = null;
            } else if (appendWorkload) {
              List<Object> l = new ArrayList<>();
              for (char c : digits.toString().toCharArray()) {
                l.add((long) (c - '0'));
              }
              v = List.copyOf(l);
            } else {
              v =
                  digits.length() == 0 || digits.toString().equals("_")
                      ? null
                      : Long.parseLong(digits.toString());
            }
            List<Object> m = new ArrayList<>();
            m.add(Keyword.of("r"));
            m.add(k);
            m.add(v);
            out.add(java.util.Collections.unmodifiableList(m));
            break;
          }
        default:
          throw new IllegalArgumentException("unknown micro-op " + f + " in " + t);
      }
    }
    return List.copyOf(out);
  }
}
