package dev.txlab.coordinator.protocol;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.ServiceLoader;

/**
 * Every protocol txlab knows. Protocols register themselves as {@link ServiceLoader} services
 * ({@code META-INF/services/dev.txlab.coordinator.protocol.Protocol}), so a new design — or a
 * test's toy — is added by its package and one line there, without touching this class or the
 * pipeline. Listed by name; names and aliases must not collide.
 */
public final class ProtocolRegistry {
  private ProtocolRegistry() {}

  /**
   * Every registered protocol, by name: found once, on txlab's own class path (a test's toy too).
   */
  public static List<Protocol> all() {
    return Found.ALL;
  }

  /** Found on first use; protocols are stateless, so one instance each serves every run. */
  private static final class Found {
    static final List<Protocol> ALL = load();
  }

  private static List<Protocol> load() {
    List<Protocol> out = new ArrayList<>();
    for (Protocol p : ServiceLoader.load(Protocol.class, ProtocolRegistry.class.getClassLoader())) {
      out.add(p);
    }
    out.sort(Comparator.comparing(Protocol::name));
    List<String> seen = new ArrayList<>();
    for (Protocol p : out) {
      List<String> names = new ArrayList<>(p.aliases());
      names.add(p.name());
      for (String n : names) {
        if (seen.contains(n)) {
          throw new IllegalStateException("two protocols are called '" + n + "'");
        }
        seen.add(n);
      }
    }
    return List.copyOf(out);
  }

  /** The protocol called {@code name} (or by one of its aliases). */
  public static Optional<Protocol> find(String name) {
    for (Protocol p : all()) {
      if (p.name().equals(name) || p.aliases().contains(name)) {
        return Optional.of(p);
      }
    }
    return Optional.empty();
  }

  /**
   * The protocol called {@code name}.
   *
   * @throws IllegalArgumentException listing the known protocols, with the closest name when one is
   *     near
   */
  public static Protocol get(String name) {
    return find(name).orElseThrow(() -> new IllegalArgumentException(unknown(name)));
  }

  /** The message for an unknown protocol name: the known ones, and a did-you-mean. */
  public static String unknown(String name) {
    List<String> names = names();
    String closest = null;
    int best = Integer.MAX_VALUE;
    for (String n : names) {
      int d = distance(name, n);
      if (d < best) {
        best = d;
        closest = n;
      }
    }
    boolean near = closest != null && best <= Math.max(2, name.length() / 3);
    return "unknown protocol '"
        + name
        + "'"
        + (near ? " (did you mean '" + closest + "'?)" : "")
        + "; known: "
        + String.join(", ", names);
  }

  /** The protocol a scenario that names none runs, for workloads of this kind. */
  public static Protocol defaultFor(Protocol.Serves serves) {
    for (Protocol p : all()) {
      if (p.serves() == serves && p.isDefault()) {
        return p;
      }
    }
    throw new IllegalStateException("no default protocol for " + serves);
  }

  /** Every name and alias. */
  public static List<String> names() {
    List<String> out = new ArrayList<>();
    for (Protocol p : all()) {
      out.add(p.name());
      out.addAll(p.aliases());
    }
    return out;
  }

  /** Levenshtein distance, for "did you mean". */
  static int distance(String a, String b) {
    int[] prev = new int[b.length() + 1];
    int[] cur = new int[b.length() + 1];
    for (int j = 0; j <= b.length(); j++) {
      prev[j] = j;
    }
    for (int i = 1; i <= a.length(); i++) {
      cur[0] = i;
      for (int j = 1; j <= b.length(); j++) {
        int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
        cur[j] = Math.min(Math.min(cur[j - 1] + 1, prev[j] + 1), prev[j - 1] + cost);
      }
      int[] t = prev;
      prev = cur;
      cur = t;
    }
    return prev[b.length()];
  }
}
