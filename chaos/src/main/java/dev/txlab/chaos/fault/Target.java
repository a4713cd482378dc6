package dev.txlab.chaos.fault;

import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Which physical nodes a fault acts on: named nodes, or a role that is resolved against the cluster
 * only when the fault is applied ({@link TargetResolver}), because who leads a shard or coordinates
 * the next transaction changes during a run.
 *
 * <p>Text forms: {@code n3}, {@code n1,n3} (listed nodes, in the order written), {@code
 * leader:shard-1}, {@code coordinator}, {@code minority}, {@code majority}, {@code random} (one
 * node), {@code all}.
 */
public sealed interface Target {

  /** The canonical text of this target. */
  String text();

  /** Node names this target mentions literally (empty for roles); for validation by loaders. */
  default List<String> namedNodes() {
    return List.of();
  }

  /**
   * Listed nodes, at least one, no duplicates, each a valid node name, kept in the order written so
   * that the text prints back as written.
   */
  record Nodes(List<String> names) implements Target {
    public Nodes {
      names = List.copyOf(names);
      if (names.isEmpty()) {
        throw new IllegalArgumentException("a node target lists at least one node");
      }
      Set<String> seen = new HashSet<>();
      for (String name : names) {
        if (!Names.isNodeName(name)) {
          throw new IllegalArgumentException("not a node name: '" + name + "'");
        }
        if (!seen.add(name)) {
          throw new IllegalArgumentException("node '" + name + "' appears twice");
        }
      }
    }

    public static Nodes of(String... names) {
      return new Nodes(List.of(names));
    }

    @Override
    public String text() {
      return String.join(",", names);
    }

    @Override
    public List<String> namedNodes() {
      return names;
    }
  }

  /** The node that currently leads {@code shard}'s Raft group. */
  record LeaderOf(String shard) implements Target {
    public LeaderOf {
      if (!Names.isShardName(shard)) {
        throw new IllegalArgumentException("not a shard name: '" + shard + "'");
      }
    }

    @Override
    public String text() {
      return "leader:" + shard;
    }
  }

  /** A role that names no node and no shard. */
  record Role(RoleKind kind) implements Target {
    public Role {
      if (kind == null) {
        throw new IllegalArgumentException("role kind is null");
      }
    }

    @Override
    public String text() {
      return kind.text();
    }
  }

  /** The roles a target can name without arguments. */
  enum RoleKind {
    /**
     * The node hosting the coordinator the cluster would use for its next transaction (the single
     * coordinator process in classic 2PC, the coordinator group's leader in the Spanner-style
     * protocol).
     */
    COORDINATOR("coordinator"),
    /** The largest minority: (n-1)/2 nodes, chosen at random. */
    MINORITY("minority"),
    /** The smallest majority: n/2+1 nodes, chosen at random. */
    MAJORITY("majority"),
    /** One node, chosen at random. */
    RANDOM("random"),
    /** Every node. */
    ALL("all");

    private final String text;

    RoleKind(String text) {
      this.text = text;
    }

    public String text() {
      return text;
    }

    static RoleKind fromText(String text) {
      for (RoleKind kind : values()) {
        if (kind.text.equals(text)) {
          return kind;
        }
      }
      return null;
    }
  }

  static Target coordinator() {
    return new Role(RoleKind.COORDINATOR);
  }

  static Target all() {
    return new Role(RoleKind.ALL);
  }

  static Target node(String name) {
    return Nodes.of(name);
  }
}
