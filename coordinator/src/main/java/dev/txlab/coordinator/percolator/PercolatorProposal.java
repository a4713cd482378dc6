package dev.txlab.coordinator.percolator;

import dev.txlab.node.api.Address;
import dev.txlab.node.raft.Command;

/** A request as a shard's log carries it: the command and whom to answer. */
public record PercolatorProposal(Address replyTo, PercolatorCommand command) implements Command {}
