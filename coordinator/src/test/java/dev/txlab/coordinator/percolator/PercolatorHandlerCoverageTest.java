package dev.txlab.coordinator.percolator;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Every percolator message has a process that handles it: none is sent into the void. */
class PercolatorHandlerCoverageTest {
  @Test
  void everyMessageIsHandledBySomeProcess() {
    Set<Class<?>> handled = new HashSet<>();
    for (List<Class<?>> h :
        List.of(
            PercolatorReplica.HANDLED,
            TsoReplica.HANDLED,
            PercolatorGateway.HANDLED,
            PercolatorClient.HANDLED,
            TimestampClient.HANDLED)) handled.addAll(h);
    assertThat(handled)
        .containsAll(Arrays.asList(PercolatorMessage.class.getPermittedSubclasses()));
  }
}
