package codelab.platform.scripted;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Decides, deterministically, what the scripted model answers to a conversation (the Chat
 * Completions {@code messages} array). Only the end of the conversation matters: trailing tool
 * results are summarised; otherwise the last message is quoted back word by word, or, when it is a
 * user message naming tools, those tool calls are requested. A user message starting with
 * {@code plan:} is answered with a {@value PlanKeywords#TOOL} call when the request offers that tool
 * (see {@link PlanKeywords}). A user message containing
 * {@value #SHOW_CONTEXT} is answered with what the call was given: its system messages (the agent's
 * prompt, recalled memories, a note on left-out history) and how many messages it had.
 */
final class ScriptedModel {

  private static final Pattern TOKEN = Pattern.compile("\\S+\\s*");
  private static final Pattern WORD = Pattern.compile("\\S+");
  private static final String FILLER = " lorem";
  private static final int RESULT_EXCERPT = 160;
  static final String SHOW_CONTEXT = "show context";

  private final ObjectMapper json;
  private final int extraTokens;

  ScriptedModel(ObjectMapper json, int extraTokens) {
    if (extraTokens < 0) throw new IllegalArgumentException("extraTokens must not be negative");
    this.json = json;
    this.extraTokens = extraTokens;
  }

  /**
   * @param offeredTools the names of the tools the request offers; a model may only call those, so a
   *     plan is proposed only where the orchestrator's {@value PlanKeywords#TOOL} is one of them
   */
  ScriptedReply answer(JsonNode messages, Set<String> offeredTools) {
    List<JsonNode> conversation = new ArrayList<>();
    messages.forEach(conversation::add);
    int promptTokens = conversation.stream().mapToInt(m -> words(content(m))).sum();

    int end = conversation.size();
    int firstResult = end;
    while (firstResult > 0 && role(conversation.get(firstResult - 1)).equals("tool")) firstResult--;
    if (firstResult < end) {
      return text(summary(conversation, firstResult, end), promptTokens);
    }

    JsonNode last = null;
    for (int i = end - 1; i >= 0 && last == null; i--) {
      if (!role(conversation.get(i)).equals("system")) last = conversation.get(i);
    }
    String said = last == null ? "" : content(last);
    if (last != null && role(last).equals("user") && offeredTools.contains(PlanKeywords.TOOL)) {
      List<PlanKeywords.Task> plan = PlanKeywords.find(said);
      if (!plan.isEmpty()) return planCall(plan, digest(messages.toString()), promptTokens);
    }
    if (last != null && role(last).equals("user") && said.toLowerCase(java.util.Locale.ROOT).contains(SHOW_CONTEXT)) {
      return text(context(conversation), promptTokens);
    }
    if (last != null && role(last).equals("user")) {
      List<ToolKeywords.Request> requests = ToolKeywords.find(said);
      if (!requests.isEmpty()) return toolCalls(requests, digest(messages.toString()), promptTokens);
    }
    return text("You said: " + said, promptTokens);
  }

  /** "N messages; system: …": what a call was sent, for a person or a test to see what the model was told. */
  private String context(List<JsonNode> conversation) {
    List<String> system = conversation.stream().filter(m -> role(m).equals("system")).map(ScriptedModel::content).toList();
    return conversation.size() + " messages; system: " + String.join(" || ", system);
  }

  /** A stable id for a completion of this conversation; differs as soon as the conversation does. */
  String completionId(JsonNode messages) {
    return "chatcmpl-scripted-" + digest(messages.toString()).substring(0, 24);
  }

  private ScriptedReply text(String reply, int promptTokens) {
    List<String> tokens = new ArrayList<>();
    Matcher m = TOKEN.matcher(reply);
    int consumed = 0;
    while (m.find()) {
      // leading whitespace rides on the first word, so the tokens always add up to the reply
      tokens.add(reply.substring(consumed, m.end()));
      consumed = m.end();
    }
    if (consumed < reply.length()) tokens.add(reply.substring(consumed));
    for (int i = 0; i < extraTokens; i++) tokens.add(FILLER);
    return new ScriptedReply.Text(List.copyOf(tokens), promptTokens);
  }

  private ScriptedReply toolCalls(List<ToolKeywords.Request> requests, String conversationDigest, int promptTokens) {
    List<ScriptedReply.Call> calls = new ArrayList<>();
    for (int i = 0; i < requests.size(); i++) {
      ToolKeywords.Request request = requests.get(i);
      ObjectNode arguments = json.createObjectNode();
      request.arguments().forEach(arguments::put);
      calls.add(new ScriptedReply.Call(callId(conversationDigest, i), request.tool(), arguments.toString()));
    }
    return new ScriptedReply.ToolCalls(List.copyOf(calls), promptTokens);
  }

  private ScriptedReply planCall(List<PlanKeywords.Task> plan, String conversationDigest, int promptTokens) {
    ObjectNode arguments = json.createObjectNode();
    ArrayNode tasks = arguments.putArray("tasks");
    for (PlanKeywords.Task task : plan) {
      ObjectNode t = tasks.addObject()
          .put("task_id", task.id())
          .put("title", task.title())
          .put("agent_role", task.agentRole())
          .put("instructions", task.instructions());
      ArrayNode dependsOn = t.putArray("depends_on");
      task.dependsOn().forEach(dependsOn::add);
    }
    ScriptedReply.Call call = new ScriptedReply.Call(callId(conversationDigest, 0), PlanKeywords.TOOL, arguments.toString());
    return new ScriptedReply.ToolCalls(List.of(call), promptTokens);
  }

  // ids must differ between turns of one session (the session keys calls by id) yet be reproducible
  private static String callId(String conversationDigest, int index) {
    return "call_" + digest(conversationDigest + "#" + index).substring(0, 24);
  }

  private String summary(List<JsonNode> conversation, int from, int to) {
    List<String> parts = new ArrayList<>();
    for (int i = from; i < to; i++) {
      JsonNode result = conversation.get(i);
      String excerpt = content(result).strip().replaceAll("\\s+", " ");
      if (excerpt.isEmpty()) excerpt = "(nothing)";
      if (excerpt.length() > RESULT_EXCERPT) excerpt = excerpt.substring(0, RESULT_EXCERPT) + "…";
      parts.add("The " + toolName(conversation, result) + " call returned: " + excerpt);
    }
    return String.join(" ", parts);
  }

  private static String toolName(List<JsonNode> conversation, JsonNode result) {
    String callId = result.path("tool_call_id").asText("");
    for (JsonNode message : conversation) {
      for (JsonNode call : message.path("tool_calls")) {
        if (call.path("id").asText("").equals(callId)) return call.path("function").path("name").asText("tool");
      }
    }
    return result.path("name").asText("tool");
  }

  private static String role(JsonNode message) {
    return message.path("role").asText("");
  }

  /** Content is a string, or (newer OpenAI clients) an array of parts of which the text ones count. */
  private static String content(JsonNode message) {
    JsonNode content = message.path("content");
    if (content.isTextual()) return content.asText();
    if (!content.isArray()) return "";
    StringBuilder text = new StringBuilder();
    for (JsonNode part : content) {
      if (part.path("type").asText("").equals("text")) text.append(part.path("text").asText(""));
    }
    return text.toString();
  }

  private static int words(String text) {
    int count = 0;
    Matcher m = WORD.matcher(text);
    while (m.find()) count++;
    return count;
  }

  private static String digest(String text) {
    try {
      byte[] hash = MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(hash);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every Java runtime has SHA-256", e);
    }
  }
}
