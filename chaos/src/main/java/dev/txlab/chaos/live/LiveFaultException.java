package dev.txlab.chaos.live;

/**
 * A live node could not be made to take a fault: it did not answer, refused, or its process could
 * not be signalled.
 */
public final class LiveFaultException extends Exception {
  public LiveFaultException(String message) {
    super(message);
  }

  public LiveFaultException(String message, Throwable cause) {
    super(message, cause);
  }
}
