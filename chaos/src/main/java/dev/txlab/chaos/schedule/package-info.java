/**
 * Fault schedules. A {@link dev.txlab.chaos.schedule.Schedule} is a list of lines, each a timed
 * {@link dev.txlab.chaos.schedule.ScheduleEntry} ({@code at 5s for 10s partition halves}, {@code
 * every 10s for 3s isolate leader:shard-1}) or a Jepsen-style {@link
 * dev.txlab.chaos.schedule.RandomNemesis} ({@code random combined every ~10s for ~5s}). {@code
 * Schedule.plan} expands it, from a seeded random source, into the run's {@link
 * dev.txlab.chaos.schedule.FaultEvent}s, always ending with the {@link
 * dev.txlab.chaos.schedule.FinalHeal}; {@link dev.txlab.chaos.schedule.NemesisState} says what a
 * plan does to a cluster at each step.
 */
package dev.txlab.chaos.schedule;
