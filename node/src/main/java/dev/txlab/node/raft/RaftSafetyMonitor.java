package dev.txlab.node.raft;

import dev.txlab.node.api.Address;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;

/**
 * Raft's safety properties (Figure 3), checked across the replicas of each group after every step
 * of any of them. A host (the simulator) calls {@link #observe} with the replica that just stepped;
 * checks are incremental, so running them after every event stays cheap.
 *
 * <ul>
 *   <li><b>Election safety</b>: at most one leader per term.
 *   <li><b>Log matching</b>: two entries with the same index and term carry the same command and
 *       follow the same previous term (so, inductively, identical prefixes).
 *   <li><b>Leader completeness</b>: a leader's log, when it takes office, holds every entry known
 *       to be committed.
 *   <li><b>State machine safety</b>: no two replicas commit (and so apply) different entries at one
 *       index.
 * </ul>
 *
 * <p>In {@code failFast} mode a violation throws {@link IllegalStateException}; otherwise it is
 * recorded, which is what a run with a guarantee switched off ({@code fsync: never}) wants: the
 * user sees the violation, the run goes on.
 */
public final class RaftSafetyMonitor {
  private record IndexTerm(long index, long term) {}

  private record Witness(long prevTerm, Command command) {}

  private static final class Group {
    final HashMap<Long, Address> leaderByTerm = new HashMap<>();
    final HashMap<IndexTerm, Witness> witnesses = new HashMap<>();
    final HashMap<Long, LogEntry> committed = new HashMap<>();
    final HashMap<Address, Long> observedCommit = new HashMap<>();
    long knownCommit;
  }

  private final boolean failFast;
  private final HashMap<String, Group> groups = new HashMap<>();
  private final List<String> violations = new ArrayList<>();
  private long observations;

  public RaftSafetyMonitor(boolean failFast) {
    this.failFast = failFast;
  }

  public List<String> violations() {
    return List.copyOf(violations);
  }

  public long observations() {
    return observations;
  }

  private void violation(String group, String what) {
    String text = group + ": " + what;
    if (failFast) throw new IllegalStateException("Raft safety violated in " + text);
    if (violations.size() < 1000) violations.add(text);
  }

  /** Checks {@code r} (which just stepped) against everything seen so far in {@code groupName}. */
  public void observe(String groupName, RaftReplica r) {
    observations++;
    RaftLog log = r.log();
    if (log == null) return; // not started yet
    Group g = groups.computeIfAbsent(groupName, k -> new Group());
    Address id = r.id();

    // Log matching, on the entries written since the last look.
    long changedFrom = r.takeChangedFromIndex();
    if (changedFrom != Long.MAX_VALUE) {
      for (long i = Math.max(changedFrom, log.snapshotIndex() + 1); i <= log.lastIndex(); i++) {
        LogEntry e = log.entry(i);
        Witness w = new Witness(log.term(i - 1), e.command());
        Witness seen = g.witnesses.putIfAbsent(new IndexTerm(i, e.term()), w);
        if (seen != null && !seen.equals(w)) {
          violation(
              groupName,
              "log matching: "
                  + id
                  + " has "
                  + e
                  + " after term "
                  + w.prevTerm()
                  + " but another replica had "
                  + seen.command()
                  + " after term "
                  + seen.prevTerm());
        }
      }
    }

    // Election safety and leader completeness.
    if (r.isLeader()) {
      Address prev = g.leaderByTerm.putIfAbsent(r.currentTerm(), id);
      if (prev == null) {
        for (long i = log.snapshotIndex() + 1; i <= g.knownCommit; i++) {
          LogEntry c = g.committed.get(i);
          if (c == null) continue;
          if (i > log.lastIndex() || !log.entry(i).equals(c)) {
            violation(
                groupName,
                "leader completeness: "
                    + id
                    + " leads term "
                    + r.currentTerm()
                    + " without committed entry "
                    + c);
            break;
          }
        }
      } else if (!prev.equals(id)) {
        violation(
            groupName,
            "election safety: " + prev + " and " + id + " both lead term " + r.currentTerm());
      }
    }

    // State machine safety: what this replica has committed agrees with everyone else.
    long c = r.commitIndex();
    long seen = g.observedCommit.getOrDefault(id, 0L);
    if (c > seen) {
      for (long i = Math.max(seen, log.snapshotIndex()) + 1; i <= c; i++) {
        LogEntry e = log.entry(i);
        LogEntry other = g.committed.putIfAbsent(i, e);
        if (other != null && !other.equals(e)) {
          violation(
              groupName,
              "state machine safety: index "
                  + i
                  + " committed as "
                  + e
                  + " on "
                  + id
                  + " but as "
                  + other
                  + " elsewhere");
        }
      }
      g.knownCommit = Math.max(g.knownCommit, c);
    }
    g.observedCommit.put(id, c);
  }
}
