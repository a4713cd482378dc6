package dev.txlab.node.api;

/**
 * A component hosted on a physical node: {@code n1/shard-2}, {@code n1/coord}, {@code c3/client}.
 * Messages are sent to addresses; faults act on the {@link #node()} part.
 */
public record Address(NodeId node, String component) implements Comparable<Address> {
  public Address {
    if (node == null) throw new IllegalArgumentException("address needs a node");
    if (component == null || component.isEmpty() || component.indexOf('/') >= 0) {
      throw new IllegalArgumentException(
          "component must be a non-empty word without '/': " + component);
    }
  }

  public static Address of(NodeId node, String component) {
    return new Address(node, component);
  }

  /** Parses {@code n1/shard-2}. */
  public static Address parse(String text) {
    int slash = text.indexOf('/');
    if (slash <= 0 || slash == text.length() - 1) {
      throw new IllegalArgumentException("address must look like node/component: " + text);
    }
    return new Address(new NodeId(text.substring(0, slash)), text.substring(slash + 1));
  }

  @Override
  public int compareTo(Address other) {
    int c = node.compareTo(other.node);
    return c != 0 ? c : component.compareTo(other.component);
  }

  @Override
  public String toString() {
    return node.name() + "/" + component;
  }
}
