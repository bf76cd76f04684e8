package codelab.edge.session;

import codelab.session.Session;
import com.fasterxml.jackson.databind.JsonNode;
import java.util.function.Function;
import org.apache.pekko.Done;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.pattern.StatusReply;

/**
 * A client's message to its session (a user message, a tool result, a decision, an agent switch, a
 * cancel) read into the session command it stands for, or what is wrong with it. The one reading of
 * these messages, whether they come as WebSocket frames or REST bodies, so that both channels have the
 * same rules; only where the session's answer goes differs, so the command is built once that is known.
 */
final class ClientCommands {

  /** A message read: a command waiting for where its answer goes, or the problem a client is told. */
  sealed interface Parsed<T> {
    record Valid<T>(Function<ActorRef<StatusReply<T>>, Session.Command> command) implements Parsed<T> {}

    record Invalid<T>(String problem) implements Parsed<T> {}
  }

  private ClientCommands() {}

  /** {@code mode} is not read: orchestrated plans are not built yet, so every message is answered directly. */
  static Parsed<Session.Accepted> userMessage(String userId, JsonNode message) {
    JsonNode content = message.get("content");
    if (content == null || !content.isTextual() || content.asText().isBlank()) {
      return new Parsed.Invalid<>("a user message needs a non-empty string 'content'");
    }
    String agentType = textOrNull(message, "agent_type");
    String operationId = textOrNull(message, "operation_id");
    return new Parsed.Valid<>(replyTo -> new Session.PostUserMessage(userId, content.asText(), agentType, operationId, replyTo));
  }

  static Parsed<Done> toolResult(String userId, JsonNode message) {
    String callId = textOrNull(message, "call_id");
    JsonNode result = message.get("result");
    String error = textOrNull(message, "error");
    if (callId == null) return new Parsed.Invalid<>("a tool result needs 'call_id'");
    if ((result == null || !result.isObject()) && error == null) {
      return new Parsed.Invalid<>("a tool result needs a 'result' object or an 'error' string");
    }
    String resultJson = error == null ? result.toString() : null;
    String operationId = textOrNull(message, "operation_id");
    return new Parsed.Valid<>(replyTo -> new Session.RecordToolResult(userId, callId, resultJson, error, operationId, replyTo));
  }

  static Parsed<Session.Decision> decision(String userId, JsonNode message) {
    String callId = textOrNull(message, "call_id");
    String decision = textOrNull(message, "decision");
    if (callId == null || decision == null) {
      return new Parsed.Invalid<>("a decision needs 'call_id' and 'decision' (approve, edit, reject)");
    }
    JsonNode modified = message.get("modified_arguments");
    String modifiedJson = modified == null || modified.isNull() ? null : modified.toString();
    String feedback = textOrNull(message, "feedback");
    String operationId = textOrNull(message, "operation_id");
    return new Parsed.Valid<>(
        replyTo -> new Session.Decide(userId, callId, decision, modifiedJson, feedback, operationId, replyTo));
  }

  static Parsed<Done> switchAgent(String userId, JsonNode message) {
    String agentType = textOrNull(message, "agent_type");
    String agentId = textOrNull(message, "agent_id");
    if (agentType == null && agentId == null) return new Parsed.Invalid<>("switching agents needs 'agent_id' or 'agent_type'");
    String reason = textOrNull(message, "reason");
    // an agent id is what the agent is; a role only names the project's starter agent
    return new Parsed.Valid<>(replyTo -> new Session.SwitchAgent(userId, agentId == null ? agentType : null, agentId, reason, replyTo));
  }

  static Parsed<Done> cancel(String userId, JsonNode message) {
    String operationId = textOrNull(message, "operation_id");
    return new Parsed.Valid<>(replyTo -> new Session.CancelTurn(userId, operationId, replyTo));
  }

  /** A string field as these messages are read: null when it is missing, not a string, or blank. */
  static String textOrNull(JsonNode message, String field) {
    JsonNode value = message.get(field);
    return value == null || !value.isTextual() || value.asText().isBlank() ? null : value.asText();
  }
}
