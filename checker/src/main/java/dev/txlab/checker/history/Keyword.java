package dev.txlab.checker.history;

import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;

/**
 * An EDN keyword such as {@code :read}, held without its colon. Keywords are interned, so two
 * keywords with the same name are the same object and compare equal either way.
 */
public final class Keyword implements Comparable<Keyword> {
  private static final ConcurrentHashMap<String, Keyword> INTERNED = new ConcurrentHashMap<>();

  private final String name;

  private Keyword(String name) {
    this.name = name;
  }

  /** The keyword named {@code name} (without the leading colon). */
  public static Keyword of(String name) {
    Objects.requireNonNull(name, "name");
    if (name.startsWith(":")) {
      throw new IllegalArgumentException("keyword names are held without their colon: " + name);
    }
    return INTERNED.computeIfAbsent(name, Keyword::new);
  }

  public String name() {
    return name;
  }

  @Override
  public int compareTo(Keyword other) {
    return name.compareTo(other.name);
  }

  @Override
  public String toString() {
    return ":" + name;
  }
}
