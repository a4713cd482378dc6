package dev.txlab.checker.txn;

/**
 * The relationships an edge of the dependency graph can carry, as bits of a byte, so an edge that
 * several relationships explain costs one byte. ww/wr/rw are Adya's write-write, write-read and
 * read-write dependencies; process and realtime are the session and real-time orders that strong
 * models add.
 */
final class Rel {
  private Rel() {}

  static final int WW = 1;
  static final int WR = 2;
  static final int RW = 4;
  static final int PROCESS = 8;
  static final int REALTIME = 16;

  static final int DATA = WW | WR | RW;
  static final int ORDER = PROCESS | REALTIME;

  /** Elle's short names, for data and prose. */
  static String name(int rel) {
    switch (rel) {
      case WW:
        return "ww";
      case WR:
        return "wr";
      case RW:
        return "rw";
      case PROCESS:
        return "process";
      case REALTIME:
        return "realtime";
      default:
        throw new IllegalArgumentException("not a single relationship: " + rel);
    }
  }

  /** A set of relationships as Elle prints a subgraph: [:union :ww :wr]. */
  static java.util.List<String> names(int rels) {
    java.util.List<String> out = new java.util.ArrayList<>();
    for (int r = 1; r <= REALTIME; r <<= 1) {
      if ((rels & r) != 0) {
        out.add(name(r));
      }
    }
    return out;
  }
}
