package dev.txlab.checker.history;

import java.io.IOException;
import java.io.Reader;

/** Reads one history format, streaming: events are validated and kept as they are read. */
public interface HistoryReader {

  /**
   * Reads a whole history.
   *
   * @param source the file name, for messages
   * @param in the text; read to the end, not closed
   * @throws HistoryException naming line and column if the text is not a valid history
   */
  History read(String source, Reader in) throws HistoryException, IOException;
}
