package dev.txlab.checker.history;

import java.util.AbstractList;
import java.util.RandomAccess;

/**
 * An immutable list over an exactly sized array: the value model's EDN vectors and lists. Half the
 * objects of an {@code ArrayList} wrapped in an unmodifiable view, which matters when a history
 * holds millions of micro-ops. Allows {@code nil} elements (unlike {@code List.of}).
 */
final class ArrayValueList extends AbstractList<Object> implements RandomAccess {
  static final ArrayValueList EMPTY = new ArrayValueList(new Object[0]);

  private final Object[] items;

  /** Takes ownership of {@code items}: the caller must not change it afterwards. */
  ArrayValueList(Object[] items) {
    this.items = items;
  }

  @Override
  public Object get(int index) {
    return items[index];
  }

  @Override
  public int size() {
    return items.length;
  }
}
