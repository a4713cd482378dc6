package dev.txlab.coordinator.live;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.txlab.coordinator.txn.MicroOp;
import dev.txlab.node.live.JsonRoute;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * What a lane answers is rendered as the request asked, op by op — unless what took effect is not
 * what was asked (a saga turned around: its compensations), which the reply then carries as {@code
 * effects}, so the history records what happened and not what was hoped for.
 */
class TxnGatewayEffectsTest {
  private static final TxnEndpoint.Request FLOW =
      new TxnEndpoint.Request(
          "c1",
          7,
          List.of(
              new TxnEndpoint.Op("append", "3000001", 11L),
              new TxnEndpoint.Op("append", "1000002", -105L)),
          true);

  @Test
  void aResultOpByOpIsRenderedAsTheRequest() {
    List<MicroOp> same = List.of(MicroOp.append("3000001", 11), MicroOp.append("1000002", -105));
    assertThat(TxnGateway.aligned(FLOW, same)).isTrue();
    JsonRoute.Reply r =
        TxnRoute.render(
            FLOW,
            List.of("3000001", "1000002"),
            new TxnEndpoint.Result(TxnEndpoint.Status.OK, TxnGateway.values(FLOW, same), null));
    assertThat(r.status()).isEqualTo(200);
    assertThat(r.body()).doesNotContainKey("effects");
  }

  @Test
  void aCompensatedSagaSaysWhatTookEffect() {
    List<MicroOp> effects =
        List.of(
            MicroOp.append("3000001", 11),
            MicroOp.append("1000002", -105),
            MicroOp.append("1000002", 105),
            MicroOp.append("3000001", 13));
    assertThat(TxnGateway.aligned(FLOW, effects)).isFalse();
    TxnEndpoint.Result result = TxnGateway.tookEffect(FLOW, effects, "compensated");
    assertThat(result.effects()).isEqualTo(effects);
    JsonRoute.Reply r = TxnRoute.render(FLOW, List.of("3000001", "1000002"), result);
    assertThat(r.status()).isEqualTo(200);
    assertThat(r.body().get("effects").toString())
        .isEqualTo(
            "[[append, 3000001, 11], [append, 1000002, -105], [append, 1000002, 105],"
                + " [append, 3000001, 13]]");
  }

  @Test
  void readsAnsweredByOtherOpsAreABug() {
    TxnEndpoint.Request read =
        new TxnEndpoint.Request("c1", 8, List.of(new TxnEndpoint.Op("r", "1000002", null)), true);
    assertThatThrownBy(
            () -> TxnGateway.tookEffect(read, List.of(MicroOp.append("1000002", 1)), null))
        .isInstanceOf(IllegalStateException.class);
  }
}
