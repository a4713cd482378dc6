/**
 * Client workloads and the recorder that turns what simulated clients observed into a Jepsen
 * history. A workload generates operations; the recorder timestamps invocations and completions
 * with virtual time and gives a crashed client (an {@code :info}) a new process number, as Jepsen
 * does.
 */
package dev.txlab.scenarios.workload;
