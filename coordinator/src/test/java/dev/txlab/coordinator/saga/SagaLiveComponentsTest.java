package dev.txlab.coordinator.saga;

import static org.assertj.core.api.Assertions.assertThat;

import dev.txlab.coordinator.protocol.LiveAudit;
import dev.txlab.coordinator.protocol.ProtocolCheck;
import dev.txlab.coordinator.txn.MicroOp;
import dev.txlab.node.api.Address;
import dev.txlab.node.live.NodeCodecTable;
import dev.txlab.node.live.RecordCodec;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/**
 * The saga plug-in's live side without a cluster: every value a node sends, replicates or tells is
 * in its codec and survives the trip; a live run's keys, from a fresh base, are read as the flow's;
 * and the audit of what the nodes told finds what the simulator's would — a completed saga valid, a
 * step applied twice a double charge, each group read from its most advanced replica.
 */
class SagaLiveComponentsTest {
  private final RecordCodec codec = new RecordCodec(NodeCodecTable.with(SagaLiveComponents.CODEC));

  /** A live run's base: the key base of a workload started now, rounded up to a block. */
  private static final long BASE = SagaKeys.base(1_796_386_846_349L * 1000);

  @Test
  void everyMessageAndCommandIsListed() {
    List<Class<?>> all = new ArrayList<>(Arrays.asList(SagaMessage.class.getPermittedSubclasses()));
    all.addAll(Arrays.asList(ServiceCommand.class.getPermittedSubclasses()));
    all.addAll(Arrays.asList(SagaLogCommand.class.getPermittedSubclasses()));
    for (Class<?> c : all) assertThat(codec.knows(c)).as(c.getName()).isTrue();
  }

  @Test
  void keysFromALiveBaseAreTheFlows() {
    assertThat(SagaKeys.base(0)).isZero();
    assertThat(SagaKeys.base(1)).isEqualTo(SagaKeys.BLOCK);
    assertThat(BASE % SagaKeys.BLOCK).isZero();
    assertThat(BASE).isGreaterThanOrEqualTo(1_796_386_846_349L * 1000);
    assertThat(SagaKeys.serviceOf(Long.toString(BASE + SagaKeys.account(2))))
        .isEqualTo(SagaKeys.Service.PAYMENTS);
    assertThat(SagaKeys.serviceOf(Long.toString(BASE + SagaKeys.stock(1))))
        .isEqualTo(SagaKeys.Service.INVENTORY);
    assertThat(SagaKeys.serviceOf(Long.toString(BASE + SagaKeys.email(77))))
        .isEqualTo(SagaKeys.Service.NOTIFICATIONS);
    assertThat(SagaKeys.serviceOf(Long.toString(BASE + SagaKeys.account(SagaKeys.ACCOUNTS))))
        .as("past the accounts")
        .isNull();
    assertThat(SagaKeys.initialOf(Long.toString(BASE + SagaKeys.stock(0))))
        .isEqualTo(SagaKeys.INITIAL_STOCK);
    String email = Long.toString(BASE + SagaKeys.email(77));
    assertThat(SagaKeys.flowOfEmail(email)).isEqualTo(77);
    assertThat(SagaKeys.orderOfEmail(email)).isEqualTo(Long.toString(BASE + SagaKeys.order(77)));
  }

  /** Flow {@code f} on the live base. */
  private static List<MicroOp> flow(long f) {
    List<MicroOp> out = new ArrayList<>();
    for (MicroOp m : SagaKeys.flow(f, 1, 2, 5, 2)) {
      out.add(
          MicroOp.append(Long.toString(BASE + Long.parseLong(m.key())), Long.parseLong(m.value())));
    }
    return out;
  }

  /** A cluster's state as its processes tell it: the saga log and the four services. */
  private static final class Cluster {
    final SagaLog log = new SagaLog(false);
    final TreeMap<SagaKeys.Service, ServiceState> services = new TreeMap<>();

    Cluster(boolean idempotency) {
      for (SagaKeys.Service s : SagaKeys.Service.values())
        services.put(s, new ServiceState(new ServiceState.Config(idempotency, false, false)));
    }

    /** Runs saga {@code id} to its end as an orchestrator would; {@code twice}: a step again. */
    void run(String id, List<MicroOp> flow, int twice) {
      log.apply(new SagaLogCommand.Begin(id, Address.parse("n1/txn-0"), 1, flow));
      while (!log.next(id).isEmpty() && !log.get(id).status().terminal()) {
        SagaLog.Next n = log.next(id).get(0);
        ServiceState st = services.get(n.service());
        String outcome = (String) st.apply(n.command());
        if (n.step() == twice) st.apply(n.command());
        log.apply(new SagaLogCommand.Result(id, n.step(), n.compensation(), outcome));
      }
    }

    Map<String, byte[]> told(RecordCodec codec, long applied) {
      Map<String, byte[]> out = new TreeMap<>();
      out.put(
          "saga",
          codec.encode(
              new SagaLiveComponents.Told("saga", applied, Map.of(), new ArrayList<>(log.all()))));
      services.forEach(
          (s, st) ->
              out.put(
                  "shard-" + s.ordinal(),
                  codec.encode(
                      new SagaLiveComponents.Told(s.label(), applied, st.ledgers(), List.of()))));
      return out;
    }
  }

  private static Map<String, ProtocolCheck> byName(LiveAudit a) {
    Map<String, ProtocolCheck> out = new TreeMap<>();
    for (ProtocolCheck c : a.checks()) out.put(c.name(), c);
    return out;
  }

  @Test
  void aCompletedSagaIsTerminalAndConserved() {
    Cluster c = new Cluster(true);
    c.run("n1/txn-0#1", flow(1), -1);
    LiveAudit a = SagaLiveComponents.audit(Map.of("n1", c.told(codec, 10)));
    assertThat(a.allValid()).as(a.toString()).isTrue();
    assertThat(byName(a).get("saga-terminal").summary()).startsWith("1 sagas");
    assertThat(a.metrics())
        .containsEntry("sagas_completed", 1.0)
        .containsEntry("double_charges", 0.0);
  }

  @Test
  void aChargeAppliedTwiceIsFoundOnlyWithoutIdempotency() {
    Cluster safe = new Cluster(true);
    safe.run("n1/txn-0#1", flow(1), 1); // the charge arrives twice: answered from memory
    assertThat(SagaLiveComponents.audit(Map.of("n1", safe.told(codec, 10))).allValid()).isTrue();

    Cluster broken = new Cluster(false);
    broken.run("n1/txn-0#1", flow(1), 1);
    LiveAudit a = SagaLiveComponents.audit(Map.of("n1", broken.told(codec, 10)));
    assertThat(byName(a).get("conserved").verdict()).isEqualTo("invalid");
    assertThat(byName(a).get("conserved").anomalies()).contains("double-charge");
    assertThat(a.metrics().get("double_charges")).isEqualTo(1.0);
  }

  @Test
  void eachGroupIsReadFromItsMostAdvancedReplica() {
    Cluster done = new Cluster(true);
    done.run("n1/txn-0#1", flow(1), -1);
    Cluster behind = new Cluster(true);
    behind.log.apply(new SagaLogCommand.Begin("n1/txn-0#1", Address.parse("n1/txn-0"), 1, flow(1)));
    // n2 lags behind n1: its saga still running does not make the run's saga stuck.
    LiveAudit a =
        SagaLiveComponents.audit(Map.of("n1", done.told(codec, 10), "n2", behind.told(codec, 3)));
    assertThat(a.allValid()).as(a.toString()).isTrue();
    // The other way round, the saga is not over as far as the cluster can tell.
    LiveAudit b =
        SagaLiveComponents.audit(Map.of("n1", done.told(codec, 3), "n2", behind.told(codec, 10)));
    assertThat(byName(b).get("saga-terminal").verdict()).isEqualTo("invalid");
    assertThat(b.metrics().get("sagas_in_flight")).isEqualTo(1.0);
  }

  @Test
  void snapshotsSurviveTheTrip() throws Exception {
    Cluster c = new Cluster(true);
    c.run("n1/txn-0#1", flow(1), -1);
    ServiceState payments = c.services.get(SagaKeys.Service.PAYMENTS);
    ServiceState back = new ServiceState(new ServiceState.Config(true, false, false));
    back.restore(codec.decode(codec.encode(payments.snapshot())));
    assertThat(back.ledgers()).isEqualTo(payments.ledgers());
    SagaLog log = new SagaLog(false);
    log.restore(codec.decode(codec.encode(c.log.snapshot())));
    assertThat(log.all()).containsExactlyElementsOf(c.log.all());
  }
}
