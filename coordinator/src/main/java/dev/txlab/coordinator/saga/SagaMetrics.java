package dev.txlab.coordinator.saga;

import dev.txlab.coordinator.protocol.CoordinatorPhase;
import dev.txlab.coordinator.protocol.WaitStory;
import dev.txlab.node.api.Address;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.BiConsumer;
import java.util.function.LongSupplier;

/**
 * The saga protocol's counters and each saga's timeline on the simulator, as its processes report
 * them ({@link SagaProbe}), stamped with the run's true time: what the report draws as one lane per
 * service and the orchestrator. On a live node the processes report from their own threads, so
 * every method holds the instance's lock (uncontended on the simulator's one thread).
 */
final class SagaMetrics implements SagaProbe {
  static final List<String> NAMES =
      List.of(
          "sagas_begun",
          "sagas_completed",
          "sagas_compensated",
          "sagas_resumed",
          "sagas_in_flight",
          "step_retries",
          "double_charges",
          "double_refunds",
          "emails_for_cancelled",
          "emails_duplicate");

  private record Mark(long at, int lane, String label, String detail) {}

  private static final class Timeline {
    long begun = -1;
    long ended = -1;
    String outcome = "";
    boolean resumed;
    final List<Mark> marks = new ArrayList<>();
  }

  private final LongSupplier clock;
  private final TreeMap<String, Timeline> timelines = new TreeMap<>();
  private final TreeMap<String, Long> counts = new TreeMap<>();

  SagaMetrics(LongSupplier clock) {
    this.clock = clock;
  }

  private Timeline of(String id) {
    return timelines.computeIfAbsent(id, x -> new Timeline());
  }

  private void count(String name) {
    counts.merge(name, 1L, Long::sum);
  }

  @Override
  public synchronized void begun(String sagaId) {
    count("sagas_begun");
    Timeline t = of(sagaId);
    t.begun = clock.getAsLong();
    t.marks.add(new Mark(t.begun, 0, "BEGIN", "logged"));
  }

  @Override
  public synchronized void sent(
      String sagaId, int step, boolean compensation, String service, boolean retry) {
    if (retry) count("step_retries");
  }

  @Override
  public synchronized void logged(
      String sagaId, int step, boolean compensation, String service, String key, String outcome) {
    Timeline t = of(sagaId);
    t.marks.add(
        new Mark(clock.getAsLong(), lane(service), label(service, key, compensation), outcome));
  }

  @Override
  public synchronized void ended(String sagaId, String outcome) {
    count(outcome.equals("completed") ? "sagas_completed" : "sagas_compensated");
    Timeline t = of(sagaId);
    t.ended = clock.getAsLong();
    t.outcome = outcome;
    t.marks.add(new Mark(t.ended, 0, outcome.toUpperCase(java.util.Locale.ROOT), ""));
  }

  @Override
  public synchronized void resumed(String sagaId, String leader) {
    count("sagas_resumed");
    Timeline t = of(sagaId);
    t.resumed = true;
    t.marks.add(new Mark(clock.getAsLong(), 0, "RESUMED", "by " + leader));
  }

  private BiConsumer<CoordinatorPhase, Address> phaseHook = (phase, at) -> {};

  /** Where phase-triggered kills hear of a leader's logged outcome. */
  void onPhase(BiConsumer<CoordinatorPhase, Address> hook) {
    this.phaseHook = hook;
  }

  /**
   * {@code kill coordinator after prepare}: right after the leader logged a step of a saga still
   * running (mid-saga); {@code after decide}: right after it logged a saga's end.
   */
  @Override
  public void leaderLogged(Address leader, boolean ended) {
    phaseHook.accept(ended ? CoordinatorPhase.DECIDE : CoordinatorPhase.PREPARE, leader);
  }

  static int lane(String service) {
    for (SagaKeys.Service s : SagaKeys.Service.values()) {
      if (s.label().equals(service)) return s.ordinal() + 1;
    }
    return 0;
  }

  /**
   * A step in the flow's words: charge, refund, reserve, release, create, confirm, cancel, email.
   */
  static String label(String service, String key, boolean compensation) {
    switch (service) {
      case "payments":
        return compensation ? "refund" : "charge";
      case "inventory":
        return compensation ? "release" : "reserve";
      case "orders":
        return compensation ? "cancel" : "order";
      default:
        return "email";
    }
  }

  synchronized Map<String, Double> summary() {
    TreeMap<String, Double> out = new TreeMap<>();
    for (String n : NAMES) out.put(n, (double) counts.getOrDefault(n, 0L));
    return out;
  }

  synchronized void set(String name, long value) {
    counts.put(name, value);
  }

  /**
   * The sagas, those worth drawing first: any still running when the run ended, then those a new
   * leader resumed, then compensated ones, then the longest; at most {@code most}.
   */
  synchronized List<WaitStory> stories(int most, long endNanos) {
    List<Map.Entry<String, Timeline>> all = new ArrayList<>(timelines.entrySet());
    // A saga whose Begin no leader applied as leader is known from its first mark (RESUMED).
    all.removeIf(e -> e.getValue().marks.isEmpty());
    for (Map.Entry<String, Timeline> e : all) {
      Timeline t = e.getValue();
      if (t.begun < 0) t.begun = t.marks.stream().mapToLong(Mark::at).min().orElse(endNanos);
    }
    all.sort(
        Comparator.<Map.Entry<String, Timeline>>comparingInt(
                e -> e.getValue().outcome.isEmpty() ? 0 : 1)
            .thenComparingInt(e -> e.getValue().resumed ? 0 : 1)
            .thenComparingInt(e -> e.getValue().outcome.equals("compensated") ? 0 : 1)
            .thenComparingLong(e -> -(end(e.getValue(), endNanos) - e.getValue().begun))
            .thenComparing(Map.Entry::getKey));
    List<WaitStory.Lane> lanes = new ArrayList<>();
    lanes.add(new WaitStory.Lane("orchestrator", "", ""));
    for (SagaKeys.Service s : SagaKeys.Service.values()) {
      lanes.add(new WaitStory.Lane(s.label(), "", ""));
    }
    List<WaitStory> out = new ArrayList<>();
    for (Map.Entry<String, Timeline> e : all.subList(0, Math.min(most, all.size()))) {
      Timeline t = e.getValue();
      long end = end(t, endNanos);
      List<WaitStory.Mark> marks = new ArrayList<>();
      for (Mark m : t.marks) marks.add(new WaitStory.Mark(m.lane(), m.at(), m.label(), m.detail()));
      marks.sort(Comparator.comparingLong(WaitStory.Mark::atNanos));
      out.add(
          new WaitStory(
              e.getKey(),
              "saga "
                  + (t.outcome.isEmpty() ? "still running" : t.outcome)
                  + " after "
                  + String.format(java.util.Locale.ROOT, "%.1f", (end - t.begun) / 1e6)
                  + " ms"
                  + (t.resumed ? ", resumed by a new orchestrator leader" : ""),
              end - t.begun,
              lanes,
              marks,
              List.of(
                  new WaitStory.Hold(
                      0, "saga", "saga in flight", t.begun, t.ended < 0 ? -1 : t.ended))));
    }
    return out;
  }

  private static long end(Timeline t, long endNanos) {
    return t.ended < 0 ? endNanos : t.ended;
  }
}
