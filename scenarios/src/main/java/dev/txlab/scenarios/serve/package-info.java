/**
 * {@code txlab serve}: a read-only local web server (Vert.x, loopback by default) over a runs
 * directory — the index of every run ({@link dev.txlab.scenarios.serve.RunsPage}, from {@link
 * dev.txlab.scenarios.run.RunIndex}) and each run's own files ({@link
 * dev.txlab.scenarios.serve.RunsServer}).
 */
package dev.txlab.scenarios.serve;
