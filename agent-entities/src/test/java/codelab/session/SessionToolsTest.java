package codelab.session;

import static codelab.session.SessionFixture.last;
import static codelab.session.SessionFixture.until;
import static codelab.session.SessionFixture.untilTurnCompleted;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import codelab.llm.LlmMessage;
import java.time.Duration;
import java.util.List;
import org.apache.pekko.Done;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.pattern.StatusReply;
import org.junit.jupiter.api.Test;

/** The tool loop and human approval, transition by transition. */
class SessionToolsTest {

  private static final String WRITE = "write_file:{\"path\":\"a.txt\",\"content\":\"hi\"}";
  private static final String READ = "read_file:{\"path\":\"a.txt\"}";

  private static Session.Settings settings(int maxSteps, Duration toolTimeout, Duration approvalTimeout) {
    Session.Settings d = SessionFixture.settings();
    return new Session.Settings(d.readJournalPluginId(), d.snapshotEvery(), d.maxTurnAttempts(), maxSteps, toolTimeout, approvalTimeout, d.idleTimeout(),
        d.agentTimeout(), d.recallLimit(), d.recallMinScore(), d.approvalRuleTimeout(), d.plans());
  }

  private SessionFixture fixture(FakeModel model) {
    return new SessionFixture(model, SessionFixture.settings(), "coder");
  }

  @Test
  void aSafeToolRunsInTheIdeAndTheModelContinuesWithItsResult() {
    FakeModel model = new FakeModel().thenAnswer(FakeModel.toolCalls(READ)).thenAnswer(FakeModel.reply("It ", "says hi"));
    SessionFixture s = fixture(model);
    TestProbe<SessionUpdate> client = s.subscribe(0);
    s.post("read a.txt", null);

    SessionUpdate.ToolCallRequested call = (SessionUpdate.ToolCallRequested) last(until(client, SessionUpdate.ToolCallRequested.class));
    assertEquals("read_file", call.toolName());
    assertFalse(call.requiresApproval());
    assertEquals(1, model.requests.size());
    assertTrue(model.requests.get(0).tools().stream().anyMatch(t -> t.name().equals("read_file")));

    assertTrue(s.toolResult(call.callId(), "{\"content\":\"hi\"}", null).isSuccess());
    List<SessionUpdate> rest = untilTurnCompleted(client);
    assertTrue(rest.get(0) instanceof SessionUpdate.ToolResultRecorded);
    SessionUpdate.AssistantMessage answer = (SessionUpdate.AssistantMessage) rest.get(rest.size() - 2);
    assertEquals("It says hi", answer.content());

    List<LlmMessage> context = model.requests.get(1).messages();
    LlmMessage toolMessage = context.get(context.size() - 1);
    assertEquals("tool", toolMessage.role());
    assertEquals("{\"content\":\"hi\"}", toolMessage.content());
    assertEquals(context.get(context.size() - 2).toolCalls().get(0).id(), toolMessage.toolCallId(), "paired by the model's call id");
    assertTrue(s.toolResult(call.callId(), "{}", null).isError(), "a second answer is refused");
  }

  @Test
  void aDangerousToolWaitsForApprovalThenRunsWithTheApprovedArguments() {
    FakeModel model = new FakeModel().thenAnswer(FakeModel.toolCalls(WRITE)).thenAnswer(FakeModel.reply("done"));
    SessionFixture s = fixture(model);
    TestProbe<SessionUpdate> client = s.subscribe(0);
    s.post("write it", null);

    List<SessionUpdate> announced = until(client, SessionUpdate.ApprovalRequired.class);
    SessionUpdate.ToolCallRequested call = (SessionUpdate.ToolCallRequested) announced.get(announced.size() - 2);
    SessionUpdate.ApprovalRequired approval = (SessionUpdate.ApprovalRequired) announced.get(announced.size() - 1);
    assertTrue(call.requiresApproval());
    assertTrue(approval.reason().contains("write_file"));
    assertTrue(approval.deadline().isAfter(java.time.Instant.now().plus(Duration.ofMinutes(4))));
    assertEquals(1, s.session.getState().approvals().size());

    assertEquals("approve", s.decide(call.callId(), "approve", null, null).getValue().decision());
    assertEquals("approve", client.expectMessageClass(SessionUpdate.ApprovalResolved.class).decision());
    SessionUpdate.ToolCallRequested released = client.expectMessageClass(SessionUpdate.ToolCallRequested.class);
    assertFalse(released.requiresApproval());
    assertEquals(call.callId(), released.callId());
    assertEquals("{\"path\":\"a.txt\",\"content\":\"hi\"}", released.argumentsJson());

    assertEquals(SessionError.ALREADY_DECIDED.message(), s.decide(call.callId(), "reject", null, null).getError().getMessage());
    s.toolResult(call.callId(), "{\"ok\":true}", null);
    untilTurnCompleted(client);
  }

  @Test
  void anEditRunsTheModifiedArguments() {
    FakeModel model = new FakeModel().thenAnswer(FakeModel.toolCalls(WRITE)).thenAnswer(FakeModel.reply("done"));
    SessionFixture s = fixture(model);
    TestProbe<SessionUpdate> client = s.subscribe(0);
    s.post("write it", null);
    String callId = ((SessionUpdate.ApprovalRequired) last(until(client, SessionUpdate.ApprovalRequired.class))).callId();

    assertEquals(SessionError.ARGUMENTS_REQUIRED.message(), s.decide(callId, "edit", "[1]", null).getError().getMessage());
    s.decide(callId, "edit", "{\"path\":\"b.txt\",\"content\":\"bye\"}", null);
    assertEquals("edit", client.expectMessageClass(SessionUpdate.ApprovalResolved.class).decision());
    assertEquals("{\"path\":\"b.txt\",\"content\":\"bye\"}", client.expectMessageClass(SessionUpdate.ToolCallRequested.class).argumentsJson());
  }

  @Test
  void aRejectionIsTheToolsErrorForTheModelAndTheTurnGoesOn() {
    FakeModel model = new FakeModel().thenAnswer(FakeModel.toolCalls(WRITE)).thenAnswer(FakeModel.reply("ok, I will not"));
    SessionFixture s = fixture(model);
    TestProbe<SessionUpdate> client = s.subscribe(0);
    s.post("write it", null);
    String callId = ((SessionUpdate.ApprovalRequired) last(until(client, SessionUpdate.ApprovalRequired.class))).callId();

    s.decide(callId, "reject", null, "not that file");
    List<SessionUpdate> rest = untilTurnCompleted(client);
    assertEquals("reject", ((SessionUpdate.ApprovalResolved) rest.get(0)).decision());
    List<LlmMessage> context = model.requests.get(1).messages();
    assertEquals("Error: the user rejected this call: not that file", context.get(context.size() - 1).content());
  }

  @Test
  void aResultForAWaitingCallApprovesItAndAnErrorRejectsIt() {
    FakeModel model = new FakeModel()
        .thenAnswer(FakeModel.toolCalls(WRITE, "execute_command:{\"command\":\"ls\"}"))
        .thenAnswer(FakeModel.reply("both handled"));
    SessionFixture s = fixture(model);
    TestProbe<SessionUpdate> client = s.subscribe(0);
    s.post("write and run", null);
    List<SessionUpdate> announced = until(client, SessionUpdate.ApprovalRequired.class);
    announced.addAll(until(client, SessionUpdate.ApprovalRequired.class));
    List<String> callIds = announced.stream().filter(u -> u instanceof SessionUpdate.ApprovalRequired)
        .map(u -> ((SessionUpdate.ApprovalRequired) u).callId()).toList();

    s.toolResult(callIds.get(0), "{\"written\":true}", null);
    assertEquals("approve", client.expectMessageClass(SessionUpdate.ApprovalResolved.class).decision());
    client.expectMessageClass(SessionUpdate.ToolResultRecorded.class);
    assertEquals(1, model.requests.size(), "the step waits for its other call");

    s.toolResult(callIds.get(1), null, "user declined in the IDE");
    SessionUpdate.ApprovalResolved rejected = client.expectMessageClass(SessionUpdate.ApprovalResolved.class);
    assertEquals("reject", rejected.decision());
    assertEquals("user declined in the IDE", rejected.feedback());
    untilTurnCompleted(client);
    assertEquals(2, model.requests.size());
  }

  @Test
  void anApprovalExpiresAtItsDeadlineAndCannotBeDecidedAfterwards() {
    FakeModel model = new FakeModel().thenAnswer(FakeModel.toolCalls(WRITE)).thenAnswer(FakeModel.reply("nobody answered"));
    SessionFixture s = new SessionFixture(model, settings(25, Duration.ofMinutes(2), Duration.ofMillis(300)), "coder");
    TestProbe<SessionUpdate> client = s.subscribe(0);
    s.post("write it", null);
    String callId = ((SessionUpdate.ApprovalRequired) last(until(client, SessionUpdate.ApprovalRequired.class))).callId();

    List<SessionUpdate> rest = untilTurnCompleted(client);
    assertEquals("expired", ((SessionUpdate.ApprovalResolved) rest.get(0)).decision());
    assertEquals(SessionError.APPROVAL_EXPIRED.message(), s.decide(callId, "approve", null, null).getError().getMessage());
    assertTrue(model.requests.get(1).messages().get(model.requests.get(1).messages().size() - 1).content().contains("expired"));
  }

  @Test
  void cancellingWhileWaitingRejectsTheApprovalAndEndsTheTurnThenTheQueueRuns() {
    FakeModel model = new FakeModel().thenAnswer(FakeModel.toolCalls(WRITE)).thenAnswer(FakeModel.reply("next"));
    SessionFixture s = fixture(model);
    TestProbe<SessionUpdate> client = s.subscribe(0);
    s.post("write it", null);
    String callId = ((SessionUpdate.ApprovalRequired) last(until(client, SessionUpdate.ApprovalRequired.class))).callId();
    s.post("something else", "queued");
    client.expectMessageClass(SessionUpdate.MessageAccepted.class);

    StatusReply<Done> cancelled = s.session.<StatusReply<Done>>runCommand(r -> new Session.CancelTurn(SessionFixture.OWNER, null, r)).reply();
    assertTrue(cancelled.isSuccess());
    SessionUpdate.ApprovalResolved resolved = client.expectMessageClass(SessionUpdate.ApprovalResolved.class);
    assertEquals("reject", resolved.decision());
    client.expectMessageClass(SessionUpdate.TurnCancelled.class);
    assertEquals(SessionError.ALREADY_DECIDED.message(), s.decide(callId, "approve", null, null).getError().getMessage());
    assertEquals("next", ((SessionUpdate.AssistantMessage) last(until(client, SessionUpdate.AssistantMessage.class))).content());
  }

  @Test
  void aTurnStopsAtItsStepLimit() {
    FakeModel model = new FakeModel().thenAnswer(FakeModel.toolCalls(READ)).thenAnswer(FakeModel.toolCalls(READ)).thenAnswer(FakeModel.toolCalls(READ));
    SessionFixture s = new SessionFixture(model, settings(2, Duration.ofMinutes(2), Duration.ofMinutes(5)), "coder");
    TestProbe<SessionUpdate> client = s.subscribe(0);
    s.post("loop", null);
    for (int i = 0; i < 2; i++) {
      SessionUpdate.ToolCallRequested call = (SessionUpdate.ToolCallRequested) last(until(client, SessionUpdate.ToolCallRequested.class));
      s.toolResult(call.callId(), "{}", null);
    }
    SessionUpdate.TurnFailed failed = (SessionUpdate.TurnFailed) last(until(client, SessionUpdate.TurnFailed.class));
    assertTrue(failed.error().contains("limit of 2"), failed.error());
    assertEquals(2, model.requests.size());
    assertNull(s.session.getState().turn());
  }

  @Test
  void aToolCallTheIdeNeverAnswersFailsAfterItsTimeout() {
    FakeModel model = new FakeModel().thenAnswer(FakeModel.toolCalls(READ)).thenAnswer(FakeModel.reply("the IDE is gone"));
    SessionFixture s = new SessionFixture(model, settings(25, Duration.ofMillis(300), Duration.ofMinutes(5)), "coder");
    TestProbe<SessionUpdate> client = s.subscribe(0);
    s.post("read", null);
    until(client, SessionUpdate.ToolCallRequested.class);
    List<SessionUpdate> rest = untilTurnCompleted(client);
    assertTrue(rest.get(0) instanceof SessionUpdate.ToolResultRecorded);
    List<LlmMessage> context = model.requests.get(1).messages();
    assertTrue(context.get(context.size() - 1).content().startsWith("Error: the IDE did not answer"));
  }

  @Test
  void aClientThatComesBackGetsTheCallsStillWaiting() {
    FakeModel model = new FakeModel().thenAnswer(FakeModel.toolCalls(WRITE, READ));
    SessionFixture s = fixture(model);
    TestProbe<SessionUpdate> first = s.subscribe(0);
    s.post("both", null);
    until(first, SessionUpdate.ApprovalRequired.class);
    long lastSeq = s.session.getState().lastSeq();

    TestProbe<SessionUpdate> back = s.subscribe(lastSeq);
    List<SessionUpdate> resent = List.of(back.receiveMessage(), back.receiveMessage(), back.receiveMessage());
    assertTrue(resent.stream().allMatch(u -> SessionUpdate.seqOf(u) == -1), "re-sent, not new");
    assertEquals(2, resent.stream().filter(u -> u instanceof SessionUpdate.ToolCallRequested).count());
    assertEquals(1, resent.stream().filter(u -> u instanceof SessionUpdate.ApprovalRequired).count());
  }

  @Test
  void unknownCallsAndStrangersAreRefused() {
    SessionFixture s = fixture(new FakeModel());
    assertEquals(SessionError.CALL_NOT_FOUND.message(), s.toolResult("nope", "{}", null).getError().getMessage());
    assertEquals(SessionError.CALL_NOT_FOUND.message(), s.decide("nope", "approve", null, null).getError().getMessage());
    assertEquals(SessionError.INVALID_DECISION.message(), s.decide("nope", "maybe", null, null).getError().getMessage());
    var stranger = s.session.<StatusReply<Done>>runCommand(r -> new Session.RecordToolResult("intruder", "x", "{}", null, null, r));
    assertEquals(SessionError.NOT_FOUND.message(), stranger.reply().getError().getMessage());
    var noTurn = s.session.<StatusReply<Done>>runCommand(r -> new Session.CancelTurn(SessionFixture.OWNER, null, r));
    assertEquals(SessionError.NO_RUNNING_TURN.message(), noTurn.reply().getError().getMessage());
  }
}
