package dev.txlab.node.kv;

import static org.assertj.core.api.Assertions.assertThat;

import dev.txlab.node.api.Address;
import dev.txlab.node.raft.Command;
import dev.txlab.node.raft.LogEntry;
import dev.txlab.node.raft.RaftMessage;
import dev.txlab.node.raft.RaftTimer;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Some hot records carry a hand-written {@code toString} (Java 17's record default is slow); the
 * trace depends on their text, so it must stay exactly the record default's format.
 */
class MessageTextTest {
  @Test
  void handWrittenTextMatchesTheRecordFormat() {
    Address a = Address.parse("n1/shard-0");
    LogEntry e = new LogEntry(2, 5, new KvCommand("c1/client", 3, new KvOp.Put("k", "v")));
    assertThat(e)
        .hasToString(
            "LogEntry[term=2, index=5, command=KvCommand[clientId=c1/client, seq=3, op=Put[key=k, value=v]]]");
    assertThat(new RaftMessage.AppendEntries(2, a, 4, 1, List.of(e), 3, 9))
        .hasToString(
            "AppendEntries[term=2, leaderId=n1/shard-0, prevLogIndex=4, prevLogTerm=1, entries=["
                + e
                + "], leaderCommit=3, readSeq=9]");
    assertThat(new RaftMessage.AppendEntriesReply(2, true, 5, 0, 9))
        .hasToString(
            "AppendEntriesReply[term=2, success=true, matchIndex=5, conflictIndex=0, readSeq=9]");
    assertThat(new RaftMessage.ReadIndexRequest(2, a, 7))
        .hasToString("ReadIndexRequest[term=2, from=n1/shard-0, ctx=7]");
    assertThat(new RaftMessage.ReadIndexReply(2, 7, 5, true))
        .hasToString("ReadIndexReply[term=2, ctx=7, readIndex=5, ok=true]");
    assertThat(new KvMessage.ClientRequest("c", 1, new KvOp.Cas("k", null, "v")))
        .hasToString("ClientRequest[clientId=c, seq=1, op=Cas[key=k, expected=null, value=v]]");
    assertThat(new KvMessage.ClientReply("c", 1, new KvResult.Redirect(null)))
        .hasToString("ClientReply[clientId=c, seq=1, result=Redirect[leaderHint=null]]");
    assertThat(new KvOp.Get("k")).hasToString("Get[key=k]");
    assertThat(new KvOp.Append("k", "x")).hasToString("Append[key=k, value=x]");
    assertThat(new KvResult.Ok("v")).hasToString("Ok[value=v]");
    assertThat(new KvResult.CasFailed("w")).hasToString("CasFailed[actual=w]");
    assertThat(new KvClient.Retry(3, 2)).hasToString("Retry[seq=3, attempt=2]");
    assertThat(new KvClient.NextOp(3)).hasToString("NextOp[afterSeq=3]");
    assertThat(new RaftTimer.HeartbeatTick(4)).hasToString("HeartbeatTick[term=4]");
    assertThat(new RaftTimer.ElectionTimeout(4)).hasToString("ElectionTimeout[epoch=4]");
    assertThat(new Command.Noop()).hasToString("Noop[]");
  }
}
