package codelab.edge.session;

import codelab.edge.WireJson;
import codelab.session.SessionError;
import codelab.session.SessionUpdate;
import com.fasterxml.jackson.databind.node.ObjectNode;

/** The WebSocket messages of PROTOCOL.md that the server sends, built from what the session says. */
final class WireMessages {

  private WireMessages() {}

  static ObjectNode sessionInfo(SessionUpdate.Subscribed subscribed) {
    return message("session_info")
        .put("session_id", subscribed.sessionId())
        .put("current_agent", subscribed.currentAgent())
        .put("last_seq", subscribed.lastSeq());
  }

  /** The wire form of a session update; null for updates that are not sent as such. */
  static ObjectNode of(SessionUpdate update) {
    if (update instanceof SessionUpdate.MessageAccepted u) {
      return messageAccepted(u.seq(), u.operationId(), u.content());
    } else if (update instanceof SessionUpdate.AssistantDelta u) {
      return message("assistant_delta").put("turn_id", u.turnId()).put("index", u.index()).put("token", u.token());
    } else if (update instanceof SessionUpdate.AssistantMessage u) {
      ObjectNode node =
          message("assistant_message").put("seq", u.seq()).put("turn_id", u.turnId()).put("content", u.content()).put("is_final", true);
      if (u.usage() != null) {
        node.putObject("usage")
            .put("prompt_tokens", u.usage().promptTokens())
            .put("completion_tokens", u.usage().completionTokens())
            .put("total_tokens", u.usage().promptTokens() + u.usage().completionTokens());
      }
      return node;
    } else if (update instanceof SessionUpdate.AgentSwitched u) {
      return message("agent_switched")
          .put("seq", u.seq())
          .put("from_agent", u.fromAgent())
          .put("to_agent", u.toAgent())
          .put("reason", u.reason())
          .put("content", "Switched from " + u.fromAgent() + " to " + u.toAgent());
    } else if (update instanceof SessionUpdate.ToolCallRequested u) {
      ObjectNode node = message("tool_call")
          .put("seq", u.seq())
          .put("turn_id", u.turnId())
          .put("call_id", u.callId())
          .put("tool_name", u.toolName());
      node.set("arguments", arguments(u.argumentsJson()));
      node.put("requires_approval", u.requiresApproval()).put("is_final", true);
      if (u.resent()) node.put("resent", true);
      return node;
    } else if (update instanceof SessionUpdate.ApprovalRequired u) {
      ObjectNode node = message("approval_required").put("seq", u.seq()).put("call_id", u.callId()).put("tool_name", u.toolName());
      node.set("arguments", arguments(u.argumentsJson()));
      node.put("reason", u.reason()).put("deadline", u.deadline().toString());
      if (u.resent()) node.put("resent", true);
      return node;
    } else if (update instanceof SessionUpdate.ApprovalResolved u) {
      ObjectNode node = message("approval_resolved").put("seq", u.seq()).put("call_id", u.callId()).put("decision", u.decision());
      if (u.argumentsJson() != null) node.set("arguments", arguments(u.argumentsJson()));
      if (u.feedback() != null) node.put("feedback", u.feedback());
      return node;
    } else if (update instanceof SessionUpdate.ToolResultRecorded u) {
      return message("tool_result_recorded").put("seq", u.seq()).put("call_id", u.callId());
    } else if (update instanceof SessionUpdate.TurnCancelled u) {
      return message("turn_cancelled").put("seq", u.seq()).put("turn_id", u.turnId());
    } else if (update instanceof SessionUpdate.TurnCompleted u) {
      return message("turn_completed").put("seq", u.seq()).put("turn_id", u.turnId());
    } else if (update instanceof SessionUpdate.TurnFailed u) {
      return message("turn_failed").put("seq", u.seq()).put("turn_id", u.turnId()).put("error", u.error());
    }
    return null;
  }

  static ObjectNode messageAccepted(long seq, String operationId, String content) {
    ObjectNode node = message("message_accepted").put("seq", seq).put("role", "user").put("content", content);
    if (operationId != null) node.put("operation_id", operationId);
    return node;
  }

  static ObjectNode error(String code, String text) {
    return message("error").put("code", code).put("content", text).put("error", text);
  }

  static ObjectNode resync(String reason) {
    return message("resync").put("reason", reason);
  }

  static ObjectNode pong() {
    return message("pong");
  }

  /** The error code a client sees for a session's refusal of its command. */
  static String codeOf(String sessionError) {
    return SessionError.ofMessage(sessionError)
        .map(error -> switch (error.kind()) {
          case NOT_FOUND -> "not_found";
          case INVALID -> "invalid_message";
          case CONFLICT -> "conflict";
        })
        .orElse("rejected");
  }

  /** A call's arguments as the JSON object the model sent; text that is not JSON is passed on as a string. */
  static com.fasterxml.jackson.databind.JsonNode arguments(String argumentsJson) {
    try {
      com.fasterxml.jackson.databind.JsonNode parsed = WireJson.MAPPER.readTree(argumentsJson);
      return parsed == null ? WireJson.MAPPER.createObjectNode() : parsed;
    } catch (Exception e) {
      return WireJson.MAPPER.getNodeFactory().textNode(argumentsJson);
    }
  }

  private static ObjectNode message(String type) {
    return WireJson.MAPPER.createObjectNode().put("type", type);
  }
}
