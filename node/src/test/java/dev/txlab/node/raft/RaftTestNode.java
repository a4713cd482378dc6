package dev.txlab.node.raft;

import dev.txlab.node.api.Address;
import dev.txlab.node.api.Env;
import dev.txlab.node.api.Message;
import dev.txlab.node.api.Process;
import dev.txlab.node.api.Timer;
import java.util.ArrayList;
import java.util.List;

/**
 * A process hosting one {@link RaftReplica} over a state machine that appends strings to a list:
 * the smallest thing that lets tests see what Raft replicated, in what order.
 */
final class RaftTestNode implements Process {
  record AddItem(String item) implements Command {}

  /** Asks the node to propose an item (sent by tests through the host). */
  record Propose(String item) implements Message {}

  static final class ListMachine implements StateMachine {
    List<String> items = new ArrayList<>();

    @Override
    public Object apply(LogEntry entry) {
      if (entry.command() instanceof AddItem a) items.add(a.item());
      return null;
    }

    @Override
    public Object snapshot() {
      return List.copyOf(items);
    }

    @Override
    public void restore(Object snapshot) {
      @SuppressWarnings("unchecked")
      List<String> s = (List<String>) snapshot;
      items = new ArrayList<>(s);
    }
  }

  final RaftReplica raft;
  final ListMachine machine = new ListMachine();
  final List<Long> readsReady = new ArrayList<>();

  RaftTestNode(Env env, RaftConfig config) {
    this.raft =
        new RaftReplica(
            env,
            config,
            machine,
            new RaftListener() {
              @Override
              public void onReadReady(long readId) {
                readsReady.add(readId);
              }
            });
  }

  @Override
  public void onStart() {
    raft.onStart();
  }

  @Override
  public void onMessage(Address from, Message message) {
    if (message instanceof RaftMessage m) {
      raft.onMessage(from, m);
    } else if (message instanceof Propose p) {
      raft.propose(new AddItem(p.item()));
    } else {
      throw new IllegalStateException("unexpected " + message);
    }
  }

  @Override
  public void onTimer(Timer timer) {
    if (timer instanceof RaftTimer t) raft.onTimer(t);
    else throw new IllegalStateException("unexpected " + timer);
  }

  @Override
  public void checkInvariants() {
    raft.checkInvariants();
  }
}
