package dev.txlab.node.api;

/**
 * Marker for timer records. There is no cancel: a timer carries enough state (a term, an epoch, a
 * request id) for its process to recognise it as stale when it fires and ignore it.
 */
public interface Timer {}
