package dev.txlab.chaos.fault;

import java.util.List;

/**
 * The fault vocabulary as a reader meets it: one example per form with what it does, in the order
 * {@code txlab chaos --help} and the documentation list them. A test parses every example, so help
 * text cannot drift from the parser.
 */
public final class FaultForms {
  private FaultForms() {}

  /** One form: a canonical example and a one-line description. */
  public record Form(String example, String description) {}

  public static final List<Form> ALL =
      List.of(
          new Form(
              "partition n1,n2|n3,n4,n5",
              "cut links between groups; unlisted nodes form one more group"),
          new Form("partition halves", "cut the cluster into two random halves"),
          new Form("partition majority-ring", "each node sees a majority, no two the same one"),
          new Form("partition bridge", "two halves that reach each other only through one node"),
          new Form("partition one-way n1->n2", "drop messages from n1 to n2 only"),
          new Form("isolate leader:shard-1", "cut a node (here: shard-1's leader) off from all"),
          new Form("heal", "reconnect every cut link"),
          new Form("kill n3", "crash a node; unsynced writes are lost"),
          new Form(
              "kill coordinator after prepare",
              "crash the coordinator once a transaction has prepared"),
          new Form("restart n3", "start a crashed node again from its storage"),
          new Form("pause n2", "freeze a node (SIGSTOP) without losing its state"),
          new Form("resume n2", "let a paused node go on"),
          new Form(
              "disconnect-clients n1",
              "close every client connection to a server (PostgreSQL: pg_terminate_backend)"),
          new Form("clock-skew n3 +40ms", "set a node's clock ahead (+) or behind (-) true time"),
          new Form("clock-drift n2 200ppm", "make a node's clock run fast (or, negative, slow)"),
          new Form(
              "clock-strobe n1 4ms/10ms", "make a clock jump back and forth: amplitude/period"),
          new Form("truetime-violation n4 15ms", "push a clock beyond its TrueTime ε by this much"),
          new Form("clock-reset n3", "put a node's clock back to true time"),
          new Form("delay 50ms±10ms", "delay every message by mean ± jitter (also written +-)"),
          new Form("loss 20%", "drop each message with this probability"),
          new Form("duplicate 10%", "deliver each message twice with this probability"),
          new Form("reorder 5%", "let later messages overtake each message with this probability"),
          new Form("net-reset", "turn delay, loss, duplication and reordering off"),
          new Form("phase 2", "a migration moves key range 2 to the new store (operator step)"),
          new Form("rollback phase 2", "a migration moves key range 2 back to the old store"));

  /**
   * Targets: {@code n3}, {@code n1,n3}, {@code leader:shard-1}, {@code coordinator}, {@code
   * minority}, {@code majority}, {@code random}, {@code all}.
   */
  public static final String TARGETS =
      "n3 | n1,n3 | leader:shard-1 | coordinator | minority | majority | random | all";

  /** The forms as aligned lines, for help output. */
  public static String help() {
    int width = 0;
    for (Form form : ALL) {
      width = Math.max(width, form.example().length());
    }
    StringBuilder sb = new StringBuilder();
    for (Form form : ALL) {
      sb.append("  ").append(form.example());
      sb.append(" ".repeat(width - form.example().length() + 2));
      sb.append(form.description()).append('\n');
    }
    sb.append("targets: ").append(TARGETS).append('\n');
    return sb.toString();
  }
}
