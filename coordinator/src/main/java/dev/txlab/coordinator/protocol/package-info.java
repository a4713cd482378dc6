/**
 * The protocol plug-in API: {@link dev.txlab.coordinator.protocol.Protocol} (name, knobs, promises,
 * metrics, monitors, how it builds on a host), {@link dev.txlab.coordinator.protocol.Knob} (a
 * setting, declared once) and {@link dev.txlab.coordinator.protocol.ProtocolRegistry} (every
 * protocol, found as services). The run pipeline depends on this package only, never on a
 * protocol's own.
 */
package dev.txlab.coordinator.protocol;
