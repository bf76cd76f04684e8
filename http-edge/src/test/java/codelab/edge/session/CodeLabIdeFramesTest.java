package codelab.edge.session;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import codelab.edge.WireJson;
import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import org.junit.jupiter.api.Test;

/** What the CodeLab IDE is sent, frame by frame: only what it reads, one approval at a time, nothing run twice. */
class CodeLabIdeFramesTest {

  private final CodeLabIdeFrames ide = new CodeLabIdeFrames();

  private static JsonNode args(String json) {
    try {
      return WireJson.MAPPER.readTree(json);
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  private static ServerMessage.ToolCall call(String id, String tool, boolean approval) {
    return new ServerMessage.ToolCall(3, "t1", id, tool, args("{\"path\":\"a.txt\"}"), approval, true, null);
  }

  private List<String> types(List<ServerMessage> frames) {
    return frames.stream().map(WireMessages::typeOf).toList();
  }

  @Test
  void aTurnIsItsStepsTextsAndCallsWithoutDeltasOrControlFrames() {
    CodeLabIdeFrames.Translated first = ide.translate(List.of(
        new ServerMessage.SessionInfo("s", "coder", 1),
        new ServerMessage.MessageAccepted(2, "user", "hi", null),
        new ServerMessage.TurnStarted(3, "t1", 1, "a", 1, "m"),
        new ServerMessage.AssistantDelta("t1", 0, "Let me ", null),
        new ServerMessage.AssistantDelta("t1", 1, "look.", null),
        call("c1", "read_file", false)));
    assertEquals(List.of("assistant_message", "tool_call"), types(first.frames()));
    assertEquals("Let me look.", ((ServerMessage.AssistantMessage) first.frames().get(0)).content());
    assertFalse(((ServerMessage.AssistantMessage) first.frames().get(0)).isFinal());

    CodeLabIdeFrames.Translated end = ide.translate(List.of(
        new ServerMessage.ToolResultRecorded(4, "c1"),
        new ServerMessage.AssistantDelta("t1", 2, " Done.", null),
        new ServerMessage.AssistantMessage(5, "t1", "Let me look. Done.", true, null),
        new ServerMessage.TurnCompleted(6, "t1")));
    assertEquals(List.of("assistant_message"), types(end.frames()));
    assertEquals(" Done.", ((ServerMessage.AssistantMessage) end.frames().get(0)).content(), "what the IDE was shown is not shown again");
  }

  @Test
  void aFailedOrCancelledTurnIsAnErrorWithItsReason() {
    List<ServerMessage> frames = ide.translate(List.of(
        new ServerMessage.TurnFailed(4, "t1", "the model call failed: timeout"), new ServerMessage.TurnCancelled(5, "t2"))).frames();
    assertEquals(List.of("error", "error"), types(frames));
    assertEquals("the model call failed: timeout", ((ServerMessage.Error) frames.get(0)).content());
  }

  @Test
  void oneCallWaitsInTheDialogAtATimeAndAnApprovedOneIsNotSentAgain() {
    List<ServerMessage> frames = ide.translate(List.of(call("w1", "write_file", true), call("w2", "write_file", true))).frames();
    assertEquals(List.of("w1"), frames.stream().map(f -> ((ServerMessage.ToolCall) f).callId()).toList());

    assertTrue(ide.answered("w1"), "the dialog's answer goes to the session");
    assertEquals(List.of("w2"), ide.nextForDialog().stream().map(f -> ((ServerMessage.ToolCall) f).callId()).toList());
    // the session records the IDE's approval; the released call must not reach the IDE again
    assertEquals(List.of(), ide.translate(List.of(
        new ServerMessage.ApprovalResolved(7, "w1", "approve", null, null, null), call("w1", "write_file", false))).frames());
  }

  @Test
  void aCallRejectedElsewhereWhileInTheDialogIsToldAndItsDialogsAnswerDropped() {
    ide.translate(List.of(call("w1", "write_file", true), call("w2", "write_file", true)));
    List<ServerMessage> frames = ide.translate(List.of(new ServerMessage.ApprovalResolved(7, "w1", "expired", null, null, null))).frames();
    assertEquals(List.of("error", "tool_call"), types(frames), "told, and the next call gets the dialog");
    assertTrue(((ServerMessage.Error) frames.get(0)).content().contains("write_file call expired"));
    assertFalse(ide.answered("w1"), "the dialog's late answer is not passed on");

    // approved elsewhere: its dialog runs it, once
    List<ServerMessage> approved = ide.translate(List.of(
        new ServerMessage.ApprovalResolved(8, "w2", "approve", null, null, null), call("w2", "write_file", false))).frames();
    assertEquals(List.of(), approved);
    assertTrue(ide.answered("w2"));
  }

  @Test
  void aCallWaitingBehindTheDialogThatIsDecidedElsewhereIsNeverShownAsWaiting() {
    ide.translate(List.of(call("w1", "write_file", true), call("w2", "write_file", true)));
    List<ServerMessage> frames = ide.translate(List.of(
        new ServerMessage.ApprovalResolved(7, "w2", "approve", null, null, null), call("w2", "write_file", false))).frames();
    assertEquals(1, frames.size());
    assertFalse(((ServerMessage.ToolCall) frames.get(0)).requiresApproval(), "approved elsewhere: the IDE just runs it");
  }

  @Test
  void aCallOfAToolTheIdeDoesNotHaveIsAnsweredForIt() {
    CodeLabIdeFrames.Translated translated = ide.translate(List.of(call("d1", "delete_file", true), call("d2", "move_file", false)));
    assertEquals(List.of(), translated.frames());
    assertEquals(List.of(new CodeLabIdeFrames.Unrunnable("d1", "delete_file", true), new CodeLabIdeFrames.Unrunnable("d2", "move_file", false)),
        translated.unrunnable());
    assertEquals(List.of(), ide.translate(List.of(call("d1", "delete_file", true))).unrunnable(), "answered once");
  }
}
