/**
 * Scenario scripts: YAML read into a tree that remembers where every value came from, typed field
 * readers that refuse bad input with the file, line and field named, and {@code --set} overrides
 * applied to the tree before it is read (so an override is validated exactly like the file).
 */
package dev.txlab.scenarios.script;
