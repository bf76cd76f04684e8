package codelab.edge.session;

import codelab.project.ApprovalRuleMatch;
import codelab.session.Session;
import codelab.session.application.ApprovalDecisions;
import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
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

  /** {@code mode}: {@code direct} (absent: the same) or {@code orchestrated} (the project's orchestrator answers, and may plan). */
  static Parsed<Session.Accepted> userMessage(String userId, JsonNode message) {
    return userMessage(userId, message, null);
  }

  /** {@code traceId}: the W3C trace id of the request that carries the message, for the model calls it causes. */
  static Parsed<Session.Accepted> userMessage(String userId, JsonNode message, String traceId) {
    JsonNode content = message.get("content");
    if (content == null || !content.isTextual() || content.asText().isBlank()) {
      return new Parsed.Invalid<>("a user message needs a non-empty string 'content'");
    }
    JsonNode mode = message.get("mode");
    boolean orchestrated = mode != null && mode.isTextual() && mode.asText().equals("orchestrated");
    if (mode != null && !mode.isNull() && !orchestrated && !(mode.isTextual() && mode.asText().equals("direct"))) {
      return new Parsed.Invalid<>("mode must be 'direct' or 'orchestrated'");
    }
    String agentType = textOrNull(message, "agent_type");
    String operationId = textOrNull(message, "operation_id");
    return new Parsed.Valid<>(
        replyTo -> new Session.PostUserMessage(userId, content.asText(), agentType, operationId, orchestrated, traceId, replyTo));
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

  /** Whether a decision carries {@code remember}: it then goes to {@link ApprovalDecisions}, not straight to the session. */
  static boolean remembers(JsonNode message) {
    JsonNode remember = message.get("remember");
    return remember != null && !remember.isNull();
  }

  /** A decision that remembers a rule, read: what {@link ApprovalDecisions} is asked, or what is wrong with its shape. */
  sealed interface RememberedDecision {
    record Valid(ApprovalDecisions.Request request) implements RememberedDecision {}

    record Invalid(String problem) implements RememberedDecision {}
  }

  /**
   * The decision on {@code callId} (the WebSocket names it in the message, REST in the path) with its
   * {@code remember: {scope, ttl, match: {tool_name, path_prefix?, command_prefix?}}}. A field of the
   * wrong type is refused, never read as absent: an absent prefix would make a wider rule. Whether the
   * rule may be made is the service's to say.
   */
  static RememberedDecision rememberedDecision(String userId, String sessionId, String callId, JsonNode message) {
    String decision = textOrNull(message, "decision");
    if (callId == null || decision == null) return new RememberedDecision.Invalid("a decision needs 'call_id' and 'decision' (approve, edit, reject)");
    JsonNode remember = message.get("remember");
    JsonNode match = remember.isObject() ? remember.get("match") : null;
    if (match == null || !match.isObject()) {
      return new RememberedDecision.Invalid("remember must be an object {scope, ttl, match: {tool_name, path_prefix?, command_prefix?}}");
    }
    List<String> problems = new ArrayList<>();
    String scope = optionalString(remember, "scope", "remember.scope", problems);
    String ttl = optionalString(remember, "ttl", "remember.ttl", problems);
    ApprovalRuleMatch rule = new ApprovalRuleMatch(
        optionalString(match, "tool_name", "remember.match.tool_name", problems),
        optionalString(match, "path_prefix", "remember.match.path_prefix", problems),
        optionalString(match, "command_prefix", "remember.match.command_prefix", problems));
    if (!problems.isEmpty()) return new RememberedDecision.Invalid(String.join("; ", problems));
    String feedback = textOrNull(message, "feedback");
    String operationId = textOrNull(message, "operation_id");
    return new RememberedDecision.Valid(new ApprovalDecisions.Request(
        userId, sessionId, callId, decision, feedback, operationId, new ApprovalDecisions.Remember(scope, ttl, rule)));
  }

  /** A string field, stripped (blank stays blank, for the rule's checks to refuse); null when absent or JSON null; anything else is a problem. */
  private static String optionalString(JsonNode object, String field, String name, List<String> problems) {
    JsonNode value = object.get(field);
    if (value == null || value.isNull()) return null;
    if (!value.isTextual()) {
      problems.add(name + " must be a string");
      return null;
    }
    return value.asText().strip();
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
