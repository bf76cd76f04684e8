package codelab.session;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import codelab.agent.AgentProfile;
import codelab.agent.StarterTeam;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The create_plan arguments read into tasks, or what is wrong with them, in words a model can act on. */
class PlanDraftTest {

  private static PlanDraft.Read read(String json) {
    return PlanDraft.read(json, "project-1", 3);
  }

  private static String onlyProblem(String json) {
    PlanDraft.Read read = read(json);
    assertEquals(1, read.problems().size(), read.problems().toString());
    assertTrue(read.tasks().isEmpty());
    return read.problems().get(0);
  }

  @Test
  void aValidPlanNamesEachTasksAgentByRoleOrId() {
    String agentId = "0f8e7c1e-8a4b-4a55-9e43-6b0b6f0f0d11";
    PlanDraft.Read read = read("{\"tasks\":[{\"task_id\":\"a\",\"title\":\"A\",\"agent_role\":\"architect\",\"instructions\":\"design\"},"
        + "{\"task_id\":\"b\",\"agent_id\":\"" + agentId + "\",\"instructions\":\"build\",\"depends_on\":[\"a\",\"a\"]}]}");
    assertTrue(read.isValid(), read.problems().toString());
    assertEquals(StarterTeam.agentId("project-1", AgentProfile.ARCHITECT), read.tasks().get(0).agentId());
    assertEquals(agentId, read.tasks().get(1).agentId());
    assertEquals("b", read.tasks().get(1).title(), "a task without a title is called by its id");
    assertEquals(List.of("a"), read.tasks().get(1).dependsOn());
    assertTrue(read.tasks().stream().allMatch(t -> t.status() == Plan.TaskStatus.WAITING));
  }

  @Test
  void eachKindOfMistakeIsNamed() {
    assertTrue(onlyProblem("{\"tasks\":[{\"task_id\":\"a\",\"agent_role\":\"coder\",\"instructions\":\"x\",\"depends_on\":[\"b\"]},"
        + "{\"task_id\":\"b\",\"agent_role\":\"coder\",\"instructions\":\"y\",\"depends_on\":[\"c\"]},"
        + "{\"task_id\":\"c\",\"agent_role\":\"coder\",\"instructions\":\"z\",\"depends_on\":[\"a\"]}]}").contains("cycle: a -> b -> c -> a"));
    assertEquals("task 'a' depends on 'zz', which is not in the plan",
        onlyProblem("{\"tasks\":[{\"task_id\":\"a\",\"agent_role\":\"coder\",\"instructions\":\"x\",\"depends_on\":[\"zz\"]}]}"));
    assertTrue(onlyProblem("{\"tasks\":[{\"task_id\":\"a\",\"agent_role\":\"poet\",\"instructions\":\"x\"}]}").contains("unknown agent_role 'poet'"));
    assertTrue(onlyProblem("{\"tasks\":[{\"task_id\":\"a\",\"agent_id\":\"nobody\",\"instructions\":\"x\"}]}").contains("unknown agent_id 'nobody'"));
    assertEquals("a plan has at most 3 tasks; this one has 4", onlyProblem("{\"tasks\":[{},{},{},{}]}"));
    assertEquals("task_id 'a' is used twice", onlyProblem("{\"tasks\":[{\"task_id\":\"a\",\"agent_role\":\"coder\",\"instructions\":\"x\"},"
        + "{\"task_id\":\"a\",\"agent_role\":\"coder\",\"instructions\":\"y\"}]}"));
    assertEquals("task 'a' depends on itself",
        onlyProblem("{\"tasks\":[{\"task_id\":\"a\",\"agent_role\":\"coder\",\"instructions\":\"x\",\"depends_on\":[\"a\"]}]}"));
    assertEquals("task 'a' needs 'instructions'", onlyProblem("{\"tasks\":[{\"task_id\":\"a\",\"agent_role\":\"coder\"}]}"));
    assertEquals("'tasks' must be a non-empty array", onlyProblem("{\"tasks\":[]}"));
    assertEquals("the arguments are not JSON", onlyProblem("{tasks"));
  }
}
