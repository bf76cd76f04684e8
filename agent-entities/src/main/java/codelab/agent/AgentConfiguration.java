package codelab.agent;

import codelab.JsonSerializable;
import codelab.llm.LlmTool;
import codelab.llm.ModelCatalog;
import java.util.ArrayList;
import java.util.List;

/**
 * One version of what an agent is: its name and role, the system prompt that frames the model, the
 * model it names ({@code model}: a name of the {@link ModelCatalog}, null for the node's default), the
 * IDE tools it may ask for and which of those wait for a human ({@code requireApproval}), and whether
 * it remembers its turns. Field names are the journal's JSON: keep them.
 */
public record AgentConfiguration(
    String name, String role, String systemPrompt, String model, List<String> tools, List<String> requireApproval, boolean memoryEnabled)
    implements JsonSerializable {

  public static final int MAX_NAME = 100;
  public static final int MAX_PROMPT = 100_000;

  public AgentConfiguration {
    tools = tools == null ? List.of() : List.copyOf(tools);
    requireApproval = requireApproval == null ? List.of() : List.copyOf(requireApproval);
  }

  /**
   * A change as a client asks it: null fields stay as they are. {@code model} set to the empty string
   * goes back to the node's default model.
   */
  public record Change(
      String name, String role, String systemPrompt, String model, List<String> tools, List<String> requireApproval, Boolean memoryEnabled)
      implements JsonSerializable {

    public boolean isEmpty() {
      return name == null && role == null && systemPrompt == null && model == null && tools == null && requireApproval == null
          && memoryEnabled == null;
    }
  }

  public AgentConfiguration with(Change change) {
    return new AgentConfiguration(
        change.name() != null ? change.name().strip() : name,
        change.role() != null ? change.role().strip() : role,
        change.systemPrompt() != null ? change.systemPrompt() : systemPrompt,
        change.model() == null ? model : change.model().isBlank() ? null : change.model().strip(),
        change.tools() != null ? change.tools() : tools,
        change.requireApproval() != null ? change.requireApproval() : approvalFor(change.tools()),
        change.memoryEnabled() != null ? change.memoryEnabled() : memoryEnabled);
  }

  /**
   * The approval policy when only the tools change: tools kept keep their policy, a tool added waits
   * for a human when it changes the workspace or runs commands (as in a new agent), a tool removed
   * leaves it. Never fewer approvals than the change names.
   */
  private List<String> approvalFor(List<String> newTools) {
    if (newTools == null) return requireApproval;
    return newTools.stream()
        .filter(t -> tools.contains(t) ? requireApproval.contains(t) : IdeTool.named(t).map(IdeTool::needsApprovalByDefault).orElse(false))
        .toList();
  }

  /**
   * What is wrong with this configuration, each problem a sentence a client can act on (unknown tool
   * and model names are named); empty when it is valid.
   */
  public List<String> problems(ModelCatalog models) {
    List<String> problems = new ArrayList<>();
    if (name == null || name.isBlank()) problems.add("name must not be empty");
    else if (name.length() > MAX_NAME) problems.add("name is longer than " + MAX_NAME + " characters");
    if (role == null || !role.matches("[a-z][a-z0-9_-]{0,39}")) {
      problems.add("role must be 1-40 lower-case letters, digits, '-' or '_', starting with a letter");
    }
    if (systemPrompt == null || systemPrompt.isBlank()) problems.add("system_prompt must not be empty");
    else if (systemPrompt.length() > MAX_PROMPT) problems.add("system_prompt is longer than " + MAX_PROMPT + " characters");
    if (model != null && models.find(model).isEmpty()) {
      problems.add("unknown model '" + model + "'; configured: " + String.join(", ", models.names()));
    }
    List<String> unknownTools = tools.stream().filter(t -> IdeTool.named(t).isEmpty()).toList();
    if (!unknownTools.isEmpty()) problems.add("unknown tools: " + String.join(", ", unknownTools) + "; known: " + IdeTool.knownNames());
    List<String> notOffered = requireApproval.stream().filter(t -> !tools.contains(t)).toList();
    if (!notOffered.isEmpty()) problems.add("require_approval names tools the agent does not have: " + String.join(", ", notOffered));
    if (tools.stream().distinct().count() != tools.size()) problems.add("tools are named more than once");
    return problems;
  }

  public boolean offers(String toolName) {
    return tools.contains(toolName);
  }

  /** The agent's approval policy: which of its tool calls wait for a human. */
  public boolean requiresApproval(String toolName) {
    return requireApproval.contains(toolName);
  }

  public List<LlmTool> toolDefinitions() {
    return tools.stream().map(IdeTool::named).flatMap(java.util.Optional::stream).map(IdeTool::definition).toList();
  }
}
