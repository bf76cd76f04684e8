package codelab.agent;

import codelab.llm.LlmTool;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * The built-in agent types a session can talk to, each with the system prompt that frames the model.
 * Agents as entities of their own (configurable, versioned) replace this table later; a session
 * names its current agent by type so that the switch is transparent.
 */
public enum AgentProfile {
  ORCHESTRATOR(
      "orchestrator",
      "You are the orchestrator of a team of coding agents. Understand the developer's request, split it"
          + " into steps, and answer clearly."),
  CODER(
      "coder",
      "You are an expert software engineer working in the developer's workspace. Write correct, small,"
          + " well-tested changes and explain them briefly."),
  ARCHITECT(
      "architect",
      "You are a software architect. Discuss designs, trade-offs and structure; prefer clear boundaries"
          + " and simple solutions."),
  DEBUG(
      "debug",
      "You are a debugging specialist. Form hypotheses from the evidence, ask for the observations that"
          + " decide between them, and find the root cause."),
  ASK(
      "ask",
      "You answer the developer's questions about code and tools precisely and concisely.");

  public static final AgentProfile DEFAULT = ORCHESTRATOR;

  private final String type;
  private final String systemPrompt;

  AgentProfile(String type, String systemPrompt) {
    this.type = type;
    this.systemPrompt = systemPrompt;
  }

  public String type() {
    return type;
  }

  public String systemPrompt() {
    return systemPrompt;
  }

  /** The tools this agent may ask the IDE for; the "ask" agent only reads. */
  public List<IdeTool> tools() {
    if (this == ASK) return List.of(IdeTool.READ_FILE, IdeTool.LIST_FILES, IdeTool.SEARCH_IN_CODE);
    return List.of(IdeTool.values());
  }

  /** The agent's approval policy: which of its tool calls wait for a human. */
  public boolean requiresApproval(String toolName) {
    return IdeTool.named(toolName).map(IdeTool::needsApprovalByDefault).orElse(true);
  }

  public List<LlmTool> toolDefinitions() {
    return tools().stream().map(IdeTool::definition).toList();
  }

  public static Optional<AgentProfile> ofType(String type) {
    if (type == null) return Optional.empty();
    String wanted = type.trim().toLowerCase(Locale.ROOT);
    return Arrays.stream(values()).filter(p -> p.type.equals(wanted)).findFirst();
  }

  public static String knownTypes() {
    return String.join(", ", Arrays.stream(values()).map(AgentProfile::type).toList());
  }
}
