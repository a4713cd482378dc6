package dev.txlab.coordinator.crdb;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Every crdb message has a process that handles it: none is sent into the void. */
class CrdbHandlerCoverageTest {
  @Test
  void everyMessageIsHandledBySomeProcess() {
    Set<Class<?>> handled = new HashSet<>();
    for (List<Class<?>> h : List.of(CrdbReplica.HANDLED, CrdbGateway.HANDLED, CrdbClient.HANDLED))
      handled.addAll(h);
    assertThat(handled).containsAll(Arrays.asList(CrdbMessage.class.getPermittedSubclasses()));
  }
}
