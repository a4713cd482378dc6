package dev.txlab.scenarios.run;

import dev.txlab.checker.CheckResult;
import dev.txlab.checker.UnfitHistoryException;
import dev.txlab.checker.Validity;
import dev.txlab.checker.history.History;
import dev.txlab.checker.linear.LinearSpec;
import dev.txlab.checker.linear.LinearizabilityChecker;
import dev.txlab.checker.linear.NilRead;
import dev.txlab.checker.txn.TxnChecker;
import dev.txlab.checker.txn.TxnResult;
import dev.txlab.checker.txn.TxnSpec;
import dev.txlab.scenarios.workload.WorkloadDriver;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The checks a run's history gets, the same on both hosts: {@code linearizable} (per key, the WGL
 * search) for single-key workloads; one check per requested consistency model for transactional
 * ones (the Elle-style checker), plus {@code bank-total} for the bank; and {@code converged}
 * everywhere (operations succeed after the last fault ended).
 *
 * <p>A history the checker cannot read means the recorder — our code — is wrong, so it throws
 * rather than reporting a verdict.
 */
public final class RunChecks {
  private RunChecks() {}

  /** What a workload is checked for. */
  public record Subject(
      boolean transactional,
      String checkerWorkload,
      List<String> consistency,
      boolean bank,
      int accounts,
      long initialBalance) {
    public Subject {
      consistency = List.copyOf(consistency);
    }

    public static Subject of(Scenario s) {
      return of(s.workload().driverSpec(), s.consistency(), s.workload().initialBalance());
    }

    /**
     * A workload as its driver describes it, on either host; {@code consistency} counts only for
     * transactions.
     */
    public static Subject of(WorkloadDriver.Spec w, List<String> consistency, long initialBalance) {
      return new Subject(
          w.transactional(),
          w.checkerWorkload(),
          w.transactional() ? consistency : List.of(),
          w.bank(),
          w.accounts(),
          initialBalance);
    }
  }

  /**
   * The checks' verdicts, the checker result whose page sits beside the report, and figures some
   * checks measure on the way ({@code bank_reads}, …).
   */
  public record Result(
      Map<String, Check> checks, CheckResult primary, Map<String, Double> figures) {}

  /** The names of the checks a run of {@code subject} performs, in report order. */
  public static List<String> names(Subject subject) {
    List<String> out = new ArrayList<>();
    if (!subject.transactional()) {
      out.add("linearizable");
    } else {
      out.addAll(subject.consistency());
      if (subject.bank()) {
        out.add("bank-total");
      }
    }
    out.add("converged");
    return out;
  }

  /**
   * Checks {@code history}.
   *
   * @param okAfterHeal successful operations that completed after the last fault ended
   * @param convergedSummary how {@code converged}'s summary names that moment, e.g. {@code "after
   *     the final heal"}
   */
  public static Result check(
      Subject subject, History history, long okAfterHeal, String convergedSummary) {
    Map<String, Check> checks = new LinkedHashMap<>();
    Map<String, Double> figures = new TreeMap<>();
    CheckResult primary = null;
    try {
      if (!subject.transactional()) {
        CheckResult lin =
            LinearizabilityChecker.check(
                history,
                new LinearSpec(
                    subject.checkerWorkload(), null, NilRead.ABSENT, true, Duration.ofMinutes(2)));
        checks.put(
            "linearizable",
            new Check(
                lin.validity(),
                lin.validity() == Validity.INVALID ? List.of("nonlinearizable") : List.of(),
                firstLine(lin.toText())));
        primary = lin;
      } else {
        for (String model : subject.consistency()) {
          TxnResult r =
              TxnChecker.check(
                  history,
                  new TxnSpec(
                      subject.checkerWorkload(), List.of(model), false, false, false, null));
          checks.put(model, new Check(r.validity(), r.anomalyTypes(), firstLine(r.toText())));
          if (primary == null
              || (primary.validity() != Validity.INVALID && r.validity() == Validity.INVALID)) {
            primary = r;
          }
        }
        if (subject.bank()) {
          checks.put(
              "bank-total",
              BankCheck.check(history, subject.accounts(), subject.initialBalance(), figures));
        }
      }
    } catch (UnfitHistoryException e) {
      throw new IllegalStateException(
          "the recorder wrote a history the checker cannot read: " + e.getMessage(), e);
    }
    String unit = subject.transactional() ? " transactions committed" : " operations succeeded";
    if (history.operations().isEmpty()) {
      // No client ran (workload clients: 0): nothing in the history shows whether the cluster
      // serves again after the faults — unknown, not a failure to make progress.
      checks.put(
          "converged",
          new Check(
              Validity.UNKNOWN,
              List.of(),
              "no client operation in the history: nothing to judge progress by"));
    } else {
      checks.put(
          "converged",
          new Check(
              okAfterHeal > 0 ? Validity.VALID : Validity.INVALID,
              okAfterHeal > 0 ? List.of() : List.of("no-progress-after-heal"),
              okAfterHeal + unit + (convergedSummary.isEmpty() ? "" : " " + convergedSummary)));
    }
    return new Result(checks, primary, figures);
  }

  /** A protocol's own check ({@code stores-agree}) as a check of the run. */
  public static Check fromProtocol(dev.txlab.coordinator.protocol.ProtocolCheck c) {
    Validity v =
        c.verdict().equals("valid")
            ? Validity.VALID
            : c.verdict().equals("invalid") ? Validity.INVALID : Validity.UNKNOWN;
    return new Check(v, c.anomalies(), c.summary());
  }

  static String firstLine(String text) {
    String t = text.strip();
    int nl = t.indexOf('\n');
    return nl < 0 ? t : t.substring(0, nl);
  }
}
