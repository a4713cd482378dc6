package dev.txlab.coordinator.percolator;

import dev.txlab.coordinator.txn.TxnId;
import dev.txlab.node.api.ShardId;
import dev.txlab.node.golden.GoldenScripts;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * Golden scripts for one Percolator shard ({@code src/test/resources/percolator-shard/*.txt}):
 * requests applied to a {@link PercolatorShard} as its log would apply them, each printed with its
 * outcome. Timestamps are written {@code physical.logical} in milliseconds ({@code 1000} is {@code
 * 1000.0}); a transaction is named by its start timestamp.
 *
 * <p>Commands: {@code get KEY at=TS}, {@code prewrite START primary=KEY K=V[,K=V…] [ttl=MS]},
 * {@code commit START at=TS KEYS}, {@code rollback START KEYS}, {@code check PRIMARY lock=START
 * now=TS [rollback-if-missing]}, {@code resolve START KEYS commit=TS|rollback}, {@code scan
 * below=TS}, {@code show} (every key's lock and write column).
 */
class PercolatorShardScriptTest {
  @TestFactory
  Stream<DynamicTest> scripts() throws IOException {
    return GoldenScripts.tests(Path.of("src/test/resources/percolator-shard"), World::new);
  }

  static long ts(String s) {
    String[] p = s.split("\\.");
    return TsoTimestamp.compose(Long.parseLong(p[0]), p.length > 1 ? Long.parseLong(p[1]) : 0);
  }

  private static final class World implements GoldenScripts.World {
    final PercolatorShard shard = new PercolatorShard(ShardId.of(0));
    long requests;

    static String opt(String[] w, String name, String dflt) {
      for (String s : w) if (s.startsWith(name + "=")) return s.substring(name.length() + 1);
      if (dflt == null) throw new IllegalArgumentException("missing " + name + "=");
      return dflt;
    }

    static TxnId txn(String start) {
      return new TxnId("t" + start, 1, 0);
    }

    @Override
    public String run(String command) {
      String[] w = command.trim().split("\\s+");
      long id = ++requests;
      PercolatorCommand c;
      switch (w[0]) {
        case "get" -> c = new PercolatorCommand.Get(id, null, w[1], ts(opt(w, "at", null)));
        case "prewrite" -> {
          List<PercolatorCommand.Mutation> muts = new ArrayList<>();
          for (String kv : w[3].split(",")) {
            String[] p = kv.split("=");
            muts.add(new PercolatorCommand.Mutation(p[0], p[1]));
          }
          c =
              new PercolatorCommand.Prewrite(
                  id,
                  txn(w[1]),
                  ts(w[1]),
                  opt(w, "primary", null),
                  muts,
                  Long.parseLong(opt(w, "ttl", "3000")));
        }
        case "commit" ->
            c =
                new PercolatorCommand.Commit(
                    id, txn(w[1]), ts(w[1]), ts(opt(w, "at", null)), List.of(w[3].split(",")));
        case "rollback" ->
            c = new PercolatorCommand.Rollback(id, txn(w[1]), ts(w[1]), List.of(w[2].split(",")));
        case "check" ->
            c =
                new PercolatorCommand.CheckTxnStatus(
                    id,
                    null,
                    w[1],
                    ts(opt(w, "lock", null)),
                    ts(opt(w, "now", null)),
                    Arrays.asList(w).contains("rollback-if-missing"));
        case "resolve" -> {
          String how = w[3];
          c =
              new PercolatorCommand.ResolveLock(
                  id,
                  null,
                  ts(w[1]),
                  how.equals("rollback") ? 0 : ts(how.substring("commit=".length())),
                  List.of(w[2].split(",")));
        }
        case "scan" -> c = new PercolatorCommand.ScanLocks(id, null, ts(opt(w, "below", null)), 16);
        case "show" -> {
          return show();
        }
        default -> throw new IllegalArgumentException("unknown command " + w[0]);
      }
      return describe(shard.apply(c)) + "\n";
    }

    static String describe(PercolatorShard.Outcome o) {
      if (o instanceof PercolatorShard.Outcome.Value v)
        return "value " + (v.value() == null ? "nil" : "[" + v.value() + "]");
      if (o instanceof PercolatorShard.Outcome.Locked l) return "locked: " + lock(l.lock());
      if (o instanceof PercolatorShard.Outcome.Prewritten) return "prewritten";
      if (o instanceof PercolatorShard.Outcome.WriteConflict x)
        return "write conflict: " + x.key() + " committed at " + TsoTimestamp.text(x.commitTs());
      if (o instanceof PercolatorShard.Outcome.Committed x)
        return "committed at " + TsoTimestamp.text(x.commitTs());
      if (o instanceof PercolatorShard.Outcome.Aborted a) return "aborted (" + a.why() + ")";
      if (o instanceof PercolatorShard.Outcome.TxnStatus s)
        return "status "
            + s.status().name().toLowerCase()
            + (s.status() == PercolatorShard.Status.COMMITTED
                ? " at " + TsoTimestamp.text(s.commitTs())
                : "")
            + (s.expired() ? " (rolled back now)" : "");
      if (o instanceof PercolatorShard.Outcome.Locks ls) {
        List<String> out = new ArrayList<>();
        ls.locks().forEach(l -> out.add(lock(l)));
        return "locks: " + (out.isEmpty() ? "none" : String.join("; ", out));
      }
      if (o instanceof PercolatorShard.Outcome.Done) return "done";
      throw new IllegalStateException("unknown outcome " + o);
    }

    static String lock(PercolatorShard.LockInfo l) {
      return l.key()
          + " by "
          + TsoTimestamp.text(l.startTs())
          + " (primary "
          + l.primary()
          + ", ttl "
          + l.ttlMs()
          + " ms)";
    }

    String show() {
      StringBuilder out = new StringBuilder();
      for (String key : shard.keys()) {
        out.append(key).append(':');
        PercolatorShard.Lock l = shard.lock(key);
        if (l != null)
          out.append(" lock ")
              .append(TsoTimestamp.text(l.startTs()))
              .append(" [")
              .append(l.value())
              .append("] primary ")
              .append(l.primary())
              .append(';');
        for (Map.Entry<Long, PercolatorShard.Write> e : shard.writesOf(key).entrySet()) {
          PercolatorShard.Write wr = e.getValue();
          out.append(' ')
              .append(TsoTimestamp.text(e.getKey()))
              .append(
                  wr.rollback()
                      ? " rollback"
                      : " [" + wr.value() + "] by " + TsoTimestamp.text(wr.startTs()));
          out.append(',');
        }
        out.setLength(out.length() - (out.charAt(out.length() - 1) == ',' ? 1 : 0));
        out.append('\n');
      }
      return out.length() == 0 ? "empty\n" : out.toString();
    }
  }
}
