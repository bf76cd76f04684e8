package codelab.platform.scripted;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class PlanKeywordsTest {

  private static PlanKeywords.Task task(String id, String instructions, String role, String... dependsOn) {
    return new PlanKeywords.Task(id, instructions, role, instructions, List.of(dependsOn));
  }

  @Test
  void readsADiamondOfTasks() {
    List<PlanKeywords.Task> plan = PlanKeywords.find(
        "plan: A: outline the module; B: write the left half after A; C: write the right half after A as architect;"
            + " D: join them after B and C");

    assertEquals(
        List.of(
            task("A", "outline the module", "coder"),
            task("B", "write the left half", "coder", "A"),
            task("C", "write the right half", "architect", "A"),
            task("D", "join them", "coder", "B", "C")),
        plan);
  }

  @Test
  void isNoPlanWithoutThePrefixAtTheStart() {
    assertEquals(List.of(), PlanKeywords.find("please make a plan: A: outline"));
    assertEquals(List.of(), PlanKeywords.find("planning: A: outline"));
    assertEquals(List.of(), PlanKeywords.find("plan: ; ;  "), "a plan naming no task is no plan");
  }

  @Test
  void thePrefixIsCaseInsensitiveAndMayFollowSpaces() {
    assertEquals(List.of(task("A", "outline", "coder")), PlanKeywords.find("  PLAN: A: outline"));
  }

  @Test
  void numbersTasksWithoutAnIdByPosition() {
    assertEquals(
        List.of(
            task("t1", "outline the module", "coder"),
            task("t2", "fix this: the build", "coder", "t1"),
            task("X", "review it", "coder", "t2"),
            task("t4", "ship it", "coder")),
        PlanKeywords.find("plan: outline the module; fix this: the build after t1; X: review it after t2; ship it"));
  }

  @Test
  void takesRoleAndDependenciesInEitherOrder() {
    List<PlanKeywords.Task> expected = List.of(
        task("A", "outline", "coder"), task("B", "write it", "architect", "A"));

    assertEquals(expected, PlanKeywords.find("plan: A: outline; B: write it after A as architect"));
    assertEquals(expected, PlanKeywords.find("plan: A: outline; B: write it as architect after A"));
    assertEquals(task("B", "write it", "reviewer"), PlanKeywords.find("plan: B: write it as reviewer").get(0));
  }

  @Test
  void readsAListOfDependenciesJoinedByCommasAndAnd() {
    assertEquals(List.of("A", "B", "C"), PlanKeywords.find("plan: D: merge after A, B and C").get(0).dependsOn());
    assertEquals(List.of("A", "B", "C"), PlanKeywords.find("plan: D: merge after A, B, and C").get(0).dependsOn());
    assertEquals(List.of("A", "B"), PlanKeywords.find("plan: D: merge after A and B and A").get(0).dependsOn());
  }

  @Test
  void keepsAfterAndAsInsideTheInstructions() {
    PlanKeywords.Task task = PlanKeywords.find("plan: A: clean up after the build as soon as it is green").get(0);

    assertEquals("clean up after the build as soon as it is green", task.instructions());
    assertEquals(List.of(), task.dependsOn());
    assertEquals("coder", task.agentRole());
  }

  @Test
  void ignoresBlankParts() {
    assertEquals(
        List.of(task("A", "outline", "coder"), task("t2", "write", "coder", "A")),
        PlanKeywords.find("plan: ; A: outline ;;  \n ; write after A;"));
  }

  @Test
  void cutsALongTitleAtAWordWithAnEllipsis() {
    String instructions = "write the parser for the configuration format, including comments and escapes";
    PlanKeywords.Task task = PlanKeywords.find("plan: P: " + instructions + " after A").get(0);

    assertEquals(instructions, task.instructions(), "the instructions are never cut");
    assertEquals("write the parser for the configuration format, including…", task.title());
    assertTrue(task.title().length() <= PlanKeywords.TITLE_LIMIT, task.title());
    String sixty = "x".repeat(PlanKeywords.TITLE_LIMIT);
    assertEquals(sixty, PlanKeywords.title(sixty), "a title of exactly the limit is kept whole");
    assertEquals("x".repeat(PlanKeywords.TITLE_LIMIT - 1) + "…", PlanKeywords.title(sixty + "x"), "one long word is cut inside");
    assertEquals("two lines", PlanKeywords.title("two\n  lines"));
  }
}
