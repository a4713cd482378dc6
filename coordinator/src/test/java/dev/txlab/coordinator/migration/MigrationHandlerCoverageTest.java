package dev.txlab.coordinator.migration;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Every migration message has a process that handles it: none is sent into the void. */
class MigrationHandlerCoverageTest {
  @Test
  void everyMessageIsHandledBySomeProcess() {
    Set<Class<?>> handled = new HashSet<>();
    for (List<Class<?>> h :
        List.of(
            OldStore.HANDLED, Router.HANDLED, ChangeConsumer.HANDLED, MigrationOperator.HANDLED)) {
      handled.addAll(h);
    }
    assertThat(handled).containsAll(Arrays.asList(MigrationMessage.class.getPermittedSubclasses()));
  }
}
