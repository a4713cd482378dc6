package dev.txlab.coordinator.saga;

import dev.txlab.coordinator.txn.MicroOp;
import dev.txlab.node.api.Address;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The orchestrator's saga log as a state machine, pure: every saga's plan and how far it got. A
 * saga runs its steps forward one at a time; the first step a service refuses turns it around, and
 * it then undoes the steps that took effect, last first (a step that cannot be undone — an email —
 * is skipped: it is the irreversible effect the pattern warns of). It ends completed or
 * compensated; with pending flags ({@code semantic-lock}) it then releases them. Whoever leads the
 * log drives what {@link #next} says; since the log is replicated, a new leader finds every saga in
 * flight here and drives it on.
 */
public final class SagaLog {
  /** Where a saga stands. */
  public enum Status {
    RUNNING,
    COMPENSATING,
    COMPLETED,
    COMPENSATED;

    public boolean terminal() {
      return this == COMPLETED || this == COMPENSATED;
    }
  }

  /**
   * One saga.
   *
   * @param at the step running (forward) or being undone (compensating)
   * @param effects what took effect, in order (forward steps and compensations): the client's
   *     result
   */
  public record Saga(
      String id,
      Address client,
      long seq,
      List<MicroOp> steps,
      Status status,
      int at,
      List<MicroOp> effects,
      boolean released) {
    public Saga {
      steps = List.copyOf(steps);
      effects = List.copyOf(effects);
    }

    /** The keys its forward steps wrote (where it may have left pending flags). */
    public List<String> touchedKeys() {
      TreeSet<String> keys = new TreeSet<>();
      for (MicroOp m : effects) keys.add(m.key());
      return List.copyOf(keys);
    }
  }

  /**
   * What a saga needs next: a forward step, a compensation, or the release of its flags.
   *
   * @param step the step's index (-1 for a release)
   * @param command the local transaction to run
   * @param service where to run it
   */
  public record Next(
      String sagaId,
      int step,
      boolean compensation,
      SagaKeys.Service service,
      ServiceCommand command) {
    /** The request's key, the same for every retry: the step's idempotency key. */
    public String requestKey() {
      return step < 0
          ? sagaId + "/release/" + service.label()
          : sagaId + "/" + step + (compensation ? "/c" : "/f");
    }
  }

  private final boolean releaseFlags;
  private TreeMap<String, Saga> sagas = new TreeMap<>();

  /**
   * @param releaseFlags whether a saga ends by releasing its pending flags (semantic-lock)
   */
  public SagaLog(boolean releaseFlags) {
    this.releaseFlags = releaseFlags;
  }

  /**
   * The steps of a flow in the order a saga runs them: as given with {@code pivotLast}; otherwise
   * the irreversible last step (the email) moved to right after the first (too early: before the
   * steps that may still fail).
   */
  public static List<MicroOp> plan(List<MicroOp> flow, boolean pivotLast) {
    List<MicroOp> out = new ArrayList<>(flow);
    if (!pivotLast && out.size() > 2) {
      MicroOp last = out.remove(out.size() - 1);
      out.add(1, last);
    }
    return out;
  }

  /** Applies one logged command; returns the saga it changed, or null if it changed none. */
  public Saga apply(SagaLogCommand c) {
    if (c instanceof SagaLogCommand.Begin b) {
      if (sagas.containsKey(b.sagaId())) return null;
      Saga s =
          new Saga(b.sagaId(), b.client(), b.seq(), b.steps(), Status.RUNNING, 0, List.of(), false);
      sagas.put(s.id(), s);
      return s;
    }
    if (c instanceof SagaLogCommand.Released r) {
      Saga s = sagas.get(r.sagaId());
      if (s == null || !s.status().terminal() || s.released()) return null;
      return put(
          new Saga(s.id(), s.client(), s.seq(), s.steps(), s.status(), s.at(), s.effects(), true));
    }
    SagaLogCommand.Result r = (SagaLogCommand.Result) c;
    Saga s = sagas.get(r.sagaId());
    if (s == null || s.status().terminal() || r.step() != s.at()) return null;
    if (r.compensation() != (s.status() == Status.COMPENSATING)) return null;
    List<MicroOp> effects = new ArrayList<>(s.effects());
    if (s.status() == Status.RUNNING) {
      if (r.outcome().equals(ServiceState.OK)) {
        effects.add(s.steps().get(s.at()));
        int at = s.at() + 1;
        Status st = at == s.steps().size() ? Status.COMPLETED : Status.RUNNING;
        return put(with(s, st, at, effects));
      }
      // Refused: turn around and undo what took effect, last first.
      return put(back(s, s.at() - 1, effects));
    }
    MicroOp undo = SagaKeys.compensation(s.steps().get(s.at()));
    if (r.outcome().equals(ServiceState.OK)) effects.add(undo);
    return put(back(s, s.at() - 1, effects));
  }

  /** Compensating from step {@code from} down: the next step that can be undone, or the end. */
  private Saga back(Saga s, int from, List<MicroOp> effects) {
    int at = from;
    while (at >= 0 && SagaKeys.compensation(s.steps().get(at)) == null) at--;
    return with(s, at < 0 ? Status.COMPENSATED : Status.COMPENSATING, Math.max(at, 0), effects);
  }

  private Saga with(Saga s, Status st, int at, List<MicroOp> effects) {
    boolean released = st.terminal() && !releaseFlags;
    return new Saga(s.id(), s.client(), s.seq(), s.steps(), st, at, effects, released);
  }

  private Saga put(Saga s) {
    sagas.put(s.id(), s);
    return s;
  }

  /**
   * What saga {@code id} needs next, or an empty list when nothing (unknown, or over and released).
   * A release is one request per service touched.
   */
  public List<Next> next(String id) {
    Saga s = sagas.get(id);
    if (s == null || s.released()) return List.of();
    if (s.status().terminal()) {
      TreeMap<SagaKeys.Service, List<String>> byService = new TreeMap<>();
      for (String k : s.touchedKeys()) {
        byService.computeIfAbsent(SagaKeys.serviceOf(k), x -> new ArrayList<>()).add(k);
      }
      List<Next> out = new ArrayList<>();
      byService.forEach(
          (svc, keys) ->
              out.add(new Next(id, -1, false, svc, new ServiceCommand.Release(id, keys))));
      return out;
    }
    MicroOp step = s.steps().get(s.at());
    boolean comp = s.status() == Status.COMPENSATING;
    MicroOp op = comp ? SagaKeys.compensation(step) : step;
    String stepKey = new Next(id, s.at(), comp, null, null).requestKey();
    return List.of(
        new Next(
            id,
            s.at(),
            comp,
            SagaKeys.serviceOf(op.key()),
            new ServiceCommand.Step(
                id,
                stepKey,
                op.key(),
                Long.parseLong(op.value()),
                comp,
                comp ? Long.parseLong(step.value()) : 0)));
  }

  /**
   * How far {@code s} got, growing with every transition: the step running, then past the last step
   * and back down while compensating, the most once over (what orders a saga's events).
   */
  public static int progress(Saga s) {
    if (s.status().terminal()) return Integer.MAX_VALUE;
    return s.status() == Status.RUNNING ? s.at() : 2 * s.steps().size() - s.at();
  }

  /** Saga {@code s} after {@code result} (null if the result is not for its current step). */
  public static Saga advance(Saga s, SagaLogCommand.Result result) {
    SagaLog one = new SagaLog(false);
    one.sagas.put(s.id(), s);
    return one.apply(result);
  }

  /** What saga {@code s} needs next, its flags aside (empty once it ended). */
  public static List<Next> nextOf(Saga s) {
    SagaLog one = new SagaLog(false);
    one.sagas.put(s.id(), s);
    return one.next(s.id());
  }

  /** A saga that begins with {@code steps}. */
  public static Saga begin(String id, Address client, long seq, List<MicroOp> steps) {
    return new Saga(id, client, seq, steps, Status.RUNNING, 0, List.of(), false);
  }

  public Saga get(String id) {
    return sagas.get(id);
  }

  /** Every saga, by id. */
  public Collection<Saga> all() {
    return sagas.values();
  }

  /** The sagas not yet over (or over with flags still to release). */
  public List<Saga> active() {
    List<Saga> out = new ArrayList<>();
    for (Saga s : sagas.values()) if (!s.released()) out.add(s);
    return out;
  }

  public Object snapshot() {
    return Map.copyOf(sagas);
  }

  @SuppressWarnings("unchecked")
  public void restore(Object snapshot) {
    sagas = new TreeMap<>((Map<String, Saga>) snapshot);
  }
}
