/**
 * What a user drives: the {@code txlab} command line, scenario scripts and their runner, workloads,
 * run directories and the combined report.
 */
package dev.txlab.scenarios;
