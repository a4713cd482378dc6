package dev.txlab.coordinator.protocol;

import java.util.List;

/**
 * A condition under which a protocol no longer keeps one of its promises, declared by the protocol
 * as data (not written into the report): a knob setting ({@code commit-wait: off}, {@code
 * staleness} above zero, {@code reads: local}) or a kind of fault ({@code truetime-violation},
 * {@code clock-skew}). The report names, on every anomaly card, the weakenings in force during the
 * anomaly whose lost promise the anomaly breaks — the knobs and faults that can explain it.
 *
 * @param knob the knob's name, or empty for a fault's weakening
 * @param values the knob's values that weaken the promise; {@code >0} stands for any duration above
 *     zero, {@code <0} for any negative fraction
 * @param faults for a fault's weakening, the faults' first words ({@code clock-skew}), any of which
 *     weakens the promise while it is active
 * @param weakens the consistency model no longer promised ({@code strict-serializable})
 * @param why one sentence: how the setting or fault lets the anomaly happen
 * @param onlyWith knob settings without which it weakens nothing (raft-kv's clock faults matter
 *     only with {@code reads: lease}): each knob named must be at one of its listed values
 */
public record Weakening(
    String knob,
    List<String> values,
    List<String> faults,
    String weakens,
    String why,
    java.util.Map<String, List<String>> onlyWith) {
  public Weakening {
    values = List.copyOf(values);
    faults = List.copyOf(faults);
    onlyWith = java.util.Map.copyOf(onlyWith);
    if (knob.isEmpty() == faults.isEmpty() || knob.isEmpty() != values.isEmpty()) {
      throw new IllegalArgumentException("a weakening is a knob's values or a list of faults");
    }
    if (weakens.isEmpty() || why.isEmpty()) {
      throw new IllegalArgumentException("a weakening names the promise it weakens, and why");
    }
  }

  /** The knob {@code knob} at any of {@code values} weakens {@code weakens}. */
  public static Weakening knob(String knob, List<String> values, String weakens, String why) {
    return new Weakening(knob, values, List.of(), weakens, why, java.util.Map.of());
  }

  /** Any of {@code faults}, while active, weakens {@code weakens}. */
  public static Weakening faults(List<String> faults, String weakens, String why) {
    return new Weakening("", List.of(), faults, weakens, why, java.util.Map.of());
  }

  /** This weakening, only while {@code knob} is at one of {@code values}. */
  public Weakening onlyWith(String knob, List<String> values) {
    java.util.Map<String, List<String>> m = new java.util.TreeMap<>(onlyWith);
    m.put(knob, List.copyOf(values));
    return new Weakening(this.knob, this.values, faults, weakens, why, m);
  }

  /** Whether a run's knob settings meet {@link #onlyWith}. */
  public boolean applies(java.util.Map<String, String> settings) {
    for (java.util.Map.Entry<String, List<String>> e : onlyWith.entrySet()) {
      if (!e.getValue().contains(settings.get(e.getKey()))) {
        return false;
      }
    }
    return true;
  }

  /** Whether the knob's {@code value} (as the scenario wrote it) is one that weakens. */
  public boolean weakensAt(String value) {
    if (knob.isEmpty() || value == null) {
      return false;
    }
    if (values.contains(value)) {
      return true;
    }
    if (values.contains(">0") && value.matches("[0-9]+(ms|s)")) {
      return Long.parseLong(value.replaceAll("[^0-9]", "")) > 0;
    }
    if (values.contains("<0")) {
      try {
        return Double.parseDouble(value) < 0;
      } catch (NumberFormatException e) {
        return false;
      }
    }
    return false;
  }

  /** Whether a fault whose text is {@code faultText} is one of this weakening's faults. */
  public boolean weakenedBy(String faultText) {
    for (String f : faults) {
      if (faultText.equals(f) || faultText.startsWith(f + " ")) {
        return true;
      }
    }
    return false;
  }
}
