package dev.txlab.checker.txn;

import java.util.Map;

/**
 * One occurrence of an anomaly: its Elle type name and the facts that show it, as data (field names
 * follow Elle's: {@code op}, {@code mop}, {@code writer}, {@code element}, {@code key}, {@code
 * values}, {@code txns} …). Values may be {@link Txn}s and {@link Mop}s, which the renderers print
 * as operations and micro-ops. A cycle anomaly carries its {@link Cycle} instead of fields.
 */
record AnomalyCase(String type, Map<String, Object> data, Cycle cycle) {

  static AnomalyCase of(String type, Object... kv) {
    java.util.LinkedHashMap<String, Object> m = new java.util.LinkedHashMap<>();
    for (int i = 0; i < kv.length; i += 2) {
      m.put((String) kv[i], kv[i + 1]);
    }
    return new AnomalyCase(type, java.util.Collections.unmodifiableMap(m), null);
  }

  static AnomalyCase of(Cycle c) {
    return new AnomalyCase(c.type(), Map.of(), c);
  }
}
