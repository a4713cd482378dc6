/**
 * The live host seen from the command line: a cluster of node processes on this machine (started,
 * inspected, stopped, killed and restarted through {@link dev.txlab.scenarios.live.LiveCluster}),
 * faults applied to it through the nodes' admin APIs and real signals ({@link
 * dev.txlab.scenarios.live.LiveNemesis}), HTTP/JSON clients that carry a workload driver's
 * operations to the nodes ({@link dev.txlab.scenarios.live.LiveWorkload}), and scenario runs in
 * real time. Nothing here imports Vert.x: the nodes are other processes, reached over HTTP.
 */
package dev.txlab.scenarios.live;
