package dev.txlab.scenarios.run;

import dev.txlab.chaos.fault.Durations;
import dev.txlab.chaos.fault.FaultSyntaxException;
import dev.txlab.node.sim.Latency;
import dev.txlab.node.time.EpsilonModel;

/**
 * The text forms of a link's latency and of TrueTime's ε model in scenario scripts:
 *
 * <ul>
 *   <li>{@code 1ms} constant; {@code 0.5ms..1.5ms} uniform; {@code 1ms±0.3ms} (or {@code +-})
 *       jitter around a base; {@code exponential 1ms} (mean) or {@code exponential 1ms from 0.2ms}
 *       (a floor plus an exponential tail);
 *   <li>ε: {@code sawtooth} (Spanner's 1→7 ms over 30 s), {@code sawtooth 1ms..7ms/30s}, or a
 *       constant {@code 5ms}.
 * </ul>
 */
final class LatencyText {
  private LatencyText() {}

  static Latency parse(String text) {
    String t = text.strip();
    try {
      if (t.startsWith("exponential ")) {
        String rest = t.substring("exponential ".length()).strip();
        String[] parts = rest.split("\\s+from\\s+");
        long mean = Durations.parse(parts[0].strip());
        long min = parts.length > 1 ? Durations.parse(parts[1].strip()) : 0;
        if (mean <= 0) {
          throw new IllegalArgumentException("an exponential latency needs a mean above zero");
        }
        return new Latency.Exponential(min, mean);
      }
      if (t.contains("..")) {
        String[] parts = t.split("\\.\\.", 2);
        long lo = Durations.parse(parts[0].strip());
        long hi = Durations.parse(parts[1].strip());
        if (hi < lo) {
          throw new IllegalArgumentException("'" + text + "': the upper bound is below the lower");
        }
        return new Latency.Uniform(lo, hi);
      }
      String normalized = t.replace("+-", "±");
      if (normalized.contains("±")) {
        String[] parts = normalized.split("±", 2);
        return new Latency.Jitter(
            Durations.parse(parts[0].strip()), Durations.parse(parts[1].strip()));
      }
      return new Latency.Constant(Durations.parse(t));
    } catch (FaultSyntaxException e) {
      throw new IllegalArgumentException(
          "'"
              + text
              + "' is not a latency (expected 1ms, 0.5ms..1.5ms, 1ms±0.3ms or exponential 1ms): "
              + e.problem());
    }
  }

  static EpsilonModel epsilon(String text) {
    String t = text.strip();
    try {
      if (t.equals("sawtooth")) {
        return EpsilonModel.Sawtooth.spanner();
      }
      if (t.startsWith("sawtooth ")) {
        String spec = t.substring("sawtooth ".length()).strip();
        String[] range = spec.split("/", 2);
        String[] bounds = range[0].split("\\.\\.", 2);
        if (range.length != 2 || bounds.length != 2) {
          throw new IllegalArgumentException(
              "expected sawtooth MIN..MAX/PERIOD, e.g. sawtooth 1ms..7ms/30s");
        }
        return new EpsilonModel.Sawtooth(
            Durations.parse(bounds[0].strip()),
            Durations.parse(bounds[1].strip()),
            Durations.parse(range[1].strip()));
      }
      return new EpsilonModel.Constant(Durations.parse(t));
    } catch (FaultSyntaxException e) {
      throw new IllegalArgumentException(
          "'"
              + text
              + "' is not an ε model (expected sawtooth, sawtooth 1ms..7ms/30s, or a constant like 5ms): "
              + e.problem());
    }
  }
}
