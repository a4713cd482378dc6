package dev.txlab.scenarios.live;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

/** A node's cut set read back from the partition text its admin API reports. */
class CutSetTest {
  private static final List<String> NODES = List.of("n1", "n2", "n3", "n4", "n5");

  @Test
  void twoGroupsCutAcrossTheLine() {
    assertThat(LiveNemesis.cutSet("n1", "n1,n2|n3,n4,n5", NODES)).containsExactly("n3", "n4", "n5");
    assertThat(LiveNemesis.cutSet("n4", "n1,n2|n3,n4,n5", NODES)).containsExactly("n1", "n2");
  }

  @Test
  void unlistedNodesFormOneMoreGroupAndOverlappingGroupsReachTheirUnion() {
    assertThat(LiveNemesis.cutSet("n1", "n1|n2", NODES)).containsExactly("n2", "n3", "n4", "n5");
    assertThat(LiveNemesis.cutSet("n3", "n1|n2", NODES)).containsExactly("n1", "n2");
    // A bridge: n3 in both groups reaches everyone; n1 reaches only its side and the bridge.
    assertThat(LiveNemesis.cutSet("n3", "n1,n2,n3|n3,n4,n5", NODES)).isEmpty();
    assertThat(LiveNemesis.cutSet("n1", "n1,n2,n3|n3,n4,n5", NODES)).containsExactly("n4", "n5");
  }

  @Test
  void oneGroupOfEveryNodeCutsNothing() {
    assertThat(LiveNemesis.cutSet("n2", "n1,n2,n3,n4,n5", NODES)).isEmpty();
  }
}
