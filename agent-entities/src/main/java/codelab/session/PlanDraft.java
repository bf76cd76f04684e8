package codelab.session;

import codelab.agent.AgentProfile;
import codelab.agent.StarterTeam;
import codelab.llm.LlmTool;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * The orchestrator's {@code create_plan} tool: what the model is offered, and its arguments read into
 * the tasks of a plan, or what is wrong with them (told to the model as the tool's error, or to a
 * person whose edit it was). Nothing runs until a plan reads without problems.
 */
public final class PlanDraft {

  public static final String TOOL = "create_plan";

  static final LlmTool DEFINITION = new LlmTool(
      TOOL,
      "Split the request into tasks for the team's specialist agents. Tasks whose dependencies are done run at the same time, "
          + "each in a session of its own; you get every task's result to write the final answer. A person approves the plan first.",
      "{\"type\":\"object\",\"properties\":{\"tasks\":{\"type\":\"array\",\"items\":{\"type\":\"object\",\"properties\":{"
          + "\"task_id\":{\"type\":\"string\"},\"title\":{\"type\":\"string\"},"
          + "\"agent_role\":{\"type\":\"string\",\"enum\":[" + quotedRoles() + "]},\"agent_id\":{\"type\":\"string\"},"
          + "\"instructions\":{\"type\":\"string\"},\"depends_on\":{\"type\":\"array\",\"items\":{\"type\":\"string\"}}},"
          + "\"required\":[\"task_id\",\"instructions\"]}}},\"required\":[\"tasks\"]}");

  private static final ObjectMapper JSON = new ObjectMapper();

  /** The tasks (all waiting), or the problems; {@code problems} is empty exactly when the plan may run. */
  record Read(List<Plan.Task> tasks, List<String> problems) {
    boolean isValid() {
      return problems.isEmpty();
    }
  }

  private PlanDraft() {}

  static boolean isPlan(String toolName) {
    return TOOL.equals(toolName);
  }

  /**
   * Reads {@code argumentsJson}: at most {@code maxTasks} tasks with unique ids, each for a known role
   * (the project's starter agent of that role) or an agent id, with instructions, depending only on
   * tasks of the plan, without a cycle.
   */
  static Read read(String argumentsJson, String projectId, int maxTasks) {
    JsonNode root;
    try {
      root = argumentsJson == null ? null : JSON.readTree(argumentsJson);
    } catch (Exception e) {
      return invalid("the arguments are not JSON");
    }
    JsonNode tasks = root == null ? null : root.get("tasks");
    if (tasks == null || !tasks.isArray() || tasks.isEmpty()) return invalid("'tasks' must be a non-empty array");
    if (tasks.size() > maxTasks) return invalid("a plan has at most " + maxTasks + " tasks; this one has " + tasks.size());
    List<String> problems = new ArrayList<>();
    Map<String, Plan.Task> byId = new LinkedHashMap<>();
    for (int i = 0; i < tasks.size(); i++) {
      Plan.Task task = task(tasks.get(i), i + 1, projectId, problems);
      if (task == null) continue;
      if (byId.putIfAbsent(task.taskId(), task) != null) problems.add("task_id '" + task.taskId() + "' is used twice");
    }
    for (Plan.Task task : byId.values()) {
      for (String dependency : task.dependsOn()) {
        if (dependency.equals(task.taskId())) problems.add("task '" + task.taskId() + "' depends on itself");
        else if (!byId.containsKey(dependency)) problems.add("task '" + task.taskId() + "' depends on '" + dependency + "', which is not in the plan");
      }
    }
    if (problems.isEmpty()) cycle(byId).ifPresent(problems::add);
    return new Read(problems.isEmpty() ? List.copyOf(byId.values()) : List.of(), List.copyOf(problems));
  }

  private static Plan.Task task(JsonNode node, int position, String projectId, List<String> problems) {
    String where = "task " + position;
    if (!node.isObject()) {
      problems.add(where + " is not an object");
      return null;
    }
    String taskId = text(node, "task_id");
    if (taskId == null) {
      problems.add(where + " needs a 'task_id'");
      return null;
    }
    String named = "task '" + taskId + "'";
    String instructions = text(node, "instructions");
    if (instructions == null) problems.add(named + " needs 'instructions'");
    String role = text(node, "agent_role");
    String agentId = text(node, "agent_id");
    if (role == null && agentId == null) problems.add(named + " needs an 'agent_role' or an 'agent_id'");
    if (role != null && AgentProfile.ofType(role).isEmpty()) {
      problems.add(named + " names an unknown agent_role '" + role + "'; roles: " + AgentProfile.knownTypes());
    }
    if (agentId != null && !isUuid(agentId)) problems.add(named + " names an unknown agent_id '" + agentId + "'");
    List<String> dependsOn = new ArrayList<>();
    JsonNode deps = node.get("depends_on");
    if (deps != null && !deps.isNull()) {
      if (!deps.isArray()) problems.add(named + ": 'depends_on' must be an array of task ids");
      else deps.forEach(d -> {
        if (d.isTextual() && !d.asText().isBlank()) dependsOn.add(d.asText().strip());
        else problems.add(named + ": 'depends_on' must hold task ids");
      });
    }
    String title = text(node, "title");
    String resolved = agentId != null ? agentId : AgentProfile.ofType(role).map(p -> StarterTeam.agentId(projectId, p)).orElse(null);
    return new Plan.Task(taskId, title == null ? taskId : title, role, resolved, instructions, dependsOn.stream().distinct().toList(),
        Plan.TaskStatus.WAITING, null, null, null, null, null);
  }

  /** A cycle among the tasks, named by the tasks on it, if there is one (depth-first search). */
  private static java.util.Optional<String> cycle(Map<String, Plan.Task> byId) {
    Map<String, Integer> mark = new HashMap<>();
    for (String start : byId.keySet()) {
      List<String> path = new ArrayList<>();
      String found = visit(start, byId, mark, path);
      if (found != null) return java.util.Optional.of(found);
    }
    return java.util.Optional.empty();
  }

  /** 1: on the current path, 2: done. Returns the cycle's description when one closes. */
  private static String visit(String taskId, Map<String, Plan.Task> byId, Map<String, Integer> mark, List<String> path) {
    Integer state = mark.get(taskId);
    if (state != null && state == 2) return null;
    if (state != null) {
      List<String> loop = new ArrayList<>(path.subList(path.indexOf(taskId), path.size()));
      loop.add(taskId);
      return "the tasks depend on each other in a cycle: " + String.join(" -> ", loop);
    }
    mark.put(taskId, 1);
    path.add(taskId);
    for (String dependency : byId.get(taskId).dependsOn()) {
      String found = visit(dependency, byId, mark, path);
      if (found != null) return found;
    }
    path.remove(path.size() - 1);
    mark.put(taskId, 2);
    return null;
  }

  private static Read invalid(String problem) {
    return new Read(List.of(), List.of(problem));
  }

  private static String text(JsonNode node, String field) {
    JsonNode value = node.get(field);
    return value == null || !value.isTextual() || value.asText().isBlank() ? null : value.asText().strip();
  }

  private static boolean isUuid(String value) {
    try {
      return UUID.fromString(value).toString().equalsIgnoreCase(value);
    } catch (IllegalArgumentException e) {
      return false;
    }
  }

  private static String quotedRoles() {
    return String.join(",", java.util.Arrays.stream(AgentProfile.values()).map(p -> "\"" + p.type() + "\"").toList());
  }
}
