package dev.txlab.coordinator.crdb;

import static org.assertj.core.api.Assertions.assertThat;

import dev.txlab.coordinator.txn.MicroOp;
import dev.txlab.coordinator.txn.TxnId;
import dev.txlab.node.api.ShardId;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Random;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/**
 * A range against an oracle written from the rules, not from the code: random interleavings of
 * reads (with and without an uncertainty window), writes by transactions that commit or abort, late
 * intent resolution, and refreshes, over three keys with timestamps drawn from a small range so
 * that they collide. The oracle is a map of committed versions, the pending intents, and the
 * highest read timestamp per key; every outcome must be the one the rules give, and after every
 * step the range's versions, intents and timestamp cache must equal the oracle's.
 *
 * <p>The rules: a read at {@code t} with limit {@code l} meets another's intent at or below {@code
 * l} (a conflict), else a committed version in {@code (t, l]} (uncertain: the latest such), else
 * reads the latest version at or below {@code t}, and only then marks the key read at {@code t}. A
 * write at {@code w} lands at the least timestamp at or above {@code w} that is above every read
 * mark and every committed version of its key. A refresh from {@code f} to {@code t} succeeds iff
 * no committed version lies in {@code (f, t]} and no other intent lies at or below {@code t} on its
 * keys, and then marks them read at {@code t}.
 */
class CrdbRangePropertyTest {
  static final List<String> KEYS = List.of("a", "b", "c");
  static final ShardId RANGE = ShardId.of(0);

  record Pending(CrdbTxn txn, String key, HlcTimestamp ts, String value, boolean committed) {}

  Random rnd;
  CrdbRange range;
  Map<String, TreeMap<HlcTimestamp, String>> versions;
  Map<String, HlcTimestamp> readMarks;
  Map<String, Pending> intents;
  long nextId;
  long nextValue;
  long requestId;
  Map<String, Integer> seen;

  @Test
  void everyOutcomeIsTheOnesTheRulesGive() {
    seen = new HashMap<>();
    for (long seed = 1; seed <= 300; seed++) {
      run(seed);
    }
    // Every kind of outcome came up often enough for the property to mean something.
    assertThat(seen)
        .containsKeys(
            "value",
            "uncertain",
            "intent-conflict",
            "written",
            "pushed-timestamp-cache",
            "pushed-write-too-old",
            "write-conflict",
            "committed",
            "aborted",
            "refresh-ok",
            "refresh-failed");
    assertThat(seen.values()).allSatisfy(n -> assertThat(n).isGreaterThan(50));
  }

  void run(long seed) {
    rnd = new Random(seed);
    range = new CrdbRange(RANGE, 100_000);
    versions = new HashMap<>();
    readMarks = new HashMap<>();
    intents = new HashMap<>();
    for (String k : KEYS) versions.put(k, new TreeMap<>());
    for (int step = 0; step < 200; step++) {
      int pick = rnd.nextInt(100);
      if (pick < 40) read();
      else if (pick < 65) write();
      else if (pick < 85) finish();
      else refresh();
      compare(seed, step);
    }
  }

  HlcTimestamp ts() {
    return new HlcTimestamp(1_000L * (1 + rnd.nextInt(60)), rnd.nextInt(3));
  }

  CrdbTxn txn(HlcTimestamp ts) {
    return new CrdbTxn(new TxnId("c" + nextId++ + "/client", 1, 0), 0, ts, 1, null, RANGE);
  }

  CrdbRange.Outcome apply(CrdbCommand c) {
    range.apply(c);
    List<CrdbRange.Answer> a = range.takeAnswers();
    assertThat(a).hasSize(1);
    return a.get(0).outcome();
  }

  void count(String what) {
    seen.merge(what, 1, Integer::sum);
  }

  void read() {
    String key = KEYS.get(rnd.nextInt(KEYS.size()));
    HlcTimestamp at = ts();
    HlcTimestamp limit = rnd.nextBoolean() ? at : at.plusWall(1_000L * rnd.nextInt(10));
    CrdbTxn reader = txn(at);
    CrdbRange.Outcome o = apply(new CrdbCommand.Get(requestId++, reader, key, at, limit));
    Pending intent = intents.get(key);
    NavigableMap<HlcTimestamp, String> window = versions.get(key).subMap(at, false, limit, true);
    if (intent != null && intent.ts().compareTo(limit) <= 0) {
      assertThat(o).isEqualTo(new CrdbRange.Outcome.IntentConflict(intent.txn(), intent.ts()));
      count("intent-conflict");
    } else if (!window.isEmpty()) {
      assertThat(o).isEqualTo(new CrdbRange.Outcome.Uncertain(window.lastKey()));
      count("uncertain");
    } else {
      Map.Entry<HlcTimestamp, String> v = versions.get(key).floorEntry(at);
      assertThat(o).isEqualTo(new CrdbRange.Outcome.Value(v == null ? null : v.getValue()));
      readMarks.merge(key, at, HlcTimestamp::max);
      count("value");
    }
  }

  void write() {
    String key = KEYS.get(rnd.nextInt(KEYS.size()));
    HlcTimestamp w = ts();
    CrdbTxn writer = txn(w);
    String value = Long.toString(++nextValue);
    CrdbRange.Outcome o =
        apply(
            new CrdbCommand.Put(
                requestId++,
                writer.withAnchor(key, RANGE),
                0,
                MicroOp.write(key, nextValue),
                w,
                w,
                true,
                w));
    Pending intent = intents.get(key);
    if (intent != null) {
      assertThat(o).isEqualTo(new CrdbRange.Outcome.IntentConflict(intent.txn(), intent.ts()));
      count("write-conflict");
      return;
    }
    HlcTimestamp expected = w;
    String pushedBy = null;
    HlcTimestamp mark = readMarks.get(key);
    if (mark != null && mark.compareTo(expected) >= 0) {
      expected = mark.next();
      pushedBy = "timestamp-cache";
    }
    TreeMap<HlcTimestamp, String> vs = versions.get(key);
    if (!vs.isEmpty() && vs.lastKey().compareTo(expected) >= 0) {
      expected = vs.lastKey().next();
      pushedBy = "write-too-old";
    }
    assertThat(o).isEqualTo(new CrdbRange.Outcome.Written(expected, pushedBy));
    count(pushedBy == null ? "written" : "pushed-" + pushedBy);
    intents.put(
        key,
        new Pending(
            writer.withAnchor(key, RANGE).withWriteTs(expected), key, expected, value, false));
  }

  /** A pending writer commits or aborts; a decided one has its intent resolved. */
  void finish() {
    if (intents.isEmpty()) return;
    List<Pending> ps = new ArrayList<>(intents.values());
    ps.sort((x, y) -> x.key().compareTo(y.key()));
    Pending p = ps.get(rnd.nextInt(ps.size()));
    if (p.committed()) {
      apply(
          new CrdbCommand.Resolve(
              requestId++, p.txn().id(), 0, List.of(p.key()), CrdbRange.Status.COMMITTED, p.ts()));
      intents.remove(p.key());
      versions.get(p.key()).put(p.ts(), p.value());
      return;
    }
    if (rnd.nextInt(4) == 0) {
      assertThat(apply(new CrdbCommand.EndTxn(requestId++, p.txn(), false)))
          .isEqualTo(new CrdbRange.Outcome.Aborted());
      apply(
          new CrdbCommand.Resolve(
              requestId++, p.txn().id(), 0, List.of(p.key()), CrdbRange.Status.ABORTED, p.ts()));
      intents.remove(p.key());
      count("aborted");
      return;
    }
    assertThat(apply(new CrdbCommand.EndTxn(requestId++, p.txn(), true)))
        .isEqualTo(new CrdbRange.Outcome.Committed(p.ts()));
    count("committed");
    // Committed, its intent still in place until resolved (sometimes much later).
    intents.put(p.key(), new Pending(p.txn(), p.key(), p.ts(), p.value(), true));
  }

  void refresh() {
    List<String> keys = new ArrayList<>();
    for (String k : KEYS) if (rnd.nextBoolean()) keys.add(k);
    if (keys.isEmpty()) keys.add(KEYS.get(0));
    HlcTimestamp from = ts();
    HlcTimestamp to = from.plusWall(1_000L * (1 + rnd.nextInt(10)));
    TxnId id = txn(from).id();
    boolean ok = true;
    for (String k : keys) {
      Pending intent = intents.get(k);
      if (!versions.get(k).subMap(from, false, to, true).isEmpty()
          || (intent != null && intent.ts().compareTo(to) <= 0)) ok = false;
    }
    assertThat(apply(new CrdbCommand.Refresh(requestId++, id, keys, from, to)))
        .isEqualTo(new CrdbRange.Outcome.Refreshed(ok));
    if (ok) for (String k : keys) readMarks.merge(k, to, HlcTimestamp::max);
    count(ok ? "refresh-ok" : "refresh-failed");
  }

  void compare(long seed, int step) {
    for (String k : KEYS) {
      TreeMap<HlcTimestamp, String> actual = new TreeMap<>();
      range.versionsOf(k).forEach((ts, v) -> actual.put(ts, v.value()));
      assertThat(actual)
          .as("seed %d step %d: versions of %s", seed, step, k)
          .isEqualTo(versions.get(k));
      Pending p = intents.get(k);
      CrdbRange.Intent i = range.intent(k);
      if (p == null) assertThat(i).as("seed %d step %d: intent on %s", seed, step, k).isNull();
      else {
        assertThat(i).as("seed %d step %d: intent on %s", seed, step, k).isNotNull();
        assertThat(i.ts()).isEqualTo(p.ts());
        assertThat(i.value()).isEqualTo(p.value());
        assertThat(i.txn().id()).isEqualTo(p.txn().id());
      }
      assertThat(range.readTimestamp(k))
          .as("seed %d step %d: timestamp cache of %s", seed, step, k)
          .isEqualTo(readMarks.get(k));
    }
  }
}
