package dev.txlab.scenarios.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Headless Chromium for the browser tests: runs a page's scripts and returns the DOM as a reader's
 * browser has it, or writes a screenshot. Started as root needs it ({@code --no-sandbox}) and
 * without the background networking that keeps it trying hosts this network refuses.
 */
final class HeadlessChromium {
  private final String binary;
  private final Path scratch;

  private HeadlessChromium(String binary, Path scratch) {
    this.binary = binary;
    this.scratch = scratch;
  }

  /** Chromium on the PATH, with profiles under {@code scratch}; null when it is not installed. */
  static HeadlessChromium find(Path scratch) {
    for (String dir : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
      for (String name : List.of("chromium", "chromium-browser", "google-chrome")) {
        Path p = Path.of(dir, name);
        if (Files.isExecutable(p)) {
          return new HeadlessChromium(p.toString(), scratch);
        }
      }
    }
    return null;
  }

  /** The DOM of {@code page} (a file) opened at {@code hash}, after its scripts ran. */
  String dom(Path page, String hash, int widthPx) throws Exception {
    return run(page, hash, widthPx, List.of("--dump-dom"));
  }

  private String run(Path page, String hash, int widthPx, List<String> extra) throws Exception {
    Path profile = Files.createTempDirectory(scratch, "profile");
    List<String> cmd =
        new ArrayList<>(
            List.of(
                binary,
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--user-data-dir=" + profile,
                "--window-size=" + widthPx + ",900",
                "--virtual-time-budget=10000"));
    cmd.addAll(extra);
    cmd.add(page.toUri() + hash);
    Process p = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.DISCARD).start();
    try {
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      assertThat(p.waitFor(90, TimeUnit.SECONDS)).as("chromium finished").isTrue();
      return out;
    } finally {
      p.descendants().forEach(ProcessHandle::destroyForcibly);
      p.destroyForcibly();
    }
  }
}
