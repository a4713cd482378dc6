package dev.txlab.scenarios.live;

import dev.txlab.scenarios.run.Scenario;
import java.nio.file.Path;
import java.util.Optional;
import java.util.ServiceLoader;
import java.util.function.Consumer;

/**
 * A live run against a system that is not txlab's own nodes: a protocol that is a real external
 * system (a database) supplies one, found as a {@link ServiceLoader} service by its protocol's
 * name, and {@link LiveScenarioRun} hands it the run. It starts and stops what it drives, carries
 * the run's one workload there, applies the faults that are real for it through the same live
 * nemesis (the rest are refused, and the history says why), and checks the history as every run is
 * checked — so the host names no such system.
 */
public interface LiveTarget {
  /** The protocol it runs. */
  String protocol();

  /**
   * Runs {@code s} (already reduced to measurable expectations) in {@code dir}; leaves nothing
   * running.
   */
  LiveScenarioRun.Outcome run(Scenario s, long seed, Path dir, Consumer<String> progress)
      throws LiveException;

  /** The target for {@code protocol}, if one is registered. */
  static Optional<LiveTarget> forProtocol(String protocol) {
    for (LiveTarget t : ServiceLoader.load(LiveTarget.class, LiveTarget.class.getClassLoader())) {
      if (t.protocol().equals(protocol)) {
        return Optional.of(t);
      }
    }
    return Optional.empty();
  }
}
