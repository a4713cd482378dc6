package dev.txlab.chaos.fault;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.SortedSet;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** Role targets and partition shapes resolved against a cluster, deterministically. */
class ResolutionTest {
  private final ClusterSnapshot five =
      FixedClusterView.of(5, 3).withLeader("shard-1", "n4").withCoordinator("n2");

  @Test
  void namedNodesResolveInViewOrderAndUnknownOnesAreReported() {
    assertThat(resolve("n3,n1", five, 1).value()).containsExactly("n1", "n3");
    Resolved<List<String>> unknown = resolve("n9", five, 1);
    assertThat(unknown.isResolved()).isFalse();
    assertThat(unknown.reason()).isEqualTo("node 'n9' is not in the cluster (n1, n2, n3, n4, n5)");
  }

  @Test
  void rolesResolveAgainstTheView() {
    assertThat(resolve("leader:shard-1", five, 1).value()).containsExactly("n4");
    assertThat(resolve("leader:shard-2", five, 1).reason())
        .isEqualTo("shard-2 has no leader right now");
    assertThat(resolve("leader:shard-9", five, 1).reason())
        .isEqualTo("no shard 'shard-9' in the cluster (shard-1, shard-2, shard-3)");
    assertThat(resolve("coordinator", five, 1).value()).containsExactly("n2");
    assertThat(resolve("coordinator", FixedClusterView.of(3, 1), 1).reason())
        .isEqualTo("no coordinator is known right now");
    assertThat(resolve("all", five, 1).value()).containsExactly("n1", "n2", "n3", "n4", "n5");
  }

  @Test
  void randomRolesHaveTheirSizesAndCoverTheCluster() {
    Set<List<String>> minorities = new HashSet<>();
    Set<String> randoms = new HashSet<>();
    for (long seed = 0; seed < 200; seed++) {
      List<String> minority = resolve("minority", five, seed).value();
      List<String> majority = resolve("majority", five, seed).value();
      assertThat(minority).hasSize(2);
      assertThat(majority).hasSize(3);
      assertThat(five.nodes()).containsSubsequence(minority);
      minorities.add(minority);
      randoms.addAll(resolve("random", five, seed).value());
    }
    assertThat(minorities).hasSize(10); // all C(5,2) pairs turn up
    assertThat(randoms).containsExactlyInAnyOrderElementsOf(five.nodes());
    assertThat(resolve("minority", FixedClusterView.of(2, 1), 1).reason())
        .isEqualTo("a cluster of 2 node(s) has no non-empty minority");
  }

  @Test
  void oneSeedGivesOneChoice() {
    for (long seed = 0; seed < 50; seed++) {
      assertThat(resolve("majority", five, seed)).isEqualTo(resolve("majority", five, seed));
    }
  }

  @Test
  void halvesSplitTheClusterInTwo() throws FaultSyntaxException {
    for (long seed = 0; seed < 100; seed++) {
      Fault realized =
          Partitions.realize(Fault.parse("partition halves"), five, new SplittableRandom(seed))
              .value();
      List<List<String>> groups = ((Fault.Partition) realized).groups();
      assertThat(groups).hasSize(2);
      assertThat(groups.get(0).size() + groups.get(1).size()).isEqualTo(5);
      assertThat(Math.abs(groups.get(0).size() - groups.get(1).size())).isEqualTo(1);
      assertThat(groups.get(0)).contains("n1"); // groups print in view order
      assertThat(Fault.parse(realized.text())).isEqualTo(realized);
      // Every link between the halves is cut, both ways, and nothing else.
      SortedSet<Link> cut = Partitions.cutLinks(realized, five, new SplittableRandom(0)).value();
      assertThat(cut).hasSize(2 * groups.get(0).size() * groups.get(1).size());
    }
  }

  @Test
  void unlistedNodesFormOneMoreGroup() throws FaultSyntaxException {
    SortedSet<Link> cut = cut("partition n1,n2", five);
    assertThat(cut).hasSize(12).contains(new Link("n1", "n3"), new Link("n5", "n2"));
    assertThat(cut).doesNotContain(new Link("n1", "n2"), new Link("n3", "n4"));
    assertThat(cut("partition n1|n2", FixedClusterView.of(3, 1)))
        .hasSize(6); // three groups {n1}, {n2}, {n3}: everyone alone
  }

  @Test
  void majorityRingLetsEveryNodeSeeADifferentMajority() throws FaultSyntaxException {
    SortedSet<Link> cut = cut("partition majority-ring n1,n2,n3,n4,n5", five);
    // Each node keeps its two ring neighbours: n1 sees n5, n2; n1-n3 and n1-n4 are cut.
    assertThat(cut).hasSize(10);
    assertThat(cut).contains(new Link("n1", "n3"), new Link("n1", "n4"), new Link("n2", "n5"));
    assertThat(cut).doesNotContain(new Link("n1", "n2"), new Link("n1", "n5"));
    Set<Set<String>> majorities = new HashSet<>();
    for (String node : five.nodes()) {
      Set<String> sees = new HashSet<>(five.nodes());
      for (Link link : cut) {
        if (link.from().equals(node)) {
          sees.remove(link.to());
        }
      }
      assertThat(sees).hasSize(3);
      majorities.add(sees);
    }
    assertThat(majorities).hasSize(5);
  }

  @Test
  void randomRingAndBridgeAreRealizedExplicitly() throws FaultSyntaxException {
    SplittableRandom random = new SplittableRandom(42);
    Fault ring = Partitions.realize(Fault.parse("partition majority-ring"), five, random).value();
    assertThat(ring.text()).startsWith("partition majority-ring n1,");
    assertThat(ring.namedNodes()).containsExactlyInAnyOrderElementsOf(five.nodes());
    Fault bridge = Partitions.realize(Fault.parse("partition bridge"), five, random).value();
    List<List<String>> sides = ((Fault.PartitionBridge) bridge).sides();
    assertThat(sides.get(1)).hasSize(1);
    assertThat(sides.get(0)).hasSize(2);
    assertThat(sides.get(2)).hasSize(2);
    SortedSet<Link> cut = Partitions.cutLinks(bridge, five, random).value();
    assertThat(cut).hasSize(8);
    for (Link link : cut) {
      assertThat(link.from()).isNotEqualTo(sides.get(1).get(0));
      assertThat(link.to()).isNotEqualTo(sides.get(1).get(0));
    }
    assertThat(
            Partitions.realize(Fault.parse("partition bridge"), FixedClusterView.of(2, 1), random)
                .reason())
        .isEqualTo("'partition bridge' needs at least 3 nodes; the cluster has 2");
  }

  @Test
  void isolateCutsEachResolvedNodeFromAllOthers() throws FaultSyntaxException {
    SortedSet<Link> cut = cut("isolate leader:shard-1", five);
    assertThat(cut).hasSize(8);
    assertThat(cut).allMatch(link -> link.from().equals("n4") || link.to().equals("n4"));
    assertThat(cut("isolate n1,n2", five)).contains(new Link("n1", "n2")).hasSize(14);
    assertThat(
            Partitions.cutLinks(
                    Fault.parse("isolate leader:shard-3"), five, new SplittableRandom(1))
                .reason())
        .isEqualTo("shard-3 has no leader right now");
  }

  @Test
  void oneWayCutsOnlyTheListedDirection() throws FaultSyntaxException {
    assertThat(cut("partition one-way n1->n2,n3->n2", five))
        .containsExactly(new Link("n1", "n2"), new Link("n3", "n2"));
    assertThat(
            Partitions.cutLinks(
                    Fault.parse("partition one-way n1->n7"), five, new SplittableRandom(1))
                .reason())
        .isEqualTo("node 'n7' is not in the cluster (n1, n2, n3, n4, n5)");
  }

  @Test
  void aSnapshotRefusesLeadersAndCoordinatorsOutsideTheCluster() {
    assertThatThrownBy(() -> five.withLeader("shard-1", "n9"))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> five.withLeader("shard-9", "n1"))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> five.withCoordinator("n0"))
        .isInstanceOf(IllegalArgumentException.class);
    assertThat(ClusterView.ofShape(List.of("n1"), List.of()).leaderOf("shard-1")).isEmpty();
  }

  @Test
  void linksSortInNodeOrder() {
    List<String> names = new ArrayList<>(List.of("n10", "n2", "n1", "a", "n02"));
    names.sort(NodeOrder::compare);
    assertThat(names)
        .containsExactly("a", "n1", "n02", "n2", "n10"); // equal numbers: plain order decides
  }

  private static Resolved<List<String>> resolve(String target, ClusterView view, long seed) {
    try {
      Fault fault = Fault.parse("kill " + target);
      return TargetResolver.resolve(fault.targets().get(0), view, new SplittableRandom(seed));
    } catch (FaultSyntaxException e) {
      throw new AssertionError(e);
    }
  }

  private static SortedSet<Link> cut(String text, ClusterView view) throws FaultSyntaxException {
    return Partitions.cutLinks(Fault.parse(text), view, new SplittableRandom(1)).value();
  }
}
