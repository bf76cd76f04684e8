package codelab.agent;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * The roles of a project's starter team, each with the template of its first version: the system
 * prompt and tool set that v1 built in. Agents are entities of their own ({@link Agent}); a role
 * names the starter agent of that role in a session's project ({@link StarterTeam}).
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

  /** The first version of the project's agent of this role: v1's prompt and tools; what changes the workspace waits for a human. */
  public AgentConfiguration template() {
    List<String> toolNames = tools().stream().map(IdeTool::toolName).toList();
    List<String> approval = tools().stream().filter(IdeTool::needsApprovalByDefault).map(IdeTool::toolName).toList();
    String name = Character.toUpperCase(type.charAt(0)) + type.substring(1);
    return new AgentConfiguration(name, type, systemPrompt, null, toolNames, approval, false);
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
