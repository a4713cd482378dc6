package dev.txlab.scenarios.live;

/**
 * A live-cluster request that cannot be carried out as asked — no cluster in the directory, one
 * already running, an unknown node, a node that did not come up in time — with a message for the
 * person who asked. The command line prints it and exits with status 2.
 */
public final class LiveException extends Exception {
  private static final long serialVersionUID = 1L;

  public LiveException(String message) {
    super(message);
  }

  public LiveException(String message, Throwable cause) {
    super(message, cause);
  }
}
