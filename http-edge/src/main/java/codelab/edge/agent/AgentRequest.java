package codelab.edge.agent;

import codelab.agent.AgentConfiguration;
import codelab.agent.IdeTool;
import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * A client's agent configuration, read from a create or PATCH body: each field optional, each of the
 * type the contract gives it (a wrong type is a problem named for the client, never ignored).
 */
final class AgentRequest {

  private AgentRequest() {}

  /** What the body asks to change, or the problems of its shape. */
  record Parsed(AgentConfiguration.Change change, List<String> problems) {}

  static Parsed parse(JsonNode body) {
    List<String> problems = new ArrayList<>();
    String name = text(body, "name", problems);
    String role = text(body, "role", problems);
    String systemPrompt = text(body, "system_prompt", problems);
    String model = model(body.get("model"), problems);
    List<String> tools = names(body.get("tools"), "tools", problems);
    JsonNode policy = body.get("approval_policy");
    List<String> requireApproval = null;
    if (policy != null && !policy.isNull()) {
      if (!policy.isObject()) problems.add("approval_policy must be an object {\"require_approval\": [tool names]}");
      else requireApproval = names(policy.get("require_approval"), "approval_policy.require_approval", problems);
    }
    Boolean memoryEnabled = null;
    JsonNode memory = body.get("memory_enabled");
    if (memory != null && !memory.isNull()) {
      if (memory.isBoolean()) memoryEnabled = memory.asBoolean();
      else problems.add("memory_enabled must be true or false");
    }
    return new Parsed(new AgentConfiguration.Change(name, role, systemPrompt, model, tools, requireApproval, memoryEnabled), problems);
  }

  /** A new agent: name, role and system prompt are needed; without an approval policy, what changes the workspace waits for a human. */
  static AgentConfiguration newAgent(AgentConfiguration.Change change) {
    List<String> tools = change.tools() == null ? List.of() : change.tools();
    List<String> requireApproval = change.requireApproval() != null ? change.requireApproval()
        : tools.stream().filter(t -> IdeTool.named(t).map(IdeTool::needsApprovalByDefault).orElse(false)).toList();
    return new AgentConfiguration(change.name(), change.role(), change.systemPrompt(),
        change.model() == null || change.model().isBlank() ? null : change.model(), tools, requireApproval,
        Optional.ofNullable(change.memoryEnabled()).orElse(false));
  }

  private static String text(JsonNode body, String field, List<String> problems) {
    JsonNode value = body.get(field);
    if (value == null || value.isNull()) return null;
    if (!value.isTextual()) {
      problems.add(field + " must be a string");
      return null;
    }
    return value.asText();
  }

  /** A model by name, or as the agent body shows it ({"name": …}); "" or null name: the node's default. */
  private static String model(JsonNode value, List<String> problems) {
    if (value == null || value.isNull()) return null;
    if (value.isTextual()) return value.asText();
    if (value.isObject() && value.path("name").isTextual()) return value.get("name").asText();
    problems.add("model must be a model name or {\"name\": model name}");
    return null;
  }

  private static List<String> names(JsonNode value, String field, List<String> problems) {
    if (value == null || value.isNull()) return null;
    List<String> names = new ArrayList<>();
    if (value.isArray()) {
      for (JsonNode item : value) {
        if (!item.isTextual()) break;
        names.add(item.asText());
      }
      if (names.size() == value.size()) return names;
    }
    problems.add(field + " must be an array of tool names");
    return null;
  }
}
