package dev.txlab.coordinator.crdb;

import dev.txlab.node.api.Address;
import dev.txlab.node.raft.Command;

/** A request as a range's log carries it: the command and whom to answer. */
public record CrdbProposal(Address replyTo, CrdbCommand command) implements Command {}
