package dev.txlab.checker.linear;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.txlab.checker.UnfitHistoryException;
import dev.txlab.checker.Validity;
import dev.txlab.checker.history.Edn;
import dev.txlab.checker.history.History;
import dev.txlab.checker.history.Op;
import dev.txlab.checker.history.OpType;
import dev.txlab.checker.history.Operation;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The checker against the truth: a brute-force oracle on small random histories, real atomic
 * registers (always linearizable, crashes included), planted stale and future reads (always
 * caught), and the crashed-write history that defeats other checkers, decided in seconds.
 */
class LinearizabilityCheckerTest {

  // ------------------------------------------------------------------ a tiny history notation

  /** Builds a history from events "p:invoke:f:value" / "p:ok:f:value" with EDN values. */
  static History h(String... events) throws Exception {
    List<Op> ops = new ArrayList<>();
    for (String e : events) {
      String[] p = e.split(":", 4);
      OpType t = OpType.parse(p[1]);
      ops.add(
          new Op(
              ops.size(),
              Op.NO_TIME,
              Integer.parseInt(p[0]),
              t,
              p[2],
              p.length > 3 ? Edn.parse(p[3]) : null));
    }
    return History.of("test", ops);
  }

  static Validity check(History h, String model) throws Exception {
    return LinearizabilityChecker.check(
            h, new LinearSpec(model, null, null, false, Duration.ofSeconds(30)))
        .validity();
  }

  @Test
  void registerReadsTheLastWrite() throws Exception {
    assertThat(
            check(
                h("0:invoke:write:1", "0:ok:write:1", "1:invoke:read:nil", "1:ok:read:1"),
                "register"))
        .isEqualTo(Validity.VALID);
    assertThat(
            check(
                h("0:invoke:write:1", "0:ok:write:1", "1:invoke:read:nil", "1:ok:read:2"),
                "register"))
        .isEqualTo(Validity.INVALID);
    // Concurrent write and read: either order is fine.
    assertThat(
            check(
                h("0:invoke:write:1", "1:invoke:read:nil", "1:ok:read:nil", "0:ok:write:1"),
                "register"))
        .isEqualTo(Validity.VALID);
  }

  @Test
  void nilReadsMeanAbsentOrUnknown() throws Exception {
    History stale = h("0:invoke:write:1", "0:ok:write:1", "1:invoke:read:nil", "1:ok:read:nil");
    assertThat(check(stale, "register")).isEqualTo(Validity.INVALID);
    // Knossos' cas-register: an ok read of nil was not observed, so it constrains nothing.
    assertThat(check(stale, "cas-register")).isEqualTo(Validity.VALID);
    assertThat(
            LinearizabilityChecker.check(
                    stale, new LinearSpec("cas-register", null, NilRead.ABSENT, false, null))
                .validity())
        .isEqualTo(Validity.INVALID);
  }

  @Test
  void failedOperationsDidNotHappenAndCrashedOnesMayHave() throws Exception {
    assertThat(
            check(
                h("0:invoke:write:1", "0:fail:write:1", "1:invoke:read:nil", "1:ok:read:1"),
                "register"))
        .isEqualTo(Validity.INVALID);
    assertThat(
            check(
                h("0:invoke:write:1", "0:info:write:1", "1:invoke:read:nil", "1:ok:read:1"),
                "register"))
        .isEqualTo(Validity.VALID);
    assertThat(
            check(
                h("0:invoke:write:1", "0:info:write:1", "1:invoke:read:nil", "1:ok:read:nil"),
                "register"))
        .isEqualTo(Validity.VALID);
    // A crashed write can take effect once, not twice.
    assertThat(
            check(
                h(
                    "0:invoke:write:1",
                    "1:invoke:read:nil",
                    "1:ok:read:1",
                    "2:invoke:write:2",
                    "2:ok:write:2",
                    "1:invoke:read:nil",
                    "1:ok:read:1"),
                "register"))
        .isEqualTo(Validity.INVALID);
  }

  @Test
  void casNeedsItsExpectedValue() throws Exception {
    assertThat(
            check(
                h(
                    "0:invoke:write:1",
                    "0:ok:write:1",
                    "1:invoke:cas:[1 2]",
                    "1:ok:cas:[1 2]",
                    "2:invoke:read:nil",
                    "2:ok:read:2"),
                "cas-register"))
        .isEqualTo(Validity.VALID);
    assertThat(
            check(
                h("0:invoke:write:1", "0:ok:write:1", "1:invoke:cas:[3 2]", "1:ok:cas:[3 2]"),
                "cas-register"))
        .isEqualTo(Validity.INVALID);
    // A chain of crashed operations: write 3 (crashed), cas 3→4 (crashed), then a read of 4.
    assertThat(
            check(
                h("0:invoke:write:3", "1:invoke:cas:[3 4]", "2:invoke:read:nil", "2:ok:read:4"),
                "cas-register"))
        .isEqualTo(Validity.VALID);
  }

  @Test
  void mutexKvAndMultiRegister() throws Exception {
    assertThat(
            check(
                h("0:invoke:acquire", "0:ok:acquire", "1:invoke:acquire", "1:ok:acquire"), "mutex"))
        .isEqualTo(Validity.INVALID);
    assertThat(
            check(
                h(
                    "0:invoke:acquire",
                    "0:ok:acquire",
                    "1:invoke:acquire",
                    "0:invoke:release",
                    "0:ok:release",
                    "1:ok:acquire"),
                "mutex"))
        .isEqualTo(Validity.VALID);
    assertThat(
            check(
                h(
                    "0:invoke:append:\"a\"",
                    "0:ok:append:\"a\"",
                    "1:invoke:append:\"b\"",
                    "1:ok:append:\"b\"",
                    "2:invoke:get:nil",
                    "2:ok:get:\"ab\""),
                "kv"))
        .isEqualTo(Validity.VALID);
    assertThat(
            check(
                h(
                    "0:invoke:append:\"a\"",
                    "0:ok:append:\"a\"",
                    "1:invoke:append:\"b\"",
                    "1:ok:append:\"b\"",
                    "2:invoke:get:nil",
                    "2:ok:get:\"ba\""),
                "kv"))
        .isEqualTo(Validity.INVALID);
    History mr =
        h(
            "0:invoke:txn:[[:write :x 1] [:write :y 1]]",
            "0:ok:txn:[[:write :x 1] [:write :y 1]]",
            "1:invoke:txn:[[:read :x nil] [:read :y nil]]",
            "1:ok:txn:[[:read :x 1] [:read :y 0]]");
    assertThat(
            LinearizabilityChecker.check(
                    mr,
                    new LinearSpec("multi-register", Edn.parse("{:x 0 :y 0}"), null, false, null))
                .validity())
        .isEqualTo(Validity.INVALID);
  }

  @Test
  void historiesThatDoNotFitTheModelAreRefused() throws Exception {
    assertThatThrownBy(() -> check(h("0:invoke:cas:3", "0:ok:cas:3"), "cas-register"))
        .isInstanceOf(UnfitHistoryException.class)
        .hasMessageContaining("[expected new]");
    assertThatThrownBy(() -> check(h("0:invoke:cas:[1 2]", "0:ok:cas:[1 2]"), "register"))
        .isInstanceOf(UnfitHistoryException.class)
        .hasMessageContaining("no cas");
    assertThatThrownBy(() -> check(h("0:invoke:frob:1", "0:ok:frob:1"), "mutex"))
        .isInstanceOf(UnfitHistoryException.class);
  }

  // ------------------------------------------------------------------ against a brute-force oracle

  /**
   * Linearizable iff some order of the completed operations plus some subset of the crashed ones
   * respects real time (a before b when a completed before b was invoked) and the model.
   */
  static boolean oracle(History h, Model model) throws Exception {
    List<Operation> all = new ArrayList<>();
    List<Object> inputs = new ArrayList<>();
    for (Operation o : h.operations()) {
      if (o.isFail()) {
        continue;
      }
      Object in = model.input(o, o.value(), o.isIndeterminate());
      if (in != Model.IRRELEVANT) {
        all.add(o);
        inputs.add(in);
      }
    }
    return search(all, inputs, new boolean[all.size()], model.initialState(), model);
  }

  private static boolean search(
      List<Operation> ops, List<Object> inputs, boolean[] done, Object state, Model model) {
    boolean allCompletedDone = true;
    for (int i = 0; i < ops.size(); i++) {
      if (!done[i] && !ops.get(i).isIndeterminate()) {
        allCompletedDone = false;
      }
    }
    if (allCompletedDone) {
      return true;
    }
    for (int i = 0; i < ops.size(); i++) {
      if (done[i]) {
        continue;
      }
      // i may go next only if no other pending op completed before i was invoked.
      boolean minimal = true;
      for (int j = 0; j < ops.size() && minimal; j++) {
        if (j != i && !done[j] && ops.get(j).completePosition() < ops.get(i).invokePosition()) {
          minimal = false;
        }
      }
      if (!minimal) {
        continue;
      }
      Object next = model.step(state, inputs.get(i));
      if (next == null) {
        continue;
      }
      done[i] = true;
      boolean ok = search(ops, inputs, done, next, model);
      done[i] = false;
      if (ok) {
        return true;
      }
    }
    return false;
  }

  /**
   * Random small histories: concurrent ops with arbitrary (often impossible) results, some crashed.
   */
  static History randomHistory(SplittableRandom rnd, String model, int ops) throws Exception {
    List<Op> events = new ArrayList<>();
    int clients = 3;
    int[] open = new int[clients];
    Object[] openValue = new Object[clients];
    String[] openF = new String[clients];
    Arrays.fill(open, 0);
    int[] process = {0, 1, 2};
    int issued = 0;
    while (issued < ops || Arrays.stream(open).anyMatch(x -> x == 1)) {
      int c = rnd.nextInt(clients);
      if (open[c] == 0) {
        if (issued == ops) {
          continue;
        }
        issued++;
        String f;
        Object v;
        switch (model) {
          case "mutex":
            f = rnd.nextBoolean() ? "acquire" : "release";
            v = null;
            break;
          case "kv":
            f = new String[] {"get", "put", "append"}[rnd.nextInt(3)];
            v = f.equals("get") ? null : String.valueOf((char) ('a' + rnd.nextInt(2)));
            break;
          default:
            f =
                new String[] {"read", "write", "cas"}
                    [rnd.nextInt(model.equals("register") ? 2 : 3)];
            v =
                f.equals("read")
                    ? null
                    : f.equals("write")
                        ? (Object) (long) rnd.nextInt(3)
                        : List.of((long) rnd.nextInt(3), (long) rnd.nextInt(3));
        }
        events.add(new Op(events.size(), Op.NO_TIME, process[c], OpType.INVOKE, f, v));
        open[c] = 1;
        openValue[c] = v;
        openF[c] = f;
      } else {
        double r = rnd.nextDouble();
        OpType t = r < 0.15 ? OpType.INFO : OpType.OK;
        Object v = openValue[c];
        if (t == OpType.OK && (openF[c].equals("read") || openF[c].equals("get"))) {
          v =
              model.equals("kv")
                  ? new String[] {"", "a", "b", "ab", "ba", "aa"}[rnd.nextInt(6)]
                  : (rnd.nextInt(4) == 0 ? null : (Object) (long) rnd.nextInt(3));
        }
        events.add(new Op(events.size(), Op.NO_TIME, process[c], t, openF[c], v));
        open[c] = 0;
        if (t == OpType.INFO) {
          process[c] += clients;
        }
      }
    }
    return History.of("random", events);
  }

  @Test
  void agreesWithBruteForceOnSmallRandomHistories() throws Exception {
    SplittableRandom rnd = new SplittableRandom(20261125);
    int[] verdicts = new int[2];
    for (String model : List.of("register", "cas-register", "mutex", "kv")) {
      for (int i = 0; i < 600; i++) {
        History h = randomHistory(rnd, model, 2 + rnd.nextInt(6));
        LinearSpec spec =
            new LinearSpec(
                model, model.contains("register") ? 0L : null, NilRead.ABSENT, false, null);
        boolean expected = oracle(h, Models.forSpec(spec));
        Validity got = LinearizabilityChecker.check(h, spec).validity();
        assertThat(got)
            .as(
                "%s history %d:%n%s",
                model, i, dev.txlab.checker.history.HistoryWriter.edn(h.events()))
            .isEqualTo(expected ? Validity.VALID : Validity.INVALID);
        verdicts[expected ? 0 : 1]++;
      }
    }
    // The generator must exercise both answers, or the comparison proves little.
    assertThat(verdicts[0]).isGreaterThan(300);
    assertThat(verdicts[1]).isGreaterThan(300);
  }

  // ------------------------------------------------------------------ real registers and planted
  // bugs

  @Test
  void atomicRegistersAreAlwaysLinearizable() throws Exception {
    for (long seed = 1; seed <= 20; seed++) {
      List<Op> ops = LinearBenchmark.atomicRegisterHistory(seed, 1500, 6, 3, 4, 0.05);
      History h = History.of("atomic", ops);
      LinearResult r =
          LinearizabilityChecker.check(
              h,
              new LinearSpec("cas-register", null, NilRead.ABSENT, true, Duration.ofSeconds(60)));
      assertThat(r.validity()).as("seed %d: %s", seed, r.toText()).isEqualTo(Validity.VALID);
    }
  }

  @Test
  void plantedFutureAndStaleReadsAreAlwaysCaught() throws Exception {
    for (long seed = 1; seed <= 20; seed++) {
      List<Op> ops =
          new ArrayList<>(LinearBenchmark.atomicRegisterHistory(seed, 800, 5, 2, 4, 0.05));
      // Pick an ok read and make it return 99, a value written only after the read completed.
      int at = -1;
      for (int i = ops.size() / 2; i < ops.size(); i++) {
        if (ops.get(i).type() == OpType.OK && ops.get(i).f().equals("read")) {
          at = i;
          break;
        }
      }
      assertThat(at).isPositive();
      Op read = ops.get(at);
      Object key = ((List<?>) read.value()).get(0);
      ops.set(at, read.withValue(List.of(key, 99L)));
      int p = 1000;
      long t = ops.get(ops.size() - 1).timeNanos() + 1;
      ops.add(new Op(ops.size(), t, p, OpType.INVOKE, "write", List.of(key, 99L)));
      ops.add(new Op(ops.size(), t + 1, p, OpType.OK, "write", List.of(key, 99L)));
      LinearResult r =
          LinearizabilityChecker.check(
              History.of("planted", ops),
              new LinearSpec("cas-register", null, NilRead.ABSENT, true, Duration.ofSeconds(60)));
      assertThat(r.validity()).as("seed %d", seed).isEqualTo(Validity.INVALID);
      assertThat(r.failing().key()).isEqualTo(key);
    }
  }

  /**
   * The history that defeats other checkers (Porcupine gives no answer within 120 s): thousands of
   * operations, 39 crashed writes pending forever, one plainly stale read at the end. It must be
   * decided — invalid — well inside the generous budget; a regression shows as UNKNOWN.
   */
  @Test
  void crashedWritesWithAStaleReadAreDecided() throws Exception {
    for (String kind : List.of("crashed", "crashed10")) {
      List<Op> ops = LinearBenchmark.generate(kind, kind.equals("crashed") ? 3000 : 20000, 7);
      long crashed =
          ops.stream().filter(o -> o.type() == OpType.INVOKE && o.process() >= 6).count();
      assertThat(crashed).isEqualTo(39);
      LinearResult r =
          LinearizabilityChecker.check(
              History.of(kind, ops),
              new LinearSpec("cas-register", null, NilRead.ABSENT, true, Duration.ofSeconds(60)));
      assertThat(r.validity()).as(kind + ": " + r.toText()).isEqualTo(Validity.INVALID);
      assertThat(r.toText()).contains("cannot be placed");
    }
  }

  @Test
  void reportDrawsTheCounterexample() throws Exception {
    History h = h("0:invoke:write:1", "0:ok:write:1", "1:invoke:read:nil", "1:ok:read:2");
    LinearResult r =
        LinearizabilityChecker.check(h, new LinearSpec("register", null, null, false, null));
    java.nio.file.Path dir = java.nio.file.Files.createTempDirectory("lin");
    String html = java.nio.file.Files.readString(r.writeReport(dir));
    assertThat(html)
        .contains("id=lin-data", "getContext")
        .contains("not linearizable")
        .doesNotContain("<script src", "<link ", "@import", "http://", "https://");
    assertThat(r.toText()).contains("process 1's read 2").contains("the register holds 1");
  }

  /**
   * The memo bound: concurrent appends make a search whose memo grows with every order of them.
   * With room it decides (the final read is impossible); held to a small memo it answers undecided,
   * with the memo no larger than the bound (plus the few steps between checks), instead of running
   * the heap out.
   */
  @Test
  void aSearchHeldToASmallMemoAnswersUndecidedNotOutOfMemory() throws Exception {
    List<String> events = new ArrayList<>();
    String[] parts = {"a", "b", "c", "d", "e", "f", "g"};
    for (int p = 0; p < parts.length; p++) events.add(p + ":invoke:append:\"" + parts[p] + "\"");
    for (int p = 0; p < parts.length; p++) events.add(p + ":ok:append:\"" + parts[p] + "\"");
    events.add("9:invoke:get:nil");
    events.add("9:ok:get:\"zz\"");
    History h = h(events.toArray(new String[0]));
    LinearSpec spec = new LinearSpec("kv", null, null, false, Duration.ofSeconds(30));

    LinearResult roomy = LinearizabilityChecker.check(h, spec, 1_000_000);
    assertThat(roomy.validity()).isEqualTo(Validity.INVALID);
    long needed = roomy.keys().get(0).search().explored();
    assertThat(needed).isGreaterThan(5_000);

    LinearResult held = LinearizabilityChecker.check(h, spec, 1_000);
    assertThat(held.validity()).isEqualTo(Validity.UNKNOWN);
    assertThat(held.keys().get(0).search().explored()).isBetween(1_000L, 1_000L + 4_096L);
  }
}
