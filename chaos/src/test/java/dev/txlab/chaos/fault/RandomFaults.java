package dev.txlab.chaos.fault;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.SplittableRandom;

/**
 * Seeded random faults of every kind, for property tests: any value the constructors accept,
 * including awkward durations (odd nanoseconds, whole hours) and long node lists.
 */
final class RandomFaults {
  private RandomFaults() {}

  static final int KINDS = 23;

  static Fault next(SplittableRandom random) {
    switch (random.nextInt(KINDS)) {
      case 0:
        return new Fault.Partition(groups(random, 1 + random.nextInt(4)));
      case 1:
        return new Fault.PartitionHalves();
      case 2:
        return random.nextBoolean()
            ? Fault.PartitionMajorityRing.random()
            : new Fault.PartitionMajorityRing(distinctNodes(random, 3 + random.nextInt(5)));
      case 3:
        return random.nextBoolean()
            ? Fault.PartitionBridge.random()
            : new Fault.PartitionBridge(groups(random, 3));
      case 4:
        {
          List<Link> links = new ArrayList<>();
          int count = 1 + random.nextInt(4);
          while (links.size() < count) {
            List<String> pair = distinctNodes(random, 2);
            Link link = new Link(pair.get(0), pair.get(1));
            if (!links.contains(link)) {
              links.add(link);
            }
          }
          return new Fault.PartitionOneWay(links);
        }
      case 5:
        return new Fault.Isolate(target(random));
      case 6:
        return new Fault.Heal();
      case 7:
        return random.nextInt(4) == 0
            ? new Fault.Kill(
                Target.coordinator(),
                Optional.of(
                    Fault.TxnPhase.values()[random.nextInt(Fault.TxnPhase.values().length)]))
            : new Fault.Kill(target(random));
      case 8:
        return new Fault.Restart(target(random));
      case 9:
        return new Fault.Pause(target(random));
      case 10:
        return new Fault.Resume(target(random));
      case 11:
        return new Fault.ClockSkew(
            target(random), duration(random) * (random.nextBoolean() ? 1 : -1));
      case 12:
        return new Fault.ClockDrift(
            target(random),
            random.nextLong(-Fault.ClockDrift.DRIFT_PPM_MAX, Fault.ClockDrift.DRIFT_PPM_MAX + 1));
      case 13:
        return new Fault.ClockStrobe(target(random), 1 + duration(random), 1 + duration(random));
      case 14:
        return new Fault.TrueTimeViolation(
            target(random), (1 + duration(random)) * (random.nextBoolean() ? 1 : -1));
      case 15:
        return new Fault.ClockReset(target(random));
      case 16:
        {
          long mean = duration(random);
          long jitter = random.nextBoolean() ? 0 : random.nextLong(mean + 1);
          return new Fault.Delay(mean, jitter);
        }
      case 17:
        return new Fault.Loss(percent(random));
      case 18:
        return new Fault.Duplicate(percent(random));
      case 19:
        return new Fault.Reorder(percent(random));
      case 20:
        return new Fault.NetReset();
      case 21:
        return new Fault.DisconnectClients(target(random));
      case 22:
        return new Fault.Phase(1 + random.nextInt(12), random.nextBoolean());
      default:
        throw new IllegalStateException("unhandled kind");
    }
  }

  static Target target(SplittableRandom random) {
    switch (random.nextInt(4)) {
      case 0:
        return new Target.Nodes(distinctNodes(random, 1 + random.nextInt(4)));
      case 1:
        return new Target.LeaderOf(
            random.nextBoolean() ? "shard-" + random.nextInt(1, 20) : "s" + random.nextInt(9));
      default:
        Target.RoleKind[] kinds = Target.RoleKind.values();
        return new Target.Role(kinds[random.nextInt(kinds.length)]);
    }
  }

  /** Durations that exercise every printing unit: whole hours down to odd nanoseconds. */
  static long duration(SplittableRandom random) {
    long[] units = {
      1,
      Durations.NANOS_PER_MICRO,
      Durations.NANOS_PER_MILLI,
      Durations.NANOS_PER_SECOND,
      Durations.NANOS_PER_MINUTE,
      Durations.NANOS_PER_HOUR,
      100_000_000L,
      250_000L
    };
    return random.nextLong(0, 5_000) * units[random.nextInt(units.length)]
        + (random.nextInt(8) == 0 ? random.nextInt(1000) : 0);
  }

  static Percent percent(SplittableRandom random) {
    int[] choices = {0, 1, 50, 500, 2000, 10_000, random.nextInt(Percent.BASIS_POINTS_MAX + 1)};
    return new Percent(choices[random.nextInt(choices.length)]);
  }

  static List<String> distinctNodes(SplittableRandom random, int count) {
    List<String> names = new ArrayList<>();
    while (names.size() < count) {
      String name =
          random.nextInt(5) == 0
              ? "db-" + random.nextInt(30) + ".west"
              : "n" + random.nextInt(1, 40);
      if (!names.contains(name)) {
        names.add(name);
      }
    }
    return names;
  }

  static List<List<String>> groups(SplittableRandom random, int count) {
    List<String> names = distinctNodes(random, count + random.nextInt(5));
    List<List<String>> groups = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      groups.add(new ArrayList<>(List.of(names.get(i))));
    }
    for (int i = count; i < names.size(); i++) {
      groups.get(random.nextInt(count)).add(names.get(i));
    }
    return groups;
  }
}
