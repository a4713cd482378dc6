package dev.txlab.node.live;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Picks TCP ports for live nodes on the loopback interface. A port the OS hands out as "any free
 * port" comes from its ephemeral range, and so does the local port of every outgoing connection:
 * between the moment a port is chosen and the moment a node binds it (or while a node is down),
 * another connection can take it as its local port and hold it for as long as it lives. Ports are
 * therefore chosen at random <em>below</em> the ephemeral range, where no connection gets one
 * unasked, and checked to be bindable now.
 */
public final class LocalPorts {
  private LocalPorts() {}

  /** {@code count} distinct ports bindable on 127.0.0.1 right now, below the ephemeral range. */
  public static List<Integer> free(int count) throws IOException {
    int low = 10_000;
    int high = ephemeralPortLow() - 1;
    SplittableRandom random = new SplittableRandom();
    List<Integer> out = new ArrayList<>();
    for (int tries = 0; out.size() < count && tries < 10_000 && high > low; tries++) {
      int port = low + random.nextInt(high - low + 1);
      if (!out.contains(port) && bindable(port)) {
        out.add(port);
      }
    }
    // No room below the ephemeral range (an unusual configuration): let the OS choose.
    while (out.size() < count) {
      try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
        if (!out.contains(s.getLocalPort())) {
          out.add(s.getLocalPort());
        }
      }
    }
    return out;
  }

  private static boolean bindable(int port) {
    try (ServerSocket s = new ServerSocket()) {
      s.setReuseAddress(false);
      s.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 1);
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  /** The first port of the OS's ephemeral range (Linux's default when it cannot be read). */
  static int ephemeralPortLow() {
    try {
      // Read as lines: procfs reports a size of 0, which whole-file reads can take too literally.
      String range =
          Files.readAllLines(Path.of("/proc/sys/net/ipv4/ip_local_port_range")).get(0).strip();
      return Integer.parseInt(range.split("\\s+")[0]);
    } catch (IOException | RuntimeException e) {
      return 32_768;
    }
  }
}
