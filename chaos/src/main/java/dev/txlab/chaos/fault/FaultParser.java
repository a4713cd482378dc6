package dev.txlab.chaos.fault;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * Reads one fault from its text, character by character, so that every error can name the column
 * and the token it is about. The grammar is small enough for recursive descent without a separate
 * lexer:
 *
 * <pre>
 * fault     = "partition" partition | "isolate" target | "heal" | "net-reset"
 *           | "kill" target ["after" phase]
 *           | ("restart" | "pause" | "resume" | "clock-reset" | "disconnect-clients") target
 *           | "clock-skew" target signed-duration | "clock-drift" target ppm
 *           | "clock-strobe" target duration "/" duration
 *           | "truetime-violation" target [sign] duration
 *           | "delay" duration [("±" | "+-") duration]
 *           | ("loss" | "duplicate" | "reorder") percent
 *           | ["rollback"] "phase" number          (a migration's operator step)
 * partition = groups | "halves" | "majority-ring" [names] | "bridge" [groups]
 *           | "one-way" link ("," link)*
 * groups    = names ("|" names)*
 * names     = name ("," name)*
 * link      = name "->" name
 * target    = names | "leader:" shard | "coordinator" | "minority" | "majority"
 *           | "random" | "all"
 * </pre>
 *
 * Spaces may appear around {@code ,}, {@code |}, {@code ±} and between words.
 */
final class FaultParser {
  static final List<String> KEYWORDS =
      List.of(
          "partition",
          "isolate",
          "heal",
          "kill",
          "restart",
          "pause",
          "resume",
          "disconnect-clients",
          "clock-skew",
          "clock-drift",
          "clock-strobe",
          "truetime-violation",
          "clock-reset",
          "delay",
          "loss",
          "duplicate",
          "reorder",
          "net-reset",
          "phase",
          "rollback");

  private static final String TARGETS =
      "a node like n3, nodes like n1,n2, leader:shard-1, coordinator, minority, majority,"
          + " random or all";

  private final String text;
  private int pos;

  FaultParser(String text) {
    this.text = text;
  }

  Fault parseFault() throws FaultSyntaxException {
    skipSpaces();
    if (atEnd()) {
      throw error(pos, "empty fault; expected one of " + String.join(", ", KEYWORDS));
    }
    int keywordStart = pos;
    String keyword = token();
    Fault fault = parseAfterKeyword(keyword, keywordStart);
    skipSpaces();
    if (!atEnd()) {
      int extraStart = pos;
      throw error(
          extraStart,
          "unexpected '" + token() + "' after '" + fault.text() + "'; the fault ends there");
    }
    return fault;
  }

  private Fault parseAfterKeyword(String keyword, int keywordStart) throws FaultSyntaxException {
    switch (keyword) {
      case "partition":
        return partition();
      case "isolate":
        return new Fault.Isolate(target(keyword));
      case "heal":
        return new Fault.Heal();
      case "net-reset":
        return new Fault.NetReset();
      case "phase":
        return phase(false);
      case "rollback":
        {
          skipSpaces();
          int wordStart = pos;
          String word = token();
          if (!word.equals("phase")) {
            throw error(
                wordStart,
                "expected 'phase' after 'rollback' (as in 'rollback phase 2'), found "
                    + (word.isEmpty() ? "the end of the text" : "'" + word + "'"));
          }
          return phase(true);
        }
      case "kill":
        return kill();
      case "restart":
        return new Fault.Restart(target(keyword));
      case "pause":
        return new Fault.Pause(target(keyword));
      case "resume":
        return new Fault.Resume(target(keyword));
      case "disconnect-clients":
        return new Fault.DisconnectClients(target(keyword));
      case "clock-reset":
        return new Fault.ClockReset(target(keyword));
      case "clock-skew":
        return clockSkew();
      case "clock-drift":
        return clockDrift();
      case "clock-strobe":
        return clockStrobe();
      case "truetime-violation":
        return trueTimeViolation();
      case "delay":
        return delay();
      case "loss":
        return new Fault.Loss(percent(keyword));
      case "duplicate":
        return new Fault.Duplicate(percent(keyword));
      case "reorder":
        return new Fault.Reorder(percent(keyword));
      default:
        if (KEYWORDS.contains(keyword.toLowerCase(Locale.ROOT))) {
          throw error(
              keywordStart,
              "unknown fault '"
                  + keyword
                  + "'; fault words are lower case: did you mean '"
                  + keyword.toLowerCase(Locale.ROOT)
                  + "'?");
        }
        throw error(
            keywordStart,
            "unknown fault '" + keyword + "'; expected one of " + String.join(", ", KEYWORDS));
    }
  }

  // ---- partitions -------------------------------------------------------------------------

  private Fault partition() throws FaultSyntaxException {
    skipSpaces();
    int start = pos;
    String shape = peekWord();
    if (atEnd()) {
      throw error(
          start,
          "expected node groups like n1,n2|n3,n4,n5, or halves, majority-ring, bridge or"
              + " one-way after 'partition'");
    }
    switch (shape) {
      case "halves":
        pos += shape.length();
        return new Fault.PartitionHalves();
      case "majority-ring":
        pos += shape.length();
        return majorityRing();
      case "bridge":
        pos += shape.length();
        return bridge();
      case "one-way":
        pos += shape.length();
        return oneWay();
      default:
        return new Fault.Partition(groups("'partition'", new HashSet<>()));
    }
  }

  private Fault majorityRing() throws FaultSyntaxException {
    skipSpaces();
    if (atEnd()) {
      return Fault.PartitionMajorityRing.random();
    }
    int start = pos;
    List<String> ring = names("'majority-ring'", new HashSet<>());
    if (ring.size() < 3) {
      throw error(start, "a ring lists at least three nodes, got " + ring.size());
    }
    return new Fault.PartitionMajorityRing(ring);
  }

  private Fault bridge() throws FaultSyntaxException {
    skipSpaces();
    if (atEnd()) {
      return Fault.PartitionBridge.random();
    }
    int start = pos;
    List<List<String>> sides = groups("'bridge'", new HashSet<>());
    if (sides.size() != 3) {
      throw error(
          start,
          "a bridge is written left|bridge|right, like n1,n2|n3|n4,n5; got "
              + sides.size()
              + (sides.size() == 1 ? " group" : " groups"));
    }
    return new Fault.PartitionBridge(sides);
  }

  private Fault oneWay() throws FaultSyntaxException {
    List<Link> links = new ArrayList<>();
    String after = "'one-way'";
    while (true) {
      skipSpaces();
      int start = pos;
      String from = name(after, null);
      skipSpaces();
      if (!text.startsWith("->", pos)) {
        throw error(
            pos,
            "expected '->' after '"
                + from
                + "' in a one-way link like n1->n2, got "
                + describeHere());
      }
      pos += 2;
      String to = name("'->'", null);
      if (from.equals(to)) {
        throw error(start, "a link joins two different nodes, got '" + from + "->" + to + "'");
      }
      Link link = new Link(from, to);
      if (links.contains(link)) {
        throw error(start, "link '" + link.text() + "' appears twice");
      }
      links.add(link);
      skipSpaces();
      if (!atEnd() && text.charAt(pos) == ',') {
        pos++;
        after = "','";
        continue;
      }
      return new Fault.PartitionOneWay(links);
    }
  }

  /** Groups separated by {@code |}; {@code seen} collects names to catch repeats. */
  private List<List<String>> groups(String after, Set<String> seen) throws FaultSyntaxException {
    List<List<String>> groups = new ArrayList<>();
    groups.add(names(after, seen));
    while (true) {
      skipSpaces();
      if (atEnd() || text.charAt(pos) != '|') {
        return groups;
      }
      pos++;
      groups.add(names("'|'", seen));
    }
  }

  /** Names separated by {@code ,}. */
  private List<String> names(String after, Set<String> seen) throws FaultSyntaxException {
    List<String> names = new ArrayList<>();
    names.add(name(after, seen));
    while (true) {
      int beforeSpaces = pos;
      skipSpaces();
      if (atEnd() || text.charAt(pos) != ',') {
        pos = beforeSpaces;
        return names;
      }
      pos++;
      names.add(name("','", seen));
    }
  }

  /**
   * One node name. A name ends at a space, {@code ,}, {@code |} or {@code ->}. Repeats are refused
   * when {@code seen} is given.
   */
  private String name(String after, Set<String> seen) throws FaultSyntaxException {
    skipSpaces();
    int start = pos;
    while (!atEnd()) {
      char c = text.charAt(pos);
      if (Character.isWhitespace(c) || c == ',' || c == '|' || text.startsWith("->", pos)) {
        break;
      }
      pos++;
    }
    String name = text.substring(start, pos);
    if (name.isEmpty()) {
      throw error(start, "expected a node name like n3 after " + after + ", got " + describeHere());
    }
    if (Target.RoleKind.fromText(name) != null || name.startsWith("leader:")) {
      throw error(
          start, "'" + name + "' is a role, not a node name; only node names can be listed here");
    }
    if (Names.RESERVED.contains(name)) {
      throw error(start, "'" + name + "' is a reserved word, not a node name");
    }
    if (!Names.isNodeName(name)) {
      throw error(start, "expected a node name like n3, got '" + name + "'");
    }
    if (seen != null && !seen.add(name)) {
      throw error(start, "node '" + name + "' appears twice");
    }
    return name;
  }

  // ---- targets ----------------------------------------------------------------------------

  private Target target(String after) throws FaultSyntaxException {
    skipSpaces();
    int start = pos;
    String word = peekWord();
    if (word.isEmpty()) {
      throw error(start, "expected a target after '" + after + "': " + TARGETS);
    }
    if (word.startsWith("leader:")) {
      pos += word.length();
      String shard = word.substring("leader:".length());
      if (!Names.isShardName(shard)) {
        throw error(
            start + "leader:".length(),
            "expected a shard name like shard-1 after 'leader:', got '" + shard + "'");
      }
      return new Target.LeaderOf(shard);
    }
    Target.RoleKind role = Target.RoleKind.fromText(word);
    if (role != null) {
      pos += word.length();
      return new Target.Role(role);
    }
    if (!Names.isNodeName(word) && !Names.RESERVED.contains(word)) {
      throw error(
          start, "expected a target after '" + after + "': " + TARGETS + "; got '" + word + "'");
    }
    return new Target.Nodes(names("'" + after + "'", new HashSet<>()));
  }

  // ---- process faults ---------------------------------------------------------------------

  private Fault kill() throws FaultSyntaxException {
    Target target = target("kill");
    skipSpaces();
    int start = pos;
    if (!peekWord().equals("after")) {
      return new Fault.Kill(target);
    }
    pos += "after".length();
    skipSpaces();
    int phaseStart = pos;
    String phaseWord = token();
    if (phaseWord.isEmpty()) {
      throw error(phaseStart, "expected a phase after 'after': prepare or decide");
    }
    Fault.TxnPhase phase = null;
    for (Fault.TxnPhase candidate : Fault.TxnPhase.values()) {
      if (candidate.text().equals(phaseWord)) {
        phase = candidate;
      }
    }
    if (phase == null) {
      throw error(phaseStart, "unknown phase '" + phaseWord + "'; expected prepare or decide");
    }
    if (!target.equals(Target.coordinator())) {
      throw error(
          start,
          "'after "
              + phaseWord
              + "' applies only to 'kill coordinator', not to 'kill "
              + target.text()
              + "'");
    }
    return new Fault.Kill(target, Optional.of(phase));
  }

  // ---- clock faults -----------------------------------------------------------------------

  private Fault clockSkew() throws FaultSyntaxException {
    Target target = target("clock-skew");
    int start = quantityStart("a signed duration like +40ms", "clock-skew " + target.text());
    String token = token();
    try {
      return new Fault.ClockSkew(target, Durations.parseSigned(token));
    } catch (FaultSyntaxException e) {
      throw e.within(text, start);
    }
  }

  private Fault clockDrift() throws FaultSyntaxException {
    Target target = target("clock-drift");
    int start = quantityStart("a drift like 200ppm", "clock-drift " + target.text());
    String token = token();
    if (!token.matches("[+-]?[0-9]{1,18}ppm")) {
      throw error(start, "expected a drift like 200ppm or -200ppm, got '" + token + "'");
    }
    long ppm = Long.parseLong(token.substring(0, token.length() - "ppm".length()));
    if (Math.abs(ppm) > Fault.ClockDrift.DRIFT_PPM_MAX) {
      throw error(
          start,
          "drift '"
              + token
              + "' is out of range; a clock must still move forward, so"
              + " it stays within ±"
              + Fault.ClockDrift.DRIFT_PPM_MAX
              + "ppm");
    }
    return new Fault.ClockDrift(target, ppm);
  }

  private Fault clockStrobe() throws FaultSyntaxException {
    Target target = target("clock-strobe");
    String expected = "an amplitude/period like 4ms/10ms";
    int start = quantityStart(expected, "clock-strobe " + target.text());
    String token = token();
    int slash = token.indexOf('/');
    if (slash < 0) {
      throw error(start, "expected " + expected + ", got '" + token + "'");
    }
    long amplitudeNanos = duration(token.substring(0, slash), start);
    long periodNanos = duration(token.substring(slash + 1), start + slash + 1);
    if (amplitudeNanos == 0) {
      throw error(start, "a strobe's amplitude must be positive, got '" + token + "'");
    }
    if (periodNanos == 0) {
      throw error(start + slash + 1, "a strobe's period must be positive, got '" + token + "'");
    }
    return new Fault.ClockStrobe(target, amplitudeNanos, periodNanos);
  }

  private Fault trueTimeViolation() throws FaultSyntaxException {
    Target target = target("truetime-violation");
    int start =
        quantityStart("a duration beyond ε like 15ms", "truetime-violation " + target.text());
    String token = token();
    long beyondNanos;
    try {
      beyondNanos = Durations.parseOptionallySigned(token);
    } catch (FaultSyntaxException e) {
      throw e.within(text, start);
    }
    if (beyondNanos == 0) {
      throw error(
          start, "'" + token + "' does not go beyond ε; expected a non-zero duration like 15ms");
    }
    return new Fault.TrueTimeViolation(target, beyondNanos);
  }

  // ---- link faults ------------------------------------------------------------------------

  private Fault delay() throws FaultSyntaxException {
    int start = quantityStart("a delay like 50ms or 50ms±10ms", "delay");
    // The mean ends where a space or the jitter's ± (or +-) begins.
    while (!atEnd()
        && !Character.isWhitespace(text.charAt(pos))
        && text.charAt(pos) != '±'
        && text.charAt(pos) != '+') {
      pos++;
    }
    if (pos == start) {
      throw error(start, "expected a delay like 50ms or 50ms±10ms, got " + describeHere());
    }
    long meanNanos = duration(text.substring(start, pos), start);
    int afterMean = pos;
    skipSpaces();
    long jitterNanos = 0;
    if (text.startsWith("±", pos) || text.startsWith("+-", pos)) {
      pos += text.startsWith("±", pos) ? 1 : 2;
      skipSpaces();
      int jitterStart = pos;
      String jitter = token();
      if (jitter.isEmpty()) {
        throw error(jitterStart, "expected a jitter like 10ms after '±'");
      }
      jitterNanos = duration(jitter, jitterStart);
      if (jitterNanos > meanNanos) {
        throw error(
            jitterStart,
            "jitter "
                + Durations.text(jitterNanos)
                + " exceeds the mean "
                + Durations.text(meanNanos)
                + "; a delay cannot be negative");
      }
    } else {
      pos = afterMean;
    }
    return new Fault.Delay(meanNanos, jitterNanos);
  }

  private Percent percent(String keyword) throws FaultSyntaxException {
    int start = quantityStart("a percentage like 20%", keyword);
    String token = token();
    try {
      return Percent.parse(token);
    } catch (FaultSyntaxException e) {
      throw e.within(text, start);
    }
  }

  // ---- lexical helpers --------------------------------------------------------------------

  /** Skips to the next token, which must exist; returns where it starts. */
  private int quantityStart(String expected, String after) throws FaultSyntaxException {
    skipSpaces();
    if (atEnd()) {
      throw error(pos, "expected " + expected + " after '" + after + "'");
    }
    return pos;
  }

  private long duration(String token, int start) throws FaultSyntaxException {
    try {
      return Durations.parse(token);
    } catch (FaultSyntaxException e) {
      throw e.within(text, start);
    }
  }

  /** The phase number after {@code phase}: a whole number from 1. */
  private Fault phase(boolean rollback) throws FaultSyntaxException {
    skipSpaces();
    int start = pos;
    String number = token();
    if (!number.matches("[1-9][0-9]{0,3}")) {
      throw error(
          start,
          "expected a phase number from 1 (as in 'phase 2'), found "
              + (number.isEmpty() ? "the end of the text" : "'" + number + "'"));
    }
    return new Fault.Phase(Integer.parseInt(number), rollback);
  }

  private void skipSpaces() {
    while (!atEnd() && Character.isWhitespace(text.charAt(pos))) {
      pos++;
    }
  }

  private boolean atEnd() {
    return pos >= text.length();
  }

  /** Reads the run of non-space characters at the cursor. */
  private String token() {
    int start = pos;
    while (!atEnd() && !Character.isWhitespace(text.charAt(pos))) {
      pos++;
    }
    return text.substring(start, pos);
  }

  /** The word at the cursor, ending at a space, {@code ,} or {@code |}, without consuming it. */
  private String peekWord() {
    int end = pos;
    while (end < text.length()) {
      char c = text.charAt(end);
      if (Character.isWhitespace(c) || c == ',' || c == '|') {
        break;
      }
      end++;
    }
    return text.substring(pos, end);
  }

  private String describeHere() {
    if (atEnd()) {
      return "the end of the text";
    }
    char here = text.charAt(pos);
    if (here == ',' || here == '|') {
      return "'" + here + "'";
    }
    int end = pos;
    while (end < text.length() && !Character.isWhitespace(text.charAt(end))) {
      end++;
    }
    return "'" + text.substring(pos, end) + "'";
  }

  private FaultSyntaxException error(int offset, String problem) {
    return new FaultSyntaxException(text, offset + 1, problem);
  }
}
