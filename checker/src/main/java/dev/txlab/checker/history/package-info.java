/**
 * Histories as Jepsen records them: a sequence of operations, each an invocation or a completion
 * ({@code invoke}, {@code ok}, {@code fail}, {@code info}) by a process, with the pairing of each
 * completion to its invocation checked as the history is read.
 *
 * <p>Values inside operations use plain Java types so that checkers never depend on a parser
 * library: {@code null}, {@link java.lang.Long}, {@link java.lang.Double}, {@link
 * java.lang.String}, {@link java.lang.Boolean}, {@link dev.txlab.checker.history.Keyword}, and
 * immutable {@link java.util.List}, {@link java.util.Map} and {@link java.util.Set}.
 *
 * <p>Readers: Jepsen EDN ({@link dev.txlab.checker.history.EdnHistoryReader}), JSON Lines ({@link
 * dev.txlab.checker.history.JsonlHistoryReader}) and the Jepsen text log ({@link
 * dev.txlab.checker.history.JepsenLogReader}); {@link dev.txlab.checker.history.HistoryFormat}
 * picks one by content. Writers produce EDN that Elle and Knossos read, and JSON Lines.
 */
package dev.txlab.checker.history;
