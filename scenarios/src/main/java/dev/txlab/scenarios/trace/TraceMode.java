package dev.txlab.scenarios.trace;

import java.util.Locale;

/**
 * How much of a simulated run's trace its directory keeps ({@code txlab run --trace}). Whatever is
 * kept, the digest the run prints ({@code trace sha256}) is over every event: the file is for
 * reading, the digest is the run's fingerprint.
 */
public enum TraceMode {
  /**
   * Every event, compressed: the digest can be recomputed from the file ({@code "t at what"} per
   * line, each ended by a newline).
   */
  FULL,
  /**
   * What the report draws and a reader of the run needs to follow it: every message delivered or
   * lost (with its send time and transaction), every fault, process start and nemesis action — but
   * no timers, disk-sync completions or process log lines ({@link #keeps}).
   */
  SUMMARY,
  /** No trace file; the report says its message diagram is unavailable. */
  OFF;

  /** The mode named {@code text} ({@code full}, {@code summary} or {@code off}). */
  public static TraceMode parse(String text) {
    for (TraceMode m : values()) {
      if (m.text().equals(text)) {
        return m;
      }
    }
    throw new IllegalArgumentException("--trace must be full, summary or off, not '" + text + "'");
  }

  /** The mode as {@code --trace} spells it. */
  public String text() {
    return name().toLowerCase(Locale.ROOT);
  }

  /**
   * Whether a line whose event is {@code what} is written: everything in {@link #FULL}; in {@link
   * #SUMMARY}, all but timers ({@code timer …}), sync completions ({@code synced}) and a process's
   * own log lines ({@code log …}), none of which the report draws; nothing in {@link #OFF}.
   */
  public boolean keeps(String what) {
    return switch (this) {
      case FULL -> true;
      case OFF -> false;
      case SUMMARY ->
          !(what.startsWith("timer") || what.equals("synced") || what.startsWith("log "));
    };
  }
}
