package dev.txlab.coordinator.saga;

import dev.txlab.node.api.Address;
import dev.txlab.node.raft.Command;

/** A local transaction as a service's log carries it: the command and whom to answer. */
public record ServiceProposal(Address replyTo, String requestId, ServiceCommand command)
    implements Command {}
