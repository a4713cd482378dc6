package dev.txlab.node.api;

/**
 * Builds a process for its environment. Called on first start and on every restart; a restarted
 * process gets a fresh {@link Env} over the same durable storage and must rebuild from it.
 */
@FunctionalInterface
public interface ProcessFactory {
  Process create(Env env);
}
