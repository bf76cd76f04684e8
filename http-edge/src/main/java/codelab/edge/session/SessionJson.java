package codelab.edge.session;

import codelab.edge.Paging;
import codelab.edge.project.ApprovalRuleJson;
import codelab.session.MessageRole;
import codelab.session.Session;
import codelab.session.SessionState;
import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** The session bodies of the REST contract (PROTOCOL.md), written by the one snake_case mapper ({@code WireJson}). */
public final class SessionJson {

  private SessionJson() {}

  public record SessionBody(
      String id, String projectId, String title, int messageCount, Instant createdAt, Instant lastActivity, boolean isActive,
      String currentAgent, String agentId, long lastSeq) {
    public static SessionBody of(Session.Summary s) {
      return new SessionBody(
          s.sessionId(), s.projectId(), s.title(), s.messageCount(), s.createdAt(), s.lastActivity(), s.active(), s.currentAgent(),
          s.agentId(), s.lastSeq());
    }
  }

  public record SessionPage(List<SessionBody> sessions, int total, int limit, int offset) {
    public static SessionPage of(List<Session.Summary> sessions, int total, Paging paging) {
      return new SessionPage(sessions.stream().map(SessionBody::of).toList(), total, paging.limit(), paging.offset());
    }
  }

  public record History(String sessionId, List<HistoryMessage> messages, int messageCount, Instant lastActivity, String currentAgent) {
    static History of(Session.History h) {
      List<HistoryMessage> messages = HistoryMessage.of(h.messages());
      return new History(h.sessionId(), messages, messages.size(), h.lastActivity(), h.currentAgent());
    }
  }

  /**
   * One message as OpenAI's chat format has it: an assistant message carries the tool calls it made,
   * a tool message the id of the call it answers and that call's tool name, so a client can pair them.
   */
  public record HistoryMessage(
      MessageRole role, String content, String name, String toolCallId, List<ToolCall> toolCalls, Instant createdAt) {
    /** A tool message recorded before messages kept their tool's name takes it from the call it answers. */
    static List<HistoryMessage> of(List<SessionState.ChatMessage> messages) {
      Map<String, String> toolNames = new HashMap<>();
      List<HistoryMessage> shaped = new ArrayList<>(messages.size());
      for (SessionState.ChatMessage m : messages) {
        for (Session.ToolCall call : m.toolCalls()) toolNames.put(call.callId(), call.toolName());
        List<ToolCall> calls = m.toolCalls().isEmpty() ? null : m.toolCalls().stream().map(ToolCall::of).toList();
        String name = m.name() != null || m.toolCallId() == null ? m.name() : toolNames.get(m.toolCallId());
        shaped.add(new HistoryMessage(m.role(), m.content(), name, m.toolCallId(), calls, m.at()));
      }
      return shaped;
    }
  }

  /** {@code arguments} is the JSON text of the arguments, as OpenAI's format has it. */
  public record ToolCall(String id, String type, Function function) {
    static ToolCall of(Session.ToolCall call) {
      return new ToolCall(call.callId(), "function", new Function(call.toolName(), call.argumentsJson()));
    }
  }

  public record Function(String name, String arguments) {}

  public record PendingApprovals(String sessionId, List<Approval> pendingApprovals, int count) {
    static PendingApprovals of(Session.PendingApprovals pending) {
      List<Approval> approvals = pending.approvals().stream().map(Approval::of).toList();
      return new PendingApprovals(pending.sessionId(), approvals, approvals.size());
    }
  }

  public record Approval(
      String requestId, String callId, String toolName, JsonNode arguments, String reason, Instant createdAt, Instant deadline) {
    static Approval of(SessionState.Approval a) {
      return new Approval(a.requestId(), a.callId(), a.toolName(), WireMessages.arguments(a.argumentsJson()), a.reason(), a.createdAt(), a.deadline());
    }
  }

  /** {@code rule}: the approval rule the decision made ({@code remember}); absent otherwise. */
  public record Decided(String callId, String decision, ApprovalRuleJson.RuleBody rule) {}

  /**
   * A message taken over REST: its {@code seq} (where its answer follows on the stream) and operation
   * id; {@code duplicate} only on a retry, which is answered with the first acceptance's seq.
   */
  public record MessageAccepted(long seq, String operationId, Boolean duplicate) {
    static MessageAccepted of(Session.Accepted accepted) {
      return new MessageAccepted(accepted.seq(), accepted.operationId(), accepted.duplicate() ? Boolean.TRUE : null);
    }
  }

  /** A tool result recorded (or, with its operation id, recorded before): the session acknowledges it without a seq. */
  public record ToolResultTaken(String callId, String operationId) {}

  /** The running turn cancelled (or, with its operation id, cancelled before); the stream says which turn. */
  public record CancelTaken(String sessionId, String operationId) {}
}
