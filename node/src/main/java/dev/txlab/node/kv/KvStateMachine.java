package dev.txlab.node.kv;

import dev.txlab.node.raft.LogEntry;
import dev.txlab.node.raft.StateMachine;
import java.util.Collections;
import java.util.NavigableMap;
import java.util.Objects;
import java.util.TreeMap;

/**
 * A shard's deterministic state machine: an {@link MvccStore} whose plain writes are versioned by
 * their Raft index, and a table of client sessions so a retried write applies at most once (Raft
 * thesis §6.3). Given the same committed entries in the same order, every replica reaches the same
 * state and returns the same results.
 */
public final class KvStateMachine implements StateMachine {
  /** The last request applied for one client and its outcome. */
  public record Session(long seq, KvResult result) {}

  /** The state in a snapshot: the store's image and the session table. */
  public record Image(
      MvccStore.Image store, NavigableMap<String, Session> sessions, long appliedIndex) {}

  private final MvccStore store;
  private final TreeMap<String, Session> sessions = new TreeMap<>();
  private long appliedIndex;

  public KvStateMachine(int versionsRetainedPerKey) {
    this.store = new MvccStore(versionsRetainedPerKey);
  }

  @Override
  public Object apply(LogEntry entry) {
    if (entry.index() <= appliedIndex) {
      throw new IllegalStateException(
          "entry " + entry.index() + " applied twice (applied " + appliedIndex + ")");
    }
    appliedIndex = entry.index();
    if (!(entry.command() instanceof KvCommand c)) return null; // no-ops
    Session s = sessions.get(c.clientId());
    if (s != null && c.seq() == s.seq()) return s.result(); // a retry: answer as the first time
    if (s != null && c.seq() < s.seq()) {
      return new KvResult.Unknown("request " + c.seq() + " superseded by " + s.seq());
    }
    KvResult r = execute(c.op(), entry.index());
    sessions.put(c.clientId(), new Session(c.seq(), r));
    return r;
  }

  private KvResult execute(KvOp op, long version) {
    if (op instanceof KvOp.Put p) {
      store.put(p.key(), version, p.value());
      return new KvResult.Ok(p.value());
    } else if (op instanceof KvOp.Cas c) {
      String actual = store.latest(c.key());
      if (!Objects.equals(actual, c.expected())) return new KvResult.CasFailed(actual);
      store.put(c.key(), version, c.value());
      return new KvResult.Ok(c.value());
    } else if (op instanceof KvOp.Append a) {
      String current = store.latest(a.key());
      String next = current == null ? a.value() : current + a.value();
      store.put(a.key(), version, next);
      return new KvResult.Ok(next);
    } else {
      throw new IllegalStateException("not a write: " + op);
    }
  }

  /** Serves a read from the current state (the caller decides whether that is linearizable). */
  public KvResult read(KvOp op) {
    if (op instanceof KvOp.Get g) {
      return new KvResult.Ok(store.latest(g.key()));
    } else if (op instanceof KvOp.GetAt g) {
      try {
        return new KvResult.Ok(store.readAt(g.key(), g.versionTs()));
      } catch (MvccStore.VersionGarbageCollected e) {
        return new KvResult.Unknown(e.getMessage());
      }
    } else {
      throw new IllegalStateException("not a read: " + op);
    }
  }

  /** The outcome of a client's request if it was the last one applied for that client. */
  public KvResult sessionResult(String clientId, long seq) {
    Session s = sessions.get(clientId);
    return s != null && s.seq() == seq ? s.result() : null;
  }

  public MvccStore store() {
    return store;
  }

  public long appliedIndex() {
    return appliedIndex;
  }

  @Override
  public Object snapshot() {
    return new Image(
        store.image(), Collections.unmodifiableNavigableMap(new TreeMap<>(sessions)), appliedIndex);
  }

  @Override
  public void restore(Object snapshot) {
    Image image = (Image) snapshot;
    store.restore(image.store());
    sessions.clear();
    sessions.putAll(image.sessions());
    appliedIndex = image.appliedIndex();
  }
}
