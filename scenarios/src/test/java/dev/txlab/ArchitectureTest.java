package dev.txlab;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchRule;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The design's rules, checked on the compiled classes of every module:
 *
 * <ul>
 *   <li>module arrows: scenarios → coordinator → node, scenarios → chaos → node, scenarios →
 *       checker; the checker depends on no other module;
 *   <li>only the live host ({@code node.live}) touches Vert.x and Netty;
 *   <li>protocol code (everything in node and coordinator outside the live host and its
 *       coordinator-side plug-in {@code coordinator.live}, which parses command lines and hands
 *       HTTP threads' requests to processes, but still sees no Vert.x) is sans-IO: no wall clock,
 *       threads, {@code java.util.Random}, files or sockets. Time, randomness, IO and messaging
 *       come from the {@code Env}, which is what makes a simulation a pure function of its seed.
 * </ul>
 */
class ArchitectureTest {
  private static JavaClasses classes;

  @BeforeAll
  static void importClasses() {
    classes =
        new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_JARS)
            .importPackages("dev.txlab");
  }

  private static void check(ArchRule rule) {
    rule.allowEmptyShould(true).check(classes);
  }

  @Test
  void theRulesRejectABadProtocolClass() {
    JavaClasses fixture = new ClassFileImporter().importPackages("dev.txlab.node.archfixture");
    org.assertj.core.api.Assertions.assertThat(fixture).isNotEmpty();
    for (ArchRule rule : java.util.List.of(wallClockRule(), threadsAndRandomRule(), vertxRule())) {
      org.assertj.core.api.Assertions.assertThatThrownBy(() -> rule.check(fixture))
          .as(rule.getDescription())
          .isInstanceOf(AssertionError.class)
          .hasMessageContaining("WallClockProcess");
    }
  }

  /**
   * The run pipeline builds every protocol through the plug-in API: it never reaches into a
   * protocol's own packages, so adding a protocol needs no edit here.
   */
  @Test
  void theSimulatedRunPipelineKnowsProtocolsOnlyThroughThePluginApi() {
    check(
        noClasses()
            .that()
            .resideInAPackage("dev.txlab.scenarios.run..")
            .should()
            .dependOnClassesThat()
            .resideInAnyPackage(
                "dev.txlab.coordinator.spanner..",
                "dev.txlab.coordinator.classic..",
                "dev.txlab.coordinator.twopc..",
                "dev.txlab.coordinator.raftkv..",
                "dev.txlab.coordinator.participant..",
                "dev.txlab.coordinator.single..",
                "dev.txlab.coordinator.cluster..",
                "dev.txlab.coordinator.client..",
                "dev.txlab.node.cluster.."));
  }

  /**
   * Nor does it name one: no protocol's name appears as a literal in the pipeline's source, on
   * either host (the simulated run, and the live cluster and live run).
   */
  @Test
  void theRunPipelineNamesNoProtocol() throws java.io.IOException {
    for (String d : java.util.List.of("run", "live")) {
      namesNoProtocol(java.nio.file.Path.of("src/main/java/dev/txlab/scenarios/" + d));
    }
  }

  /**
   * The live host serves the transaction layer's {@code POST /txn} through its generic JSON route;
   * no route of a protocol is written into the host.
   */
  @Test
  void theLiveHostRegistersNoProtocolRoute() throws java.io.IOException {
    java.nio.file.Path dir = java.nio.file.Path.of("../node/src/main/java/dev/txlab/node/live");
    try (java.util.stream.Stream<java.nio.file.Path> files = java.nio.file.Files.list(dir)) {
      for (java.nio.file.Path f : files.toList()) {
        org.assertj.core.api.Assertions.assertThat(java.nio.file.Files.readString(f))
            .as(f + " registers a protocol's route")
            .doesNotContain("\"/txn\"");
      }
    }
  }

  private static void namesNoProtocol(java.nio.file.Path dir) throws java.io.IOException {
    java.util.List<String> names = new java.util.ArrayList<>();
    for (dev.txlab.coordinator.protocol.Protocol p :
        dev.txlab.coordinator.protocol.ProtocolRegistry.all()) {
      names.add(p.name());
      names.addAll(p.aliases());
    }
    org.assertj.core.api.Assertions.assertThat(names).contains("spanner", "classic", "raft-kv");
    try (java.util.stream.Stream<java.nio.file.Path> files = java.nio.file.Files.list(dir)) {
      for (java.nio.file.Path f : files.toList()) {
        String text = java.nio.file.Files.readString(f);
        for (String n : names) {
          org.assertj.core.api.Assertions.assertThat(text)
              .as(f + " names protocol " + n)
              .doesNotContain("\"" + n + "\"");
        }
      }
    }
  }

  @Test
  void theCheckerStandsAlone() {
    check(
        noClasses()
            .that()
            .resideInAPackage("dev.txlab.checker..")
            .should()
            .dependOnClassesThat()
            .resideInAnyPackage(
                "dev.txlab.node..",
                "dev.txlab.coordinator..",
                "dev.txlab.chaos..",
                "dev.txlab.scenarios.."));
  }

  @Test
  void nodeDependsOnNoOtherModule() {
    check(
        noClasses()
            .that()
            .resideInAPackage("dev.txlab.node..")
            .should()
            .dependOnClassesThat()
            .resideInAnyPackage(
                "dev.txlab.checker..",
                "dev.txlab.coordinator..",
                "dev.txlab.chaos..",
                "dev.txlab.scenarios.."));
  }

  @Test
  void coordinatorAndChaosDependOnlyOnNode() {
    check(
        noClasses()
            .that()
            .resideInAPackage("dev.txlab.coordinator..")
            .should()
            .dependOnClassesThat()
            .resideInAnyPackage(
                "dev.txlab.checker..", "dev.txlab.chaos..", "dev.txlab.scenarios.."));
    check(
        noClasses()
            .that()
            .resideInAPackage("dev.txlab.chaos..")
            .should()
            .dependOnClassesThat()
            .resideInAnyPackage(
                "dev.txlab.checker..", "dev.txlab.coordinator..", "dev.txlab.scenarios.."));
  }

  @Test
  void onlyTheLiveHostAndTheRunsServerUseVertxOrNetty() {
    check(vertxRule());
  }

  /**
   * The live host and {@code txlab serve} are the only code that does network IO; the protocols,
   * the simulator and the run pipeline never touch it.
   */
  private static ArchRule vertxRule() {
    return noClasses()
        .that()
        .resideOutsideOfPackages("dev.txlab.node.live..", "dev.txlab.scenarios.serve..")
        .should()
        .dependOnClassesThat()
        .resideInAnyPackage("io.vertx..", "io.netty..");
  }

  private static final String[] PROTOCOL = {"dev.txlab.node..", "dev.txlab.coordinator.."};

  @Test
  void protocolCodeReadsNoWallClock() {
    check(wallClockRule());
  }

  private static ArchRule wallClockRule() {
    return noClasses()
        .that()
        .resideInAnyPackage(PROTOCOL)
        .and()
        .resideOutsideOfPackages("dev.txlab.node.live..", "dev.txlab.coordinator.live..")
        .should()
        .callMethod(System.class, "currentTimeMillis")
        .orShould()
        .callMethod(System.class, "nanoTime")
        .orShould()
        .dependOnClassesThat()
        .haveFullyQualifiedName("java.time.Clock")
        .orShould()
        .dependOnClassesThat()
        .haveFullyQualifiedName("java.time.Instant")
        .because("time comes from the Env, so the simulator can control it");
  }

  @Test
  void protocolCodeStartsNoThreadsAndUsesNoUnseededRandomness() {
    check(threadsAndRandomRule());
  }

  private static ArchRule threadsAndRandomRule() {
    return noClasses()
        .that()
        .resideInAnyPackage(PROTOCOL)
        .and()
        .resideOutsideOfPackages("dev.txlab.node.live..", "dev.txlab.coordinator.live..")
        .should()
        .dependOnClassesThat()
        .haveFullyQualifiedName("java.lang.Thread")
        .orShould()
        .dependOnClassesThat()
        .haveFullyQualifiedName("java.util.Random")
        .orShould()
        .dependOnClassesThat()
        .haveFullyQualifiedName("java.util.concurrent.ThreadLocalRandom")
        .orShould()
        .dependOnClassesThat()
        .haveFullyQualifiedName("java.security.SecureRandom")
        .orShould()
        .dependOnClassesThat()
        .resideInAnyPackage("java.util.concurrent..")
        .orShould()
        .callMethod(Math.class, "random")
        .because(
            "a process runs one event at a time on its host's thread, with randomness from its Env");
  }

  @Test
  void protocolCodeTouchesNoFilesOrSockets() {
    check(
        noClasses()
            .that()
            .resideInAnyPackage(PROTOCOL)
            .and()
            .resideOutsideOfPackages("dev.txlab.node.live..", "dev.txlab.coordinator.live..")
            .should()
            .dependOnClassesThat()
            .resideInAnyPackage("java.net..", "java.nio.file..", "java.nio.channels..")
            .orShould()
            .dependOnClassesThat()
            .haveFullyQualifiedName("java.io.File")
            .orShould()
            .dependOnClassesThat()
            .haveFullyQualifiedName("java.io.FileInputStream")
            .orShould()
            .dependOnClassesThat()
            .haveFullyQualifiedName("java.io.FileOutputStream")
            .orShould()
            .dependOnClassesThat()
            .haveFullyQualifiedName("java.io.RandomAccessFile")
            .orShould()
            .dependOnClassesThat()
            .haveFullyQualifiedName("java.io.FileReader")
            .orShould()
            .dependOnClassesThat()
            .haveFullyQualifiedName("java.io.FileWriter")
            .because("storage and messaging go through the Env; only the live host does real IO"));
  }
}
