package dev.txlab.coordinator.txn;

/**
 * One attempt of one client transaction: {@code client} names the client, {@code seq} its operation
 * (one entry of the history), {@code attempt} the try (a wounded or refused attempt is retried
 * under a new attempt number, keeping its wound-wait priority).
 */
public record TxnId(String client, long seq, int attempt) implements Comparable<TxnId> {
  public TxnId {
    if (client == null || client.isEmpty() || seq < 0 || attempt < 0) {
      throw new IllegalArgumentException("txn id needs a client, seq >= 0, attempt >= 0");
    }
  }

  @Override
  public int compareTo(TxnId o) {
    int c = client.compareTo(o.client);
    if (c != 0) return c;
    c = Long.compare(seq, o.seq);
    return c != 0 ? c : Integer.compare(attempt, o.attempt);
  }

  @Override
  public String toString() {
    return client + ":" + seq + "." + attempt;
  }
}
