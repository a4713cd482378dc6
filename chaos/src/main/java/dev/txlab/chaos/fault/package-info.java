/**
 * The fault vocabulary. A {@link dev.txlab.chaos.fault.Fault} is an immutable value with one
 * canonical text ({@code partition n1,n2|n3,n4,n5}, {@code kill coordinator after prepare}, {@code
 * clock-skew n3 +40ms}); {@code Fault.parse} reads it and refuses anything else with a {@link
 * dev.txlab.chaos.fault.FaultSyntaxException} that names the column and token.
 *
 * <p>Faults are resolved only when applied: a {@link dev.txlab.chaos.fault.Target} role ({@code
 * leader:shard-1}, {@code minority}) becomes nodes through {@link
 * dev.txlab.chaos.fault.TargetResolver}, and a partition becomes a set of cut {@link
 * dev.txlab.chaos.fault.Link}s through {@link dev.txlab.chaos.fault.Partitions}, both against a
 * {@link dev.txlab.chaos.fault.ClusterView} and a seeded random source passed in by the caller.
 */
package dev.txlab.chaos.fault;
