package dev.txlab.chaos.schedule;

import dev.txlab.chaos.fault.Fault;
import dev.txlab.chaos.fault.Target;
import java.util.List;

/**
 * The heal that ends every plan, so that the final reads see a whole cluster and liveness can be
 * judged: every cut link reconnected, link faults off, clocks back to true time, paused nodes
 * resumed and dead ones restarted. Clocks are reset before nodes come back so that a restarted node
 * does not start on a skewed clock.
 */
public final class FinalHeal {
  private FinalHeal() {}

  /** The faults of the final heal, in the order they are applied. */
  public static List<Fault> faults() {
    return List.of(
        new Fault.Heal(),
        new Fault.NetReset(),
        new Fault.ClockReset(Target.all()),
        new Fault.Resume(Target.all()),
        new Fault.Restart(Target.all()));
  }
}
