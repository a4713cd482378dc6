package dev.txlab.chaos.schedule;

import dev.txlab.chaos.fault.ClusterView;
import dev.txlab.chaos.fault.FaultSyntaxException;
import java.util.Optional;

/**
 * One line of a fault schedule, as written in a scenario's {@code faults:} list or given to {@code
 * txlab run --fault}: either a timed fault ({@link ScheduleEntry}: {@code at 5s kill n3}, {@code
 * every 10s for 3s isolate leader:shard-1}) or a random generator ({@link RandomNemesis}: {@code
 * random combined every ~10s for ~5s}). Each has one text form, printed by {@link #text()} and read
 * by {@link #parse(String)}.
 */
public sealed interface ScheduleLine permits ScheduleEntry, RandomNemesis {

  /** The canonical text. */
  String text();

  /**
   * What keeps this line from running on {@code view}, if anything: a node or shard it names that
   * the cluster lacks, or too few nodes for its shape. Checked before a run, so a scenario with a
   * typo in a node name is refused with the line named rather than failing halfway.
   */
  Optional<String> problemWith(ClusterView view);

  /**
   * Reads one line.
   *
   * @throws FaultSyntaxException naming the column and token, against the whole line
   */
  static ScheduleLine parse(String text) throws FaultSyntaxException {
    String first = text.strip().split("\\s+", 2)[0];
    if (first.equals(RandomNemesis.KEYWORD)) {
      return RandomNemesis.parse(text);
    }
    return ScheduleEntry.parse(text);
  }
}
