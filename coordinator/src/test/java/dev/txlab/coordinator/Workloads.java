package dev.txlab.coordinator;

import dev.txlab.coordinator.txn.MicroOp;
import dev.txlab.coordinator.txn.TxnWorkload;
import java.util.ArrayList;
import java.util.List;

/** Small test workloads: values unique per client (client index in the high digits). */
final class Workloads {
  private Workloads() {}

  /**
   * List-append over {@code keys} keys, 1–4 micro-ops, about half reads; {@code readOnlyShare}
   * whole-read txns.
   */
  static TxnWorkload listAppend(int clientIndex, int keys, double readOnlyShare) {
    long[] counter = {0};
    return random -> {
      List<MicroOp> ops = new ArrayList<>();
      int n = 1 + random.nextInt(4);
      boolean readOnly = random.chance(readOnlyShare);
      for (int i = 0; i < n; i++) {
        String k = Integer.toString(random.nextInt(keys));
        if (readOnly || random.chance(0.5)) ops.add(MicroOp.readList(k));
        else ops.add(MicroOp.append(k, clientIndex * 1_000_000L + (++counter[0])));
      }
      return ops;
    };
  }

  static TxnWorkload rwRegister(int clientIndex, int keys) {
    long[] counter = {0};
    return random -> {
      List<MicroOp> ops = new ArrayList<>();
      int n = 1 + random.nextInt(3);
      for (int i = 0; i < n; i++) {
        String k = Integer.toString(random.nextInt(keys));
        if (random.chance(0.5)) ops.add(MicroOp.read(k));
        else ops.add(MicroOp.write(k, clientIndex * 1_000_000L + (++counter[0])));
      }
      return ops;
    };
  }
}
