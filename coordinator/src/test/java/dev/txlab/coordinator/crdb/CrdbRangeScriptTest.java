package dev.txlab.coordinator.crdb;

import dev.txlab.coordinator.txn.MicroOp;
import dev.txlab.coordinator.txn.TxnId;
import dev.txlab.node.api.ShardId;
import dev.txlab.node.golden.GoldenScripts;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * Golden scripts for one CockroachDB-style range ({@code src/test/resources/crdb-range/*.txt}):
 * requests applied to a {@link CrdbRange} as its log would apply them, each printed with its
 * outcome. Timestamps are written in milliseconds, {@code 100} or {@code 100+2} (a logical tick).
 *
 * <p>Commands: {@code txn T at=TS [prio=P]} (declares transaction T writing at TS; T's id is {@code
 * T/client:1.0}), {@code restart T at=TS} (its next epoch), {@code get T KEY at=TS limit=TS},
 * {@code put T KEY VALUE [anchor] [now=TS]}, {@code append T KEY VALUE at=TS limit=TS [anchor]
 * [now=TS]}, {@code end T commit|abort}, {@code heartbeat T now=TS}, {@code push T by U timestamp
 * to=TS now=TS} or {@code push T by U abort [force] now=TS}, {@code resolve T KEYS
 * committed|aborted|pending at=TS}, {@code refresh T KEYS from=TS to=TS}, {@code gc T}, {@code
 * show} (versions, intents, records and the timestamp cache).
 */
class CrdbRangeScriptTest {
  @TestFactory
  Stream<DynamicTest> scripts() throws IOException {
    return GoldenScripts.tests(Path.of("src/test/resources/crdb-range"), World::new);
  }

  static HlcTimestamp ts(String s) {
    String[] p = s.split("\\+");
    return new HlcTimestamp(
        Long.parseLong(p[0]) * 1_000_000L, p.length > 1 ? Integer.parseInt(p[1]) : 0);
  }

  static String ms(HlcTimestamp t) {
    return t.wallNanos() / 1_000_000 + (t.logical() > 0 ? "+" + t.logical() : "");
  }

  private static final class World implements GoldenScripts.World {
    final ShardId range = ShardId.of(0);
    final CrdbRange machine = new CrdbRange(range, 16);
    final TreeMap<String, CrdbTxn> txns = new TreeMap<>();
    long requests;

    CrdbTxn txn(String name) {
      CrdbTxn t = txns.get(name);
      if (t == null) throw new IllegalArgumentException("no transaction " + name);
      return t;
    }

    static String opt(String[] w, String name, String dflt) {
      for (String s : w) if (s.startsWith(name + "=")) return s.substring(name.length() + 1);
      if (dflt == null) throw new IllegalArgumentException("missing " + name + "=");
      return dflt;
    }

    static boolean flag(String[] w, String name) {
      return Arrays.asList(w).contains(name);
    }

    @Override
    public String run(String command) {
      String[] w = command.trim().split("\\s+");
      CrdbCommand c;
      long id = ++requests;
      switch (w[0]) {
        case "txn" -> {
          CrdbTxn t =
              new CrdbTxn(
                  new TxnId(w[1] + "/client", 1, 0),
                  0,
                  ts(opt(w, "at", null)),
                  Integer.parseInt(opt(w, "prio", "1")),
                  null,
                  range);
          txns.put(w[1], t);
          return w[1] + " is " + t.id() + " at " + ms(t.writeTs()) + "\n";
        }
        case "restart" -> {
          CrdbTxn t = txn(w[1]).restartedAt(ts(opt(w, "at", null)));
          txns.put(w[1], t);
          return w[1] + " epoch " + t.epoch() + " at " + ms(t.writeTs()) + "\n";
        }
        case "get" ->
            c =
                new CrdbCommand.Get(
                    id, txn(w[1]), w[2], ts(opt(w, "at", null)), ts(opt(w, "limit", null)));
        case "put", "append" -> {
          CrdbTxn t = txn(w[1]);
          int epoch = Integer.parseInt(opt(w, "epoch", Integer.toString(t.epoch())));
          if (epoch != t.epoch())
            t =
                new CrdbTxn(
                    t.id(), epoch, t.writeTs(), t.priority(), t.anchorKey(), t.anchorRange());
          if (flag(w, "anchor")) {
            t = t.withAnchor(w[2], range);
            txns.put(w[1], t);
          }
          MicroOp op =
              w[0].equals("put")
                  ? MicroOp.write(w[2], Long.parseLong(w[3]))
                  : MicroOp.append(w[2], Long.parseLong(w[3]));
          HlcTimestamp at = ts(opt(w, "at", ms(t.writeTs())));
          c =
              new CrdbCommand.Put(
                  id,
                  t,
                  Integer.parseInt(opt(w, "seq", "0")),
                  op,
                  at,
                  ts(opt(w, "limit", ms(at))),
                  flag(w, "anchor"),
                  ts(opt(w, "now", ms(t.writeTs()))));
        }
        case "end" -> c = new CrdbCommand.EndTxn(id, txn(w[1]), w[2].equals("commit"));
        case "heartbeat" ->
            c = new CrdbCommand.Heartbeat(id, txn(w[1]), ts(opt(w, "now", null)), null);
        case "push" ->
            c =
                new CrdbCommand.Push(
                    id,
                    txn(w[1]),
                    txn(w[3]),
                    w[4].equals("timestamp")
                        ? CrdbCommand.PushType.TIMESTAMP
                        : CrdbCommand.PushType.ABORT,
                    ts(opt(w, "to", "0")),
                    flag(w, "force"),
                    ts(opt(w, "now", null)));
        case "resolve" ->
            c =
                new CrdbCommand.Resolve(
                    id,
                    txn(w[1]).id(),
                    txn(w[1]).epoch(),
                    List.of(w[2].split(",")),
                    CrdbRange.Status.valueOf(w[3].toUpperCase()),
                    ts(opt(w, "at", "0")));
        case "refresh" ->
            c =
                new CrdbCommand.Refresh(
                    id,
                    txn(w[1]).id(),
                    List.of(w[2].split(",")),
                    ts(opt(w, "from", null)),
                    ts(opt(w, "to", null)));
        case "gc" -> c = new CrdbCommand.GcRecord(id, txn(w[1]).id());
        case "show" -> {
          return show();
        }
        default -> throw new IllegalArgumentException("unknown command " + command);
      }
      machine.apply(c);
      StringBuilder out = new StringBuilder();
      for (CrdbRange.Answer a : machine.takeAnswers()) {
        // As a gateway would: a write pushed higher moves the transaction's write timestamp.
        if (a.outcome() instanceof CrdbRange.Outcome.Written x && c instanceof CrdbCommand.Put p)
          txns.put(w[1], p.txn().withWriteTs(HlcTimestamp.max(p.txn().writeTs(), x.ts())));
        out.append(describe(a.outcome())).append('\n');
      }
      return out.toString();
    }

    String name(TxnId id) {
      for (Map.Entry<String, CrdbTxn> e : txns.entrySet())
        if (e.getValue().id().equals(id)) return e.getKey();
      return id.toString();
    }

    String describe(CrdbRange.Outcome o) {
      if (o instanceof CrdbRange.Outcome.Value v) return "value " + v.value();
      if (o instanceof CrdbRange.Outcome.Written x)
        return "intent at "
            + ms(x.ts())
            + (x.pushedBy() == null ? "" : " (pushed: " + x.pushedBy() + ")");
      if (o instanceof CrdbRange.Outcome.IntentConflict x)
        return "conflict: intent of " + name(x.holder().id()) + " at " + ms(x.intentTs());
      if (o instanceof CrdbRange.Outcome.Uncertain x)
        return "uncertain: a value at " + ms(x.valueTs()) + " may be in the past; restart above it";
      if (o instanceof CrdbRange.Outcome.TooOld x)
        return "too old: oldest version " + ms(x.oldest());
      if (o instanceof CrdbRange.Outcome.Aborted) return "aborted";
      if (o instanceof CrdbRange.Outcome.Committed x) return "committed at " + ms(x.ts());
      if (o instanceof CrdbRange.Outcome.PushedTo x) return "pushed: refresh to " + ms(x.ts());
      if (o instanceof CrdbRange.Outcome.Pushed x)
        return "push "
            + (x.succeeded() ? "succeeded" : "failed")
            + " ("
            + x.cause()
            + "): pushee "
            + x.status().name().toLowerCase()
            + " at "
            + ms(x.ts());
      if (o instanceof CrdbRange.Outcome.Record x)
        return x.record() == null ? "no record" : "record " + record(x.record());
      if (o instanceof CrdbRange.Outcome.Refreshed x)
        return x.ok() ? "refreshed: the reads hold" : "refresh failed";
      if (o instanceof CrdbRange.Outcome.Done) return "done";
      throw new IllegalStateException("unknown outcome " + o);
    }

    String record(CrdbRange.TxnRecord r) {
      return r.status().name().toLowerCase()
          + " at "
          + ms(r.minCommitTs())
          + " epoch "
          + r.txn().epoch()
          + " heartbeat "
          + ms(r.lastHeartbeat());
    }

    String show() {
      StringBuilder out = new StringBuilder();
      TreeMap<String, Object> keys = new TreeMap<>();
      for (String k : List.of("a", "b", "c", "x", "y", "z")) {
        if (!machine.versionsOf(k).isEmpty()
            || machine.intent(k) != null
            || machine.readTimestamp(k) != null) keys.put(k, k);
      }
      for (String k : keys.keySet()) {
        out.append(k).append(':');
        machine
            .versionsOf(k)
            .forEach((t, v) -> out.append(' ').append(v.value()).append('@').append(ms(t)));
        CrdbRange.Intent i = machine.intent(k);
        if (i != null)
          out.append(" intent ")
              .append(i.value())
              .append('@')
              .append(ms(i.ts()))
              .append(" of ")
              .append(name(i.txn().id()));
        HlcTimestamp r = machine.readTimestamp(k);
        if (r != null) out.append(" read@").append(ms(r));
        out.append('\n');
      }
      machine
          .records()
          .forEach(
              (id, r) ->
                  out.append("record ")
                      .append(name(id))
                      .append(' ')
                      .append(record(r))
                      .append('\n'));
      return out.length() == 0 ? "empty\n" : out.toString();
    }
  }
}
