package dev.txlab.coordinator.percolator;

import dev.txlab.node.raft.Command;

/**
 * What the timestamp oracle's Raft group replicates: only its high-water mark, the physical time
 * below which its leaders may serve. Both commands carry the proposing leader's term (a leader acts
 * only on the outcome of its own) and the window, so every replica computes the same limit.
 */
public sealed interface TsoCommand extends Command {
  long term();

  /**
   * A new leader's first entry: the limit becomes {@code window} above the larger of the leader's
   * clock ({@code floorMs}) and the saved limit, and the leader serves from there.
   */
  record Reserve(long term, long floorMs, long windowMs) implements TsoCommand {}

  /**
   * A serving leader moves the limit to {@code window} above {@code fromMs}, before it gets there.
   */
  record Extend(long term, long fromMs, long windowMs) implements TsoCommand {}
}
