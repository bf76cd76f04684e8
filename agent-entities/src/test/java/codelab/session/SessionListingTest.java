package codelab.session;

import static org.junit.jupiter.api.Assertions.assertEquals;

import codelab.session.application.SessionListing;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The session lists' read model against the session's own reducer: after every event of a
 * conversation that goes through each way a message enters the history (queued messages, tool calls
 * of one step and of the next, results, rejections, expiries, a cancel with calls still waiting, a
 * re-run), the listing says what the session's summary says.
 */
class SessionListingTest {

  private static final Instant T0 = Instant.parse("2026-12-01T10:00:00.123456789Z");

  @Test
  void theListingFollowsTheSessionEventByEvent() {
    List<Session.Event> events = conversation();
    SessionState state = SessionState.empty();
    SessionListing listing = null;
    for (int i = 0; i < events.size(); i++) {
      Session.Event event = events.get(i);
      long seq = i + 1;
      state = state.apply(event);
      listing = listing == null ? SessionListing.created(seq, (Session.SessionCreated) event) : listing.apply(seq, event);
      assertEquals(state.summary(), listing.summary(), "after event " + seq + ": " + event);
    }
  }

  private static List<Session.Event> conversation() {
    List<Session.Event> e = new ArrayList<>();
    e.add(new Session.SessionCreated("s1", "u1", "p1", "New session", "orchestrator", null, at(e)));
    e.add(new Session.UserMessageAccepted("op-1", "read two files", at(e)));
    e.add(new Session.UserMessageAccepted("op-2", "queued behind the first", at(e)));
    e.add(new Session.TurnStarted("t1", 1, null, null, null, at(e)));
    // two calls in one step: one assistant message
    e.add(new Session.ToolCallRequested("t1", 1, call("c1", "read_file"), false, "Reading.", 2, at(e)));
    e.add(new Session.ToolCallRequested("t1", 1, call("c2", "write_file"), true, "", 0, at(e)));
    e.add(new Session.ApprovalRequested("t1", "c2", "write_file", "{}", "writes", at(e).plusSeconds(300), at(e)));
    e.add(new Session.ToolResultRecorded("c1", "{\"content\":\"a\"}", null, "op-3", at(e)));
    e.add(new Session.ApprovalResolved("c2", ApprovalDecision.REJECT, null, "not now", "op-4", at(e)));
    // the next step's call: a new assistant message
    e.add(new Session.ToolCallRequested("t1", 2, call("c3", "run"), true, "", 0, at(e)));
    e.add(new Session.ApprovalRequested("t1", "c3", "run", "{}", "runs", at(e).plusSeconds(300), at(e)));
    e.add(new Session.ApprovalResolved("c3", ApprovalDecision.APPROVE, "{}", null, "op-5", at(e)));
    e.add(new Session.ToolCallReleased("t1", "c3", "run", "{}", at(e)));
    e.add(new Session.ToolResultRecorded("c3", null, "exit 1", null, at(e)));
    e.add(new Session.AssistantReplied("t1", "done", new Session.Usage(1, 2), 2, 0, at(e)));
    e.add(new Session.TurnCompleted("t1", at(e)));
    // the queued message's turn: a call still waiting when it is cancelled, then an expiry after the end
    e.add(new Session.TurnStarted("t2", 1, null, null, null, at(e)));
    e.add(new Session.ToolCallRequested("t2", 1, call("c4", "write_file"), true, "", 0, at(e)));
    e.add(new Session.ApprovalRequested("t2", "c4", "write_file", "{}", "writes", at(e).plusSeconds(300), at(e)));
    e.add(new Session.TurnCancelled("t2", "op-6", at(e)));
    e.add(new Session.ApprovalResolved("c4", ApprovalDecision.EXPIRED, null, null, null, at(e)));
    // a turn that failed with its node and ran again: the re-run takes no message
    e.add(new Session.UserMessageAccepted(null, "third", at(e)));
    e.add(new Session.TurnStarted("t3", 1, null, null, null, at(e)));
    e.add(new Session.ToolCallRequested("t3", 1, call("c5", "read_file"), false, "", 0, at(e)));
    e.add(new Session.TurnFailed("t3", "the node running this turn stopped", at(e)));
    e.add(new Session.TurnStarted("t3", 2, null, null, null, at(e)));
    e.add(new Session.ToolCallRequested("t3", 1, call("c6", "read_file"), false, "", 0, at(e)));
    e.add(new Session.ToolResultRecorded("c6", "{}", null, null, at(e)));
    e.add(new Session.AssistantReplied("t3", "again", null, 0, 0, at(e)));
    e.add(new Session.TurnCompleted("t3", at(e)));
    e.add(new Session.AgentSwitched("orchestrator", "coder", null, "asked", at(e)));
    e.add(new Session.SessionRenamed("the parser bug", at(e)));
    e.add(new Session.SessionArchived(at(e)));
    return e;
  }

  private static Session.ToolCall call(String id, String tool) {
    return new Session.ToolCall(id, "provider-" + id, tool, "{}");
  }

  /** Each event a little later than the one before, to the nanosecond. */
  private static Instant at(List<Session.Event> before) {
    return T0.plusNanos(1_000_001L * before.size());
  }
}
