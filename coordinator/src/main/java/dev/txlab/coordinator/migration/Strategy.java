package dev.txlab.coordinator.migration;

import java.util.Optional;

/** How changes reach the new store while the old one is the source of truth. */
public enum Strategy {
  /** The application writes the old store, then the new one. Nothing orders the two. */
  DUAL_WRITE("dual-write"),
  /** The write and an outbox record in one local transaction; a relay publishes the outbox. */
  OUTBOX("outbox"),
  /** A consumer tails the old store's write-ahead log from a replication slot. */
  CDC("cdc");

  private final String text;

  Strategy(String text) {
    this.text = text;
  }

  public String text() {
    return text;
  }

  /** The ordered stream the old store keeps for this strategy, if any. */
  public Optional<MigrationMessage.Stream> stream() {
    switch (this) {
      case OUTBOX:
        return Optional.of(MigrationMessage.Stream.OUTBOX);
      case CDC:
        return Optional.of(MigrationMessage.Stream.WAL);
      default:
        return Optional.empty();
    }
  }

  public static Strategy of(String text) {
    for (Strategy s : values()) {
      if (s.text.equals(text)) {
        return s;
      }
    }
    throw new IllegalArgumentException(
        "strategy must be dual-write|outbox|cdc, not '" + text + "'");
  }
}
