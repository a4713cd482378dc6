/**
 * A simulated run's trace on disk: how much of it a run keeps ({@link
 * dev.txlab.scenarios.trace.TraceMode}), the gzip-compressed JSON Lines file the simulator streams
 * into ({@link dev.txlab.scenarios.trace.TraceWriter}), the one reader every tool uses ({@link
 * dev.txlab.scenarios.trace.TraceReader}), and the run's messages read back from it for the
 * report's diagram ({@link dev.txlab.scenarios.trace.MessageTrace}).
 */
package dev.txlab.scenarios.trace;
