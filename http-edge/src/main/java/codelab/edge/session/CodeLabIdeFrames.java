package codelab.edge.session;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What the CodeLab IDE (pese-git/codelab_ide) is sent on one connection, and what its answers mean.
 * The IDE turns every frame into a chat bubble and acts on {@code assistant_message}, {@code tool_call},
 * {@code agent_switched} and {@code error} only; it has one approval dialog, which a second request
 * overwrites; it runs read_file, write_file, list_files, create_directory, execute_command and
 * search_in_code. So it gets no deltas (each step's text as one assistant_message, as CodeLab sends),
 * no control frames, a failed or cancelled turn as an error with its reason, one call waiting for
 * approval at a time (the next once it answered), and no call it cannot run (the connection answers
 * those for it). A call decided elsewhere (REST, a rule, its deadline) while its dialog is open: an
 * approval lets the dialog run it (the released call is not sent again, so it never runs twice); a
 * rejection or expiry is told as an error, and the dialog's later answer is not passed on.
 */
final class CodeLabIdeFrames {

  static final Set<String> IDE_TOOLS = Set.of("read_file", "write_file", "list_files", "create_directory", "execute_command", "search_in_code");

  /** A call the IDE cannot run, to be answered for it: rejected if it waits for approval, else failed. */
  record Unrunnable(String callId, String toolName, boolean awaitingApproval) {
    String reason() {
      return "the CodeLab IDE cannot run " + toolName;
    }
  }

  /** What one server message comes to: the frames for the IDE, and the calls to answer for it. */
  record Translated(List<ServerMessage> frames, List<Unrunnable> unrunnable) {}

  private String turnId;
  private final StringBuilder turnText = new StringBuilder();
  private int shown;
  private final Deque<ServerMessage.ToolCall> waitingForDialog = new ArrayDeque<>();
  private String inDialog;
  /** The calls shown in the dialog, with their tools. */
  private final Map<String, String> askedInDialog = new HashMap<>();
  private final Set<String> answeredForIde = new HashSet<>();
  private final Set<String> decidedElsewhere = new HashSet<>();

  Translated translate(List<ServerMessage> messages) {
    List<ServerMessage> frames = new ArrayList<>();
    List<Unrunnable> unrunnable = new ArrayList<>();
    for (ServerMessage message : messages) translate(message, frames, unrunnable);
    return new Translated(frames, unrunnable);
  }

  private void translate(ServerMessage message, List<ServerMessage> frames, List<Unrunnable> unrunnable) {
    if (message instanceof ServerMessage.AssistantDelta delta) {
      follow(delta.turnId());
      turnText.append(delta.token());
    } else if (message instanceof ServerMessage.AssistantMessage answer) {
      frames.add(new ServerMessage.AssistantMessage(answer.seq(), answer.turnId(), unshown(answer), true, answer.usage()));
      turnId = null;
    } else if (message instanceof ServerMessage.ToolCall call) {
      toolCall(call, frames, unrunnable);
    } else if (message instanceof ServerMessage.ApprovalResolved resolved) {
      resolved(resolved, frames);
    } else if (message instanceof ServerMessage.TurnFailed failed) {
      frames.add(WireMessages.error("turn_failed", failed.error()));
    } else if (message instanceof ServerMessage.TurnCancelled) {
      frames.add(WireMessages.error("turn_cancelled", "the turn was cancelled"));
    } else if (message instanceof ServerMessage.Resync resync) {
      frames.add(WireMessages.error("resync", resync.reason()));
    } else if (message instanceof ServerMessage.AgentSwitched || message instanceof ServerMessage.Error || message instanceof ServerMessage.Pong) {
      frames.add(message);
    }
    // session_info, message_accepted, turn_started/completed, approval_required, tool_result_recorded,
    // plans and tasks: nothing the IDE reads, each would be an empty bubble
  }

  /**
   * The IDE answered {@code callId} (its tool_result): false when the answer is not to be passed on
   * (the call was rejected elsewhere, or answered for it); the next call waiting for the dialog, if
   * this one was in it, is then in {@link #nextForDialog}.
   */
  boolean answered(String callId) {
    if (callId != null && callId.equals(inDialog)) inDialog = null;
    return !decidedElsewhere.remove(callId) && !answeredForIde.contains(callId);
  }

  /** The call to show in the dialog now that it is free, if one waits. */
  List<ServerMessage> nextForDialog() {
    if (inDialog != null || waitingForDialog.isEmpty()) return List.of();
    ServerMessage.ToolCall next = waitingForDialog.poll();
    inDialog = next.callId();
    askedInDialog.put(next.callId(), next.toolName());
    return List.of(next);
  }

  private void toolCall(ServerMessage.ToolCall call, List<ServerMessage> frames, List<Unrunnable> unrunnable) {
    // the text the model wrote before asking is shown before the call, as CodeLab shows a step
    follow(call.turnId());
    String before = turnText.substring(shown);
    shown = turnText.length();
    if (!before.isBlank()) frames.add(new ServerMessage.AssistantMessage(call.seq(), call.turnId(), before, false, null));
    if (!IDE_TOOLS.contains(call.toolName())) {
      if (answeredForIde.add(call.callId())) unrunnable.add(new Unrunnable(call.callId(), call.toolName(), call.requiresApproval()));
      return;
    }
    if (call.requiresApproval()) {
      if (call.callId().equals(inDialog) || waitingForDialog.stream().anyMatch(w -> w.callId().equals(call.callId()))) return;
      waitingForDialog.add(call);
      frames.addAll(nextForDialog());
    } else if (!askedInDialog.containsKey(call.callId())) {
      // a call its dialog approved is run by the dialog: sending it again would run it twice
      frames.add(call);
    }
  }

  private void resolved(ServerMessage.ApprovalResolved resolved, List<ServerMessage> frames) {
    String callId = resolved.callId();
    if (waitingForDialog.removeIf(w -> w.callId().equals(callId))) return; // never shown: an approval's released call comes next
    if (!callId.equals(inDialog)) return; // the dialog's own answer
    boolean approved = resolved.decision().equals("approve") || resolved.decision().equals("edit");
    if (approved) return; // the open dialog runs it when the person approves there
    inDialog = null;
    decidedElsewhere.add(callId);
    String how = resolved.decision().equals("expired") ? "expired" : "was rejected elsewhere";
    frames.add(WireMessages.error("approval_" + resolved.decision(),
        "The approval of this " + askedInDialog.get(callId) + " call " + how + ": the agent was told it did not run. Choose Reject in its dialog."));
    frames.addAll(nextForDialog());
  }

  /** Deltas of a new turn start a new text. */
  private void follow(String turn) {
    if (turn != null && turn.equals(turnId)) return;
    turnId = turn;
    turnText.setLength(0);
    shown = 0;
  }

  /** A turn's answer holds the text of its steps too; the IDE was shown those with their calls. */
  private String unshown(ServerMessage.AssistantMessage answer) {
    if (answer.turnId() == null || !answer.turnId().equals(turnId) || shown == 0) return answer.content();
    String content = answer.content() == null ? "" : answer.content();
    return shown <= content.length() ? content.substring(shown) : content;
  }
}
