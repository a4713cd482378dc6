/**
 * Faults as values: the fault vocabulary (each fault with one text form, shared by scenario
 * YAML, the command line and reports), nemesis schedules and random generators, and the
 * adapters that apply faults to a simulated or a live cluster. Nothing lives here yet: the
 * transactions issue builds it.
 */
package dev.txlab.chaos;
