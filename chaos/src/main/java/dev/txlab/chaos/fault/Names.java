package dev.txlab.chaos.fault;

import java.util.Set;
import java.util.regex.Pattern;

/**
 * The grammar of node and shard names in fault texts. A name starts with a letter and goes on with
 * letters, digits, {@code _}, {@code .} and {@code -}, never ending in {@code -} or {@code .} (so
 * {@code n1->n2} reads as a link). Words that the fault language gives a meaning to ({@code all},
 * {@code random}, {@code halves}…) cannot be node names, or {@code partition halves} would have two
 * readings.
 */
final class Names {
  private static final Pattern NAME = Pattern.compile("[A-Za-z]([A-Za-z0-9_.-]*[A-Za-z0-9_])?");

  /** Words with a meaning of their own wherever a node name could stand. */
  static final Set<String> RESERVED =
      Set.of(
          "all",
          "random",
          "minority",
          "majority",
          "coordinator",
          "leader",
          "after",
          "halves",
          "majority-ring",
          "bridge",
          "one-way");

  private Names() {}

  static boolean isNodeName(String name) {
    return name != null
        && NAME.matcher(name).matches()
        && !RESERVED.contains(name)
        && !name.contains("->");
  }

  static boolean isShardName(String name) {
    return name != null && NAME.matcher(name).matches();
  }
}
