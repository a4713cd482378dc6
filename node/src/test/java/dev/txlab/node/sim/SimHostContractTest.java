package dev.txlab.node.sim;

import dev.txlab.node.api.Address;
import dev.txlab.node.api.HostContractTest;
import dev.txlab.node.api.NodeId;
import dev.txlab.node.api.ProcessFactory;

/** The simulator honours the step contract. */
class SimHostContractTest extends HostContractTest {
  @Override
  protected TestHost newHost() {
    Simulator sim = new Simulator(SimConfig.defaults(42));
    return new TestHost() {
      @Override
      public void add(Address address, ProcessFactory factory) {
        sim.addProcess(address, factory);
      }

      @Override
      public void runFor(long nanos) {
        sim.runFor(nanos);
      }

      @Override
      public void crash(NodeId node) {
        sim.crash(node);
      }

      @Override
      public void restart(NodeId node) {
        sim.restart(node);
      }

      @Override
      public boolean crashDuringSync(Address address) {
        if (!sim.runUntil(() -> sim.syncInProgress(address), 1_000_000_000L)) return false;
        sim.crash(address.node());
        return true;
      }
    };
  }
}
