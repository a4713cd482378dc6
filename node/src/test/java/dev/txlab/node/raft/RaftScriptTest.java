package dev.txlab.node.raft;

import dev.txlab.node.api.Address;
import dev.txlab.node.api.Env;
import dev.txlab.node.api.InMemoryStorage;
import dev.txlab.node.api.Message;
import dev.txlab.node.api.NodeId;
import dev.txlab.node.api.RandomSource;
import dev.txlab.node.api.Storage;
import dev.txlab.node.api.Timer;
import dev.txlab.node.api.TrueTimeInterval;
import dev.txlab.node.golden.GoldenScripts;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * Golden interaction scripts for Raft ({@code src/test/resources/raft/*.txt}), in the style of
 * etcd's datadriven tests: each file opens with prose ({@code #} lines) saying what it shows, then
 * blocks of
 *
 * <pre>
 * command args
 * ----
 * expected output
 * </pre>
 *
 * separated by blank lines. Replicas run over a hand-cranked network (messages wait until a {@code
 * deliver} or {@code stabilize}) and a shared manual clock, so every step is visible. Regenerate
 * the expected output with {@code -Dgolden.rewrite=true}.
 *
 * <p>Commands: {@code add-nodes N}, {@code campaign nX} (time passes an election timeout, nX's
 * election timer fires), {@code tick nX} (nX's heartbeat tick), {@code propose nX item}, {@code
 * stabilize} (deliver until quiet), {@code deliver N}, {@code isolate nX}, {@code heal}, {@code
 * crash nX}, {@code restart nX}, {@code transfer nX nY}, {@code read nX id}, {@code read-lease nX
 * id} (served from the leader's lease while it holds, else by ReadIndex), {@code read-any nX id} (a
 * read any replica serves through the leader's ReadIndex), {@code status}, {@code log nX}, {@code
 * elapse MS}, {@code cut nX nY} (both directions), {@code timeout nX} (nX's election timer fires
 * now, without time passing), {@code hold nX nY} (takes the first message queued from nX to nY off
 * the network), {@code release} (queues the held messages again, at the end: a delayed message),
 * {@code dropped nX} (nX's counted reasons for ignoring input), {@code persist nX} (a group of one:
 * the host reports nX's appended entries durable, firing its Persisted timer), {@code truncate-log
 * nX I} (nX, down, loses its stored log from index I on: what a storage that "repairs" a corrupt
 * record by truncating there would do), and, before {@code add-nodes}: {@code sends-before-sync}
 * (the replicas' host releases their AppendEntries before their own sync, as the live host does;
 * {@code persist nX} then reports nX's appended entries durable), {@code max-entries-per-message
 * N}, {@code max-inflight-messages N}, {@code no-pre-vote}, {@code no-check-quorum} (both on by
 * default, as in every host).
 */
class RaftScriptTest {
  static final Path DIR = Path.of("src/test/resources/raft");

  @TestFactory
  Stream<DynamicTest> scripts() throws IOException {
    return GoldenScripts.tests(DIR, World::new);
  }

  private record Envelope(Address from, Address to, RaftMessage message) {}

  /** The replicas, the hand-cranked network and the manual clock of one script. */
  private static final class World implements GoldenScripts.World {
    final RaftConfig template =
        RaftConfig.defaults(List.of(Address.parse("x/raft"))).withSnapshotThresholdEntries(5);
    final long[] clock = {0};
    final TreeMap<String, Node> nodes = new TreeMap<>();
    final ArrayDeque<Envelope> network = new ArrayDeque<>();
    final List<Envelope> held = new ArrayList<>();
    final TreeSet<String> isolated = new TreeSet<>();
    final TreeSet<String> cuts = new TreeSet<>();
    List<Address> members = List.of();
    StringBuilder out;
    // Set before add-nodes: a host that releases sends before the step's sync (the live host).
    boolean sendsBeforeSync;
    int maxEntriesPerMessage = template.maxEntriesPerMessage();
    int maxInflightMessages = template.maxInflightMessages();
    boolean preVote = true;
    boolean checkQuorum = true;

    final class Node implements Env {
      final Address self;
      final InMemoryStorage storage = new InMemoryStorage();
      RaftReplica raft;
      RaftTestNode.ListMachine machine;
      RandomSource random;
      final List<Timer> timers = new ArrayList<>();
      final List<Long> readsReady = new ArrayList<>();
      int incarnation;

      Node(Address self) {
        this.self = self;
      }

      void start() {
        incarnation++;
        random = new RandomSource(1).fork(self + "/" + incarnation);
        machine = new RaftTestNode.ListMachine();
        timers.clear();
        RaftConfig c =
            new RaftConfig(
                members,
                template.electionTimeoutNanosMin(),
                template.electionTimeoutNanosMax(),
                template.heartbeatIntervalNanos(),
                maxEntriesPerMessage,
                maxInflightMessages,
                template.snapshotThresholdEntries(),
                preVote,
                checkQuorum,
                true,
                template.leaseDriftBound());
        raft =
            new RaftReplica(
                this,
                c,
                machine,
                new RaftListener() {
                  @Override
                  public void onRoleChanged(Role role, long term, Address leaderId) {
                    out.append(name(self))
                        .append(" becomes ")
                        .append(role)
                        .append(" in term ")
                        .append(term)
                        .append(
                            leaderId == null || role == Role.LEADER
                                ? ""
                                : " (leader " + name(leaderId) + ")")
                        .append('\n');
                  }

                  @Override
                  public void onReadReady(long readId) {
                    out.append(name(self))
                        .append(" read ")
                        .append(readId)
                        .append(" ready at applied ")
                        .append(raft.lastApplied())
                        .append('\n');
                  }

                  @Override
                  public void onReadFailed(long readId) {
                    out.append(name(self)).append(" read ").append(readId).append(" failed\n");
                  }
                });
        raft.onStart();
      }

      @Override
      public Address self() {
        return self;
      }

      @Override
      public void send(Address to, Message message) {
        network.add(new Envelope(self, to, (RaftMessage) message));
      }

      @Override
      public boolean sendsBeforeSync() {
        return sendsBeforeSync;
      }

      @Override
      public void setTimer(long delayNanos, Timer timer) {
        timers.add(timer);
      }

      @Override
      public long localClockNanos() {
        return clock[0];
      }

      @Override
      public TrueTimeInterval trueTime() {
        return TrueTimeInterval.around(clock[0], 1_000_000);
      }

      @Override
      public RandomSource random() {
        return random;
      }

      @Override
      public Storage storage() {
        return storage;
      }

      @Override
      public void log(String text) {
        out.append(name(self)).append(" log: ").append(text).append('\n');
      }
    }

    static String name(Address a) {
      return a.node().name();
    }

    Node node(String name) {
      Node n = nodes.get(name);
      if (n == null) throw new IllegalArgumentException("no node " + name);
      return n;
    }

    @Override
    public String run(String command) {
      out = new StringBuilder();
      String[] w = command.trim().split("\\s+");
      switch (w[0]) {
        case "add-nodes" -> {
          int n = Integer.parseInt(w[1]);
          List<Address> m = new ArrayList<>();
          for (int i = 1; i <= n; i++) m.add(Address.of(NodeId.of("n" + i), "raft"));
          members = List.copyOf(m);
          for (Address a : members) nodes.put(name(a), new Node(a));
          for (Node node : nodes.values()) node.start();
          out.append("started ").append(n).append(" nodes\n");
        }
        case "elapse" -> clock[0] += Long.parseLong(w[1]) * 1_000_000L;
        case "sends-before-sync" -> {
          sendsBeforeSync = true;
          out.append("hosts release sends before the step's sync\n");
        }
        case "max-entries-per-message" -> maxEntriesPerMessage = Integer.parseInt(w[1]);
        case "max-inflight-messages" -> maxInflightMessages = Integer.parseInt(w[1]);
        case "no-pre-vote" -> {
          preVote = false;
          out.append("elections without pre-vote\n");
        }
        case "no-check-quorum" -> {
          checkQuorum = false;
          out.append("leaders without check-quorum (and followers without its lease)\n");
        }
        case "campaign" -> {
          clock[0] += template.electionTimeoutNanosMax() + 1;
          fireLatest(node(w[1]), RaftTimer.ElectionTimeout.class);
        }
        case "timeout" -> fireLatest(node(w[1]), RaftTimer.ElectionTimeout.class);
        case "persist" -> fireLatest(node(w[1]), RaftTimer.Persisted.class);
        case "cut" -> {
          cuts.add(w[1] + "|" + w[2]);
          cuts.add(w[2] + "|" + w[1]);
          out.append("cut ").append(w[1]).append(" <-> ").append(w[2]).append('\n');
        }
        case "tick" -> {
          clock[0] += template.heartbeatIntervalNanos();
          fireLatest(node(w[1]), RaftTimer.HeartbeatTick.class);
        }
        case "propose" -> {
          long index = node(w[1]).raft.propose(new RaftTestNode.AddItem(w[2]));
          Node n = node(w[1]);
          String refusal =
              n.raft.role() == Role.LEADER
                  ? " refused: handing leadership over\n"
                  : " refused: not leader\n";
          out.append(
              index < 0
                  ? w[1] + refusal
                  : w[1] + " appended " + w[2] + " at index " + index + "\n");
        }
        case "read" -> {
          boolean ok = node(w[1]).raft.requestRead(Long.parseLong(w[2]), false);
          if (!ok) out.append(w[1]).append(" refused read: not leader\n");
        }
        case "read-lease" -> {
          boolean ok = node(w[1]).raft.requestRead(Long.parseLong(w[2]), true);
          if (!ok) out.append(w[1]).append(" refused read: not leader\n");
        }
        case "read-any" -> {
          boolean ok = node(w[1]).raft.requestReadViaLeader(Long.parseLong(w[2]));
          if (!ok) out.append(w[1]).append(" refused read: knows no leader\n");
        }
        case "transfer" ->
            out.append(
                node(w[1]).raft.transferLeadership(node(w[2]).self) ? "" : "transfer refused\n");
        case "deliver" -> deliver(Integer.parseInt(w[1]));
        case "hold" -> {
          Envelope e = null;
          for (Envelope q : network) {
            if (name(q.from()).equals(w[1]) && name(q.to()).equals(w[2])) {
              e = q;
              break;
            }
          }
          if (e == null) {
            out.append("nothing from ").append(w[1]).append(" to ").append(w[2]).append('\n');
          } else {
            network.remove(e);
            held.add(e);
            out.append("held ")
                .append(w[1])
                .append("->")
                .append(w[2])
                .append(' ')
                .append(format(e.message()))
                .append('\n');
          }
        }
        case "release" -> {
          network.addAll(held);
          out.append("released ").append(held.size()).append(" held\n");
          held.clear();
        }
        case "dropped" ->
            out.append(w[1]).append(" dropped ").append(node(w[1]).raft.dropped()).append('\n');
        case "stabilize" -> deliver(10_000);
        case "isolate" -> {
          isolated.add(w[1]);
          out.append(w[1]).append(" isolated\n");
        }
        case "heal" -> {
          isolated.clear();
          cuts.clear();
          out.append("healed\n");
        }
        case "crash" -> {
          Node n = node(w[1]);
          n.raft = null;
          n.timers.clear();
          network.removeIf(e -> e.to().equals(n.self));
          out.append(w[1]).append(" crashed\n");
        }
        case "truncate-log" -> {
          Node n = node(w[1]);
          if (n.raft != null) throw new IllegalStateException(w[1] + " must be down to lose data");
          long from = Long.parseLong(w[2]);
          n.storage.logTruncateFrom(from);
          out.append(w[1])
              .append("'s stored log cut from index ")
              .append(from)
              .append(" (as repairing a corrupt record by truncation would)\n");
        }
        case "restart" -> {
          node(w[1]).start();
          out.append(w[1]).append(" restarted: ").append(describe(node(w[1]))).append('\n');
        }
        case "status" -> {
          for (Node n : nodes.values()) out.append(describe(n)).append('\n');
        }
        case "log" -> {
          RaftLog log = node(w[1]).raft.log();
          out.append("snapshot ")
              .append(log.snapshotIndex())
              .append('/')
              .append(log.snapshotTerm())
              .append('\n');
          for (long i = log.snapshotIndex() + 1; i <= log.lastIndex(); i++)
            out.append(entry(log.entry(i))).append('\n');
        }
        default -> throw new IllegalArgumentException("unknown command " + w[0]);
      }
      return out.toString();
    }

    private void fireLatest(Node n, Class<? extends RaftTimer> type) {
      Timer latest = null;
      for (Timer t : n.timers) if (type.isInstance(t)) latest = t;
      if (latest == null) {
        out.append(name(n.self))
            .append(" has no ")
            .append(type.getSimpleName())
            .append(" pending\n");
        return;
      }
      n.timers.remove(latest);
      n.raft.onTimer((RaftTimer) latest);
    }

    private void deliver(int max) {
      for (int i = 0; i < max && !network.isEmpty(); i++) {
        Envelope e = network.poll();
        String line = name(e.from()) + "->" + name(e.to()) + " " + format(e.message());
        Node to = nodes.get(name(e.to()));
        if (isolated.contains(name(e.from()))
            || isolated.contains(name(e.to()))
            || to.raft == null
            || cuts.contains(name(e.from()) + "|" + name(e.to()))) {
          out.append(line).append("  (dropped)\n");
          continue;
        }
        out.append(line).append('\n');
        to.raft.onMessage(e.from(), e.message());
      }
    }

    private static String entry(LogEntry e) {
      String cmd = e.command() instanceof RaftTestNode.AddItem a ? a.item() : "noop";
      return e.index() + "/" + e.term() + " " + cmd;
    }

    private static String format(RaftMessage m) {
      if (m instanceof RaftMessage.RequestVote v) {
        return (v.preVote() ? "PreVote" : "RequestVote")
            + " term="
            + v.term()
            + " lastLogIndex="
            + v.lastLogIndex()
            + " lastLogTerm="
            + v.lastLogTerm()
            + (v.leadershipTransfer() ? " transfer" : "");
      } else if (m instanceof RaftMessage.RequestVoteReply r) {
        return (r.preVote() ? "PreVoteReply" : "RequestVoteReply")
            + " term="
            + r.term()
            + " granted="
            + r.voteGranted();
      } else if (m instanceof RaftMessage.AppendEntries a) {
        List<String> es = new ArrayList<>();
        for (LogEntry e : a.entries()) es.add(entry(e));
        return "AppendEntries term="
            + a.term()
            + " prevLogIndex="
            + a.prevLogIndex()
            + " prevLogTerm="
            + a.prevLogTerm()
            + " entries="
            + es
            + " leaderCommit="
            + a.leaderCommit();
      } else if (m instanceof RaftMessage.AppendEntriesReply r) {
        return "AppendEntriesReply term="
            + r.term()
            + (r.success()
                ? " success matchIndex=" + r.matchIndex()
                : " reject conflictIndex=" + r.conflictIndex());
      } else if (m instanceof RaftMessage.InstallSnapshot s) {
        return "InstallSnapshot term="
            + s.term()
            + " lastIncludedIndex="
            + s.lastIncludedIndex()
            + " lastIncludedTerm="
            + s.lastIncludedTerm()
            + " data="
            + s.data();
      } else if (m instanceof RaftMessage.InstallSnapshotReply r) {
        return "InstallSnapshotReply term="
            + r.term()
            + " lastIncludedIndex="
            + r.lastIncludedIndex();
      } else if (m instanceof RaftMessage.TimeoutNow t) {
        return "TimeoutNow term=" + t.term();
      } else if (m instanceof RaftMessage.ReadIndexRequest r) {
        return "ReadIndexRequest term=" + r.term() + " ctx=" + r.ctx();
      } else if (m instanceof RaftMessage.ReadIndexReply r) {
        return "ReadIndexReply term="
            + r.term()
            + " ctx="
            + r.ctx()
            + (r.ok() ? " readIndex=" + r.readIndex() : " refused");
      }
      throw new IllegalStateException("unformatted " + m);
    }

    private static String describe(Node n) {
      if (n.raft == null) return name(n.self) + " down";
      RaftReplica r = n.raft;
      return name(n.self)
          + " "
          + r.role()
          + " term="
          + r.currentTerm()
          + " commit="
          + r.commitIndex()
          + " applied="
          + r.lastApplied()
          + " last="
          + r.log().lastIndex()
          + "/"
          + r.log().lastTerm()
          + " items="
          + n.machine.items;
    }
  }
}
