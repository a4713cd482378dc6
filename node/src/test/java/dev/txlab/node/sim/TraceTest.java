package dev.txlab.node.sim;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import org.junit.jupiter.api.Test;

class TraceTest {
  @Test
  void theDigestIsTheSha256OfTheLines() throws Exception {
    Trace t = new Trace();
    StringBuilder text = new StringBuilder();
    String big = "x".repeat(100_000);
    String[][] lines = {
      {"n1/a", "recv", "ümlaut 😀"}, {"n2/b", "timer", big}, {"sim", "action", "heal"}
    };
    long time = 5;
    for (String[] l : lines) {
      t.line(time, l[0], l[1], l[2], null);
      text.append(time)
          .append(' ')
          .append(l[0])
          .append(' ')
          .append(l[1])
          .append(' ')
          .append(l[2])
          .append('\n');
      time += 1_000_000_007L;
    }
    byte[] d =
        MessageDigest.getInstance("SHA-256")
            .digest(text.toString().getBytes(StandardCharsets.UTF_8));
    StringBuilder hex = new StringBuilder();
    for (byte b : d) hex.append(String.format("%02x", b));
    assertThat(t.lines()).isEqualTo(3);
    assertThat(t.digestHex()).isEqualTo(hex.toString());
  }
}
