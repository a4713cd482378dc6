package dev.txlab.node.raft;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.txlab.node.api.InMemoryStorage;
import org.junit.jupiter.api.Test;

class RaftLogTest {
  static LogEntry e(long term, long index) {
    return new LogEntry(term, index, new Command.Noop());
  }

  static RaftLog logWithTerms(long... terms) {
    RaftLog log = new RaftLog(new InMemoryStorage(), 0, 0);
    for (int i = 0; i < terms.length; i++) log.append(e(terms[i], i + 1));
    return log;
  }

  @Test
  void termsAndBounds() {
    RaftLog log = logWithTerms(1, 1, 2, 3);
    assertThat(log.lastIndex()).isEqualTo(4);
    assertThat(log.lastTerm()).isEqualTo(3);
    assertThat(log.term(0)).isZero();
    assertThat(log.term(3)).isEqualTo(2);
    assertThat(log.term(5)).isEqualTo(RaftLog.UNKNOWN);
    assertThat(log.slice(2, 4, 2)).extracting(LogEntry::index).containsExactly(2L, 3L);
  }

  @Test
  void appendsMustBeContiguousAndTermsNonDecreasing() {
    RaftLog log = logWithTerms(2);
    assertThatThrownBy(() -> log.append(e(2, 3))).isInstanceOf(IllegalStateException.class);
    assertThatThrownBy(() -> log.append(e(1, 2))).isInstanceOf(IllegalStateException.class);
  }

  @Test
  void truncationRemovesAConflictingSuffix() {
    RaftLog log = logWithTerms(1, 1, 2, 2);
    log.truncateFrom(3);
    assertThat(log.lastIndex()).isEqualTo(2);
    log.append(e(3, 3));
    assertThat(log.term(3)).isEqualTo(3);
  }

  @Test
  void compactionKeepsAMatchingSuffixAndAnswersForTheSnapshotPoint() {
    RaftLog log = logWithTerms(1, 1, 2, 2, 3);
    log.compactThrough(3, 2);
    assertThat(log.snapshotIndex()).isEqualTo(3);
    assertThat(log.term(3)).isEqualTo(2);
    assertThat(log.term(2)).isEqualTo(RaftLog.UNKNOWN);
    assertThat(log.lastIndex()).isEqualTo(5);
    assertThatThrownBy(() -> log.truncateFrom(3)).isInstanceOf(IllegalStateException.class);
  }

  @Test
  void compactionToASnapshotTheLogDisagreesWithDiscardsTheLog() {
    RaftLog log = logWithTerms(1, 1, 2);
    log.compactThrough(5, 4);
    assertThat(log.snapshotIndex()).isEqualTo(5);
    assertThat(log.lastIndex()).isEqualTo(5);
    assertThat(log.lastTerm()).isEqualTo(4);
  }

  @Test
  void conflictHintSkipsAWholeTerm() {
    RaftLog log = logWithTerms(1, 2, 2, 2, 3);
    assertThat(log.firstIndexOfTerm(4)).isEqualTo(2);
    assertThat(log.firstIndexOfTerm(5)).isEqualTo(5);
  }

  @Test
  void upToDateComparesLastTermThenLength() {
    RaftLog log = logWithTerms(1, 2, 2);
    assertThat(log.isUpToDate(1, 3)).isTrue();
    assertThat(log.isUpToDate(3, 2)).isTrue();
    assertThat(log.isUpToDate(2, 2)).isFalse();
    assertThat(log.isUpToDate(10, 1)).isFalse();
  }
}
