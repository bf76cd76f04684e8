package codelab.edge.session;

import codelab.EntityError;
import codelab.edge.WireJson;
import codelab.session.SessionError;
import codelab.session.SessionUpdate;
import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Arrays;
import java.util.Map;
import java.util.OptionalLong;
import java.util.stream.Collectors;

/** The server's WebSocket messages ({@link ServerMessage}), built from what the session says. */
final class WireMessages {

  private WireMessages() {}

  /** Each message's {@code type}, read from the one place that names them (ServerMessage's subtypes). */
  private static final Map<Class<?>, String> TYPES =
      Arrays.stream(ServerMessage.class.getAnnotation(JsonSubTypes.class).value())
          .collect(Collectors.toUnmodifiableMap(JsonSubTypes.Type::value, JsonSubTypes.Type::name));

  static ServerMessage sessionInfo(SessionUpdate.Subscribed subscribed) {
    return new ServerMessage.SessionInfo(subscribed.sessionId(), subscribed.currentAgent(), subscribed.lastSeq());
  }

  /** The wire form of a session update; null for updates that are not sent as such. */
  static ServerMessage of(SessionUpdate update) {
    if (update instanceof SessionUpdate.MessageAccepted u) {
      return messageAccepted(u.seq(), u.operationId(), u.content());
    } else if (update instanceof SessionUpdate.AssistantDelta u) {
      return new ServerMessage.AssistantDelta(u.turnId(), u.index(), u.token(), u.count() > 1 ? u.count() : null);
    } else if (update instanceof SessionUpdate.AssistantMessage u) {
      ServerMessage.Usage usage = u.usage() == null ? null : new ServerMessage.Usage(
          u.usage().promptTokens(), u.usage().completionTokens(), u.usage().promptTokens() + u.usage().completionTokens());
      return new ServerMessage.AssistantMessage(u.seq(), u.turnId(), u.content(), true, usage);
    } else if (update instanceof SessionUpdate.AgentSwitched u) {
      return new ServerMessage.AgentSwitched(
          u.seq(), u.fromAgent(), u.toAgent(), u.reason(), "Switched from " + u.fromAgent() + " to " + u.toAgent());
    } else if (update instanceof SessionUpdate.ToolCallRequested u) {
      return new ServerMessage.ToolCall(
          u.seq(), u.turnId(), u.callId(), u.toolName(), arguments(u.argumentsJson()), u.requiresApproval(), true, resent(u.resent()));
    } else if (update instanceof SessionUpdate.ApprovalRequired u) {
      return new ServerMessage.ApprovalRequired(
          u.seq(), u.callId(), u.toolName(), arguments(u.argumentsJson()), u.reason(), u.deadline().toString(), resent(u.resent()));
    } else if (update instanceof SessionUpdate.ApprovalResolved u) {
      JsonNode arguments = u.argumentsJson() == null ? null : arguments(u.argumentsJson());
      return new ServerMessage.ApprovalResolved(u.seq(), u.callId(), u.decision(), arguments, u.feedback(), u.ruleId());
    } else if (update instanceof SessionUpdate.ToolResultRecorded u) {
      return new ServerMessage.ToolResultRecorded(u.seq(), u.callId());
    } else if (update instanceof SessionUpdate.TurnCancelled u) {
      return new ServerMessage.TurnCancelled(u.seq(), u.turnId());
    } else if (update instanceof SessionUpdate.TurnStarted u) {
      return new ServerMessage.TurnStarted(u.seq(), u.turnId(), u.attempt(), u.agentId(), u.agentVersion(), u.model());
    } else if (update instanceof SessionUpdate.TurnCompleted u) {
      return new ServerMessage.TurnCompleted(u.seq(), u.turnId());
    } else if (update instanceof SessionUpdate.TurnFailed u) {
      return new ServerMessage.TurnFailed(u.seq(), u.turnId(), u.error());
    } else if (update instanceof SessionUpdate.PlanStarted u) {
      return new ServerMessage.PlanStarted(u.seq(), u.planId(), u.tasks().stream().map(PlanJson.TaskBody::of).toList());
    } else if (update instanceof SessionUpdate.TaskStarted u) {
      return new ServerMessage.TaskStarted(u.seq(), u.planId(), u.taskId(), u.agentId(), u.sessionId());
    } else if (update instanceof SessionUpdate.TaskCompleted u) {
      return new ServerMessage.TaskCompleted(u.seq(), u.planId(), u.taskId(), u.content());
    } else if (update instanceof SessionUpdate.TaskFailed u) {
      return new ServerMessage.TaskFailed(u.seq(), u.planId(), u.taskId(), u.error());
    } else if (update instanceof SessionUpdate.PlanCompleted u) {
      return new ServerMessage.PlanCompleted(u.seq(), u.planId());
    }
    return null;
  }

  static ServerMessage messageAccepted(long seq, String operationId, String content) {
    return new ServerMessage.MessageAccepted(seq, "user", content, operationId);
  }

  static ServerMessage error(String code, String text) {
    return new ServerMessage.Error(code, text, text);
  }

  static ServerMessage resync(String reason) {
    return new ServerMessage.Resync(reason);
  }

  static ServerMessage pong() {
    return new ServerMessage.Pong();
  }

  /** The text frame of a message. */
  static String text(ServerMessage message) {
    try {
      if (message instanceof ServerMessage.ForTask forTask) {
        ObjectNode frame = WireJson.MAPPER.valueToTree(forTask.frame());
        JsonNode seq = frame.remove("seq");
        if (seq != null) frame.set("task_seq", seq);
        frame.put("task_id", forTask.taskId());
        frame.put("task_session_id", forTask.taskSessionId());
        return WireJson.MAPPER.writeValueAsString(frame);
      }
      return WireJson.MAPPER.writeValueAsString(message);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("a server message could not be written: " + message, e);
    }
  }

  /** The {@code type} a message is written with. */
  static String typeOf(ServerMessage message) {
    if (message instanceof ServerMessage.ForTask forTask) return typeOf(forTask.frame());
    return TYPES.get(message.getClass());
  }

  /** Where a client that has this message resumes from; empty for what is not persisted (deltas, session_info, errors). */
  static OptionalLong seqOf(ServerMessage message) {
    return message instanceof ServerMessage.Persisted persisted ? OptionalLong.of(persisted.seq()) : OptionalLong.empty();
  }

  /** Only a call sent again says so. */
  private static Boolean resent(boolean resent) {
    return resent ? Boolean.TRUE : null;
  }

  /** The error code a client sees for a session's refusal of its command. */
  static String codeOf(String sessionError) {
    return SessionError.ofMessage(sessionError).map(WireMessages::codeOf).orElse("rejected");
  }

  /** The error code a client sees for an entity's refusal, by its kind. */
  static String codeOf(EntityError error) {
    return switch (error.kind()) {
      case NOT_FOUND -> "not_found";
      case INVALID -> "invalid_message";
      case CONFLICT -> "conflict";
    };
  }

  /** A call's arguments as the JSON object the model sent; text that is not JSON is passed on as a string. */
  static JsonNode arguments(String argumentsJson) {
    try {
      JsonNode parsed = WireJson.MAPPER.readTree(argumentsJson);
      return parsed == null ? WireJson.MAPPER.createObjectNode() : parsed;
    } catch (Exception e) {
      return WireJson.MAPPER.getNodeFactory().textNode(argumentsJson);
    }
  }
}
