package dev.txlab.coordinator.live;

import dev.txlab.node.live.JsonRoute;
import dev.txlab.node.live.KvHttpApi;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * The transaction layer's route on a live node's public API, {@code POST /txn}: registered through
 * {@link dev.txlab.node.live.LiveNode.Extras#routes} on the host's generic JSON route, it parses
 * and checks a body — {@code {"client":"c7","seq":12,"ops":[["append","k3",5],
 * ["r","k3",null],["w","k1",2]]}} with an optional {@code "workload":"list-append"|"rw-register"} —
 * and renders answers. Every problem is named in the error (field and op index), and nothing is run
 * for a request with any problem.
 *
 * <p>Keys are strings or integers (an integer key is the same key as its decimal string; answers
 * echo keys as they were sent). Values are 64-bit integers. A transaction with appends reads lists,
 * one with writes reads registers; mixing both is refused; a read-only transaction reads lists
 * unless {@code workload} says {@code rw-register}. A checked request runs on the {@link
 * TxnEndpoint} (the node's gateway of transaction lanes); the host runs it at most once per {@code
 * (client, seq)}.
 */
public final class TxnRoute implements JsonRoute {
  public static final int MAX_OPS = 64;

  private final TxnEndpoint endpoint;

  public TxnRoute(TxnEndpoint endpoint) {
    this.endpoint = endpoint;
  }

  @Override
  public String path() {
    return "/txn";
  }

  @Override
  public Call accept(Map<String, Object> body) {
    Parsed p = parse(body);
    if (p.error() != null) throw new IllegalArgumentException(p.error());
    TxnEndpoint.Request r = p.request();
    return new Call(
        r.client(),
        r.seq(),
        fingerprint(r),
        () -> {
          CompletableFuture<Reply> f = new CompletableFuture<>();
          endpoint.submit(r, result -> f.complete(render(r, p.jsonKeys(), result)));
          return f;
        });
  }

  @Override
  public Reply noAnswer(String cause) {
    return unknown(cause);
  }

  /** A parsed request and the keys as the client spelled them (for echoing), or an error. */
  public record Parsed(TxnEndpoint.Request request, List<Object> jsonKeys, String error) {
    static Parsed error(String e) {
      return new Parsed(null, null, e);
    }
  }

  public static Parsed parse(Map<String, Object> body) {
    Object client = body.get("client");
    if (client == null) return Parsed.error("field 'client' is required");
    if (!(client instanceof String c) || c.isEmpty() || c.length() > MAX_CLIENT_CHARS) {
      return Parsed.error(
          "field 'client' must be a string of 1.." + MAX_CLIENT_CHARS + " characters");
    }
    Object seqValue = body.get("seq");
    if (seqValue == null) return Parsed.error("field 'seq' is required");
    if (!(seqValue instanceof Integer || seqValue instanceof Long)
        || ((Number) seqValue).longValue() < 0) {
      return Parsed.error("field 'seq' must be a non-negative 64-bit integer");
    }
    Object workload = body.get("workload");
    if (workload != null && !"list-append".equals(workload) && !"rw-register".equals(workload)) {
      return Parsed.error("field 'workload' must be list-append or rw-register");
    }
    Object opsValue = body.get("ops");
    if (opsValue == null) return Parsed.error("field 'ops' is required");
    if (!(opsValue instanceof List<?> ops))
      return Parsed.error("field 'ops' must be an array of [f, key, value] arrays");
    if (ops.isEmpty())
      return Parsed.error("field 'ops' is empty: a transaction needs at least one op");
    if (ops.size() > MAX_OPS) return Parsed.error("too many ops: " + ops.size() + " > " + MAX_OPS);
    List<TxnEndpoint.Op> parsed = new ArrayList<>();
    List<Object> keys = new ArrayList<>();
    boolean appends = false;
    boolean writes = false;
    for (int i = 0; i < ops.size(); i++) {
      String where = "ops[" + i + "]";
      if (!(ops.get(i) instanceof List<?> op) || op.size() != 3)
        return Parsed.error(where + " must be an array [f, key, value]");
      if (!(op.get(0) instanceof String f))
        return Parsed.error(where + "[0] must be a string: append, r or w");
      Object key = op.get(1);
      String keyText;
      if (key instanceof String s) {
        if (s.isEmpty() || s.getBytes(StandardCharsets.UTF_8).length > KvHttpApi.MAX_KEY_BYTES) {
          return Parsed.error(where + " key must be 1.." + KvHttpApi.MAX_KEY_BYTES + " bytes");
        }
        keyText = s;
      } else if (key instanceof Integer || key instanceof Long) {
        keyText = key.toString();
      } else {
        return Parsed.error(where + " key must be a string or a 64-bit integer");
      }
      Object v = op.get(2);
      Long value;
      switch (f) {
        case "append", "w" -> {
          if (!(v instanceof Integer || v instanceof Long))
            return Parsed.error(where + " value of '" + f + "' must be a 64-bit integer");
          value = ((Number) v).longValue();
          if (f.equals("append")) appends = true;
          else writes = true;
        }
        case "r" -> {
          if (v != null)
            return Parsed.error(where + " value of 'r' must be null (it is filled in by the read)");
          value = null;
        }
        default -> {
          return Parsed.error(where + " unknown op '" + f + "' (known: append, r, w)");
        }
      }
      parsed.add(new TxnEndpoint.Op(f, keyText, value));
      keys.add(key);
    }
    if (appends && writes)
      return Parsed.error("a transaction mixes list-append (append) and rw-register (w) ops");
    if (appends && "rw-register".equals(workload) || writes && "list-append".equals(workload)) {
      return Parsed.error("ops do not match workload '" + workload + "'");
    }
    boolean listReads = appends || (!writes && !"rw-register".equals(workload));
    return new Parsed(
        new TxnEndpoint.Request(
            (String) client, ((Number) seqValue).longValue(), parsed, listReads),
        keys,
        null);
  }

  /**
   * The text that identifies a request's content, to catch a (client, seq) reused for another one.
   */
  public static String fingerprint(TxnEndpoint.Request r) {
    return (r.listReads() ? "L" : "R") + r.ops();
  }

  /** The HTTP answer for a result. */
  public static Reply render(
      TxnEndpoint.Request request, List<Object> jsonKeys, TxnEndpoint.Result result) {
    switch (result.status()) {
      case OK -> {
        if (result.values().size() != request.ops().size()) {
          throw new IllegalStateException(
              "txn endpoint answered "
                  + result.values().size()
                  + " values for "
                  + request.ops().size()
                  + " ops");
        }
        List<Object> ops = new ArrayList<>();
        for (int i = 0; i < request.ops().size(); i++) {
          Object v = result.values().get(i);
          List<Object> op = new ArrayList<>();
          op.add(request.ops().get(i).f());
          op.add(jsonKeys.get(i));
          op.add(v instanceof List<?> l ? new ArrayList<>(l) : v);
          ops.add(op);
        }
        if (result.effects().isEmpty()) return reply(200, "status", "ok", "ops", ops);
        List<Object> effects = new ArrayList<>();
        for (dev.txlab.coordinator.txn.MicroOp m : result.effects()) {
          effects.add(
              List.of(
                  m.kind() == dev.txlab.coordinator.txn.MicroOp.Kind.APPEND ? "append" : "w",
                  m.key(),
                  Long.parseLong(m.value())));
        }
        return reply(200, "status", "ok", "ops", ops, "effects", effects);
      }
      case ABORTED -> {
        return reply(409, "status", "aborted", "cause", result.cause(), "definite", true);
      }
      case BUSY -> {
        return reply(
            503,
            "status",
            "busy",
            "error",
            "too many transactions in flight on this node",
            "cause",
            result.cause(),
            "definite",
            true);
      }
      default -> {
        return unknown(result.cause());
      }
    }
  }

  public static Reply unknown(String cause) {
    return reply(
        504,
        "status",
        "unknown",
        "cause",
        cause,
        "error",
        "the outcome is unknown: the transaction may or may not have committed",
        "definite",
        false);
  }

  /** A reply whose body has these fields, in this order. */
  private static Reply reply(int status, Object... fields) {
    Map<String, Object> body = new LinkedHashMap<>();
    for (int i = 0; i < fields.length; i += 2) body.put((String) fields[i], fields[i + 1]);
    return new Reply(status, body);
  }
}
