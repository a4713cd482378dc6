/**
 * Client workloads, the same on both hosts. A {@link dev.txlab.scenarios.workload.WorkloadDriver},
 * created from the workload's spec, picks the operation generator for the workload's name, hands
 * clients their operations and records what they observed as a Jepsen history: the recorders
 * timestamp invocations and completions with the host's time (virtual on the simulator, wall-clock
 * live) and give a client whose operation is in doubt (an {@code :info}) a new process number, as
 * Jepsen does. The hosts only carry operations to the cluster and back.
 */
package dev.txlab.scenarios.workload;
