/**
 * The {@code txlab} command line (picocli). Commands parse and validate their arguments, call into
 * the modules that do the work, and render results: human text on the terminal, one JSON object per
 * result with {@code --json}. Exit statuses follow the design's contract: 0 valid or expectations
 * met, 1 invalid, 3 unknown, 2 bad usage or input.
 */
package dev.txlab.scenarios.cli;
