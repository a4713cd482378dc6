package dev.txlab.node.live;

import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;

/**
 * A route of a live node's public HTTP API contributed by a protocol plug-in ({@link
 * LiveNode.Extras#routes}): a {@code POST} whose body and answer are JSON objects — the transaction
 * layer's {@code POST /txn}, for one. The live host parses the body, refuses what is not JSON,
 * keeps the at-most-once table (a retried {@code (client, seq)} gets the first answer) and the
 * answer deadline; the route checks the request and runs it. It sees no Vert.x: bodies are plain
 * maps, lists, strings, numbers, booleans and nulls.
 */
public interface JsonRoute {
  /** The longest client name a request may carry. */
  int MAX_CLIENT_CHARS = 128;

  /** The path it answers, e.g. {@code /txn}. */
  String path();

  /** An answer: the HTTP status and the JSON object of the body. */
  record Reply(int status, Map<String, Object> body) {}

  /**
   * A checked request: who sent it and its sequence number (the at-most-once key; a null client
   * runs every time), the text identifying its content (a reused key with other content is
   * refused), and the work, which completes with the answer. A 503 answer means nothing was done: a
   * retry runs again instead of getting the same answer.
   */
  record Call(
      String client, long seq, String fingerprint, Supplier<CompletableFuture<Reply>> run) {}

  /**
   * Checks a request body.
   *
   * @throws IllegalArgumentException whose message the 400 answer carries; nothing is run
   */
  Call accept(Map<String, Object> body);

  /** The answer when none came within the host's deadline: its outcome is not known. */
  Reply noAnswer(String cause);
}
