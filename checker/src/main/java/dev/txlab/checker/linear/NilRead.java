package dev.txlab.checker.linear;

/**
 * What an {@code ok} read that returned {@code nil} means. Knossos treats it as "unknown" (the
 * client did not learn the value), so it constrains nothing; txlab's own stores return {@code nil}
 * for an absent key, which is an observation ({@code ABSENT}).
 */
public enum NilRead {
  UNKNOWN,
  ABSENT
}
