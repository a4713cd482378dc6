package dev.txlab.node.api;

/**
 * Marker for everything a process sends. Each protocol declares one sealed interface extending this
 * one, with its messages as nested records ({@code RaftMessage}, {@code KvMessage}). Records hold
 * immutable data only ({@code List.copyOf}, no arrays), so a host may deliver the same instance
 * twice (duplication) or to several receivers without copying.
 */
public interface Message {}
