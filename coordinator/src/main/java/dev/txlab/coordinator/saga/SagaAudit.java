package dev.txlab.coordinator.saga;

import dev.txlab.coordinator.protocol.ProtocolCheck;
import dev.txlab.coordinator.txn.MicroOp;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * What a saga cluster's final state says, whichever host ran it: every saga (from the saga log, or
 * the orders service's record under choreography) and every service's ledgers, read into the
 * protocol's three checks — {@code saga-terminal}, {@code conserved}, {@code irreversible-effects}
 * — and the figures behind them. The simulator reads its processes directly ({@link
 * SagaSimCluster}); a live run reads what the nodes' processes told ({@link
 * SagaProtocol#liveAudit}).
 */
final class SagaAudit {
  private int sagas;
  private int completed;
  private int compensated;
  private final List<String> stuck = new ArrayList<>();
  private long doubleCharges;
  private long doubleRefunds;
  private long wrongTotals;
  private long emails;
  private long duplicateEmails;
  private final List<Long> cancelledEmails = new ArrayList<>();
  private String firstProblem = "";

  /**
   * @param all every saga as it ended
   * @param ledgers each service's ledgers, by key (a service missing: no replica could tell)
   */
  SagaAudit(Collection<SagaLog.Saga> all, Map<SagaKeys.Service, Map<String, List<Long>>> ledgers) {
    // What the completed sagas took, by ledger key.
    TreeMap<String, Long> expected = new TreeMap<>();
    for (SagaLog.Saga s : all) {
      sagas++;
      if (s.status() == SagaLog.Status.COMPLETED) completed++;
      if (s.status() == SagaLog.Status.COMPENSATED) compensated++;
      if (!s.status().terminal())
        stuck.add(s.id() + " (" + s.status() + " at step " + s.at() + ")");
      if (s.status() == SagaLog.Status.COMPLETED) {
        for (MicroOp m : s.steps()) {
          if (SagaKeys.isLedger(m.key())) {
            expected.merge(m.key(), SagaKeys.amountOf(Long.parseLong(m.value())), Long::sum);
          }
        }
      }
    }
    Map<String, List<Long>> orders = ledgers.getOrDefault(SagaKeys.Service.ORDERS, Map.of());
    for (Map.Entry<SagaKeys.Service, Map<String, List<Long>>> e : ledgers.entrySet()) {
      for (Map.Entry<String, List<Long>> l : e.getValue().entrySet()) {
        String key = l.getKey();
        if (e.getKey() == SagaKeys.Service.NOTIFICATIONS) {
          emails += l.getValue().size();
          duplicateEmails += Math.max(0, l.getValue().size() - 1);
          boolean cancelled =
              orders.getOrDefault(SagaKeys.orderOfEmail(key), List.of()).stream()
                  .anyMatch(SagaKeys::isCancelled);
          if (cancelled && !l.getValue().isEmpty()) cancelledEmails.add(SagaKeys.flowOfEmail(key));
          continue;
        }
        if (!SagaKeys.isLedger(key)) continue;
        TreeMap<Long, Integer> seen = new TreeMap<>();
        for (long el : l.getValue()) seen.merge(el, 1, Integer::sum);
        for (Map.Entry<Long, Integer> c : seen.entrySet()) {
          if (c.getValue() > 1) {
            if (c.getKey() < 0) doubleCharges += c.getValue() - 1;
            else doubleRefunds += c.getValue() - 1;
            problem("key " + key + " holds " + c.getKey() + " " + c.getValue() + " times");
          }
        }
        long want = SagaKeys.initialOf(key) + expected.getOrDefault(key, 0L);
        long got = SagaKeys.initialOf(key);
        for (long el : l.getValue()) got += SagaKeys.amountOf(el);
        if (want != got) {
          wrongTotals++;
          problem("key " + key + " holds " + got + ", completed sagas leave " + want);
        }
      }
    }
  }

  private void problem(String p) {
    if (firstProblem.isEmpty()) firstProblem = p;
  }

  /** The figures only the final state shows (the simulator counts the others as they happen). */
  Map<String, Double> stateMetrics() {
    TreeMap<String, Double> out = new TreeMap<>();
    out.put("sagas_in_flight", (double) stuck.size());
    out.put("double_charges", (double) doubleCharges);
    out.put("double_refunds", (double) doubleRefunds);
    out.put("emails_for_cancelled", (double) cancelledEmails.size());
    out.put("emails_duplicate", (double) duplicateEmails);
    return out;
  }

  /** {@link #stateMetrics}, and how many sagas there were and how each ended, from the log. */
  Map<String, Double> metrics() {
    TreeMap<String, Double> out = new TreeMap<>(stateMetrics());
    out.put("sagas_begun", (double) sagas);
    out.put("sagas_completed", (double) completed);
    out.put("sagas_compensated", (double) compensated);
    return out;
  }

  List<ProtocolCheck> checks() {
    List<ProtocolCheck> out = new ArrayList<>();
    out.add(
        ProtocolCheck.of(
            "saga-terminal",
            stuck.isEmpty() && sagas > 0,
            List.of(stuck.isEmpty() ? "no-saga" : "saga-not-terminal"),
            stuck.isEmpty()
                ? sagas + " sagas, every one completed or compensated"
                : stuck.size() + " of " + sagas + " sagas not over, e.g. " + stuck.get(0)));
    List<String> conserved = new ArrayList<>();
    if (doubleCharges > 0) conserved.add("double-charge");
    if (doubleRefunds > 0) conserved.add("double-refund");
    if (wrongTotals > 0) conserved.add("wrong-total");
    out.add(
        ProtocolCheck.of(
            "conserved",
            conserved.isEmpty(),
            conserved,
            conserved.isEmpty()
                ? "every account and stock holds its initial amount less what completed sagas"
                    + " took; nothing charged, reserved, refunded or released twice"
                : doubleCharges
                    + " double charges or reservations, "
                    + doubleRefunds
                    + " double refunds or releases, "
                    + wrongTotals
                    + " ledgers off their expected total; first: "
                    + firstProblem));
    out.add(
        ProtocolCheck.of(
            "irreversible-effects",
            cancelledEmails.isEmpty(),
            List.of("email-for-cancelled-order"),
            cancelledEmails.isEmpty()
                ? emails + " emails sent, none for a cancelled order"
                : cancelledEmails.size()
                    + " of "
                    + emails
                    + " emails went out for orders that ended cancelled, e.g. flow "
                    + cancelledEmails.get(0)));
    return out;
  }
}
