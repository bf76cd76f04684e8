package codelab.session;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import codelab.llm.LlmMessage;
import codelab.llm.LlmRequest;
import java.time.Duration;
import java.util.List;
import org.apache.pekko.pattern.StatusReply;
import org.junit.jupiter.api.Test;

/** The orchestrator's plans, end to end in the entities: proposal, approval, parallel tasks in child sessions, results, failure, cancel. */
class PlanTest {

  static final String DIAMOND = "{\"tasks\":["
      + "{\"task_id\":\"A\",\"title\":\"outline\",\"agent_role\":\"architect\",\"instructions\":\"outline the module\"},"
      + "{\"task_id\":\"B\",\"title\":\"left\",\"agent_role\":\"coder\",\"instructions\":\"write the left half\",\"depends_on\":[\"A\"]},"
      + "{\"task_id\":\"C\",\"title\":\"right\",\"agent_role\":\"coder\",\"instructions\":\"write the right half\",\"depends_on\":[\"A\"]},"
      + "{\"task_id\":\"D\",\"title\":\"join\",\"agent_role\":\"coder\",\"instructions\":\"join the halves\",\"depends_on\":[\"B\",\"C\"]}]}";

  @Test
  void aDiamondPlanRunsItsMiddleTasksTogetherAndTheOrchestratorSumsUpEveryResult() {
    PlanFixture plans = new PlanFixture(new PlanModel(DIAMOND));
    plans.orchestrate("build the module");
    Session.ApprovalRequested approval = plans.planApproval();
    assertTrue(plans.events(plans.parentId).stream().noneMatch(e -> e instanceof Session.PlanStarted), "nothing runs before the approval");

    assertTrue(plans.decide(plans.parentId, approval.callId(), "approve", null).isSuccess());
    Session.TurnCompleted done = plans.await(plans.parentId, Session.TurnCompleted.class);

    List<Session.Event> events = plans.events(plans.parentId);
    int startedB = PlanFixture.indexOf(events, e -> e instanceof Session.TaskStarted t && t.taskId().equals("B"));
    int startedC = PlanFixture.indexOf(events, e -> e instanceof Session.TaskStarted t && t.taskId().equals("C"));
    int endedB = PlanFixture.indexOf(events, e -> e instanceof Session.TaskCompleted t && t.taskId().equals("B"));
    int endedC = PlanFixture.indexOf(events, e -> e instanceof Session.TaskCompleted t && t.taskId().equals("C"));
    int endedA = PlanFixture.indexOf(events, e -> e instanceof Session.TaskCompleted t && t.taskId().equals("A"));
    int startedD = PlanFixture.indexOf(events, e -> e instanceof Session.TaskStarted t && t.taskId().equals("D"));
    assertTrue(endedA < startedB && endedA < startedC, "B and C wait for A");
    assertTrue(startedB < endedC && startedC < endedB, "B and C both start before either completes: " + events);
    assertTrue(startedD > endedB && startedD > endedC, "D waits for B and C");
    assertTrue(PlanFixture.indexOf(events, e -> e instanceof Session.PlanCompleted) < events.indexOf(done));

    Plan plan = plans.plan();
    assertEquals(Plan.Status.COMPLETED, plan.status());
    assertTrue(plan.tasks().stream().allMatch(t -> t.status() == Plan.TaskStatus.COMPLETED), plan.toString());
    assertEquals("done: outline the module", plan.task("A").orElseThrow().result());

    // D was told B's and C's results, quoted
    String toldD = plans.model.taskRequests("join the halves").get(0).messages().stream()
        .filter(m -> m.role().equals("user")).map(LlmMessage::content).findFirst().orElseThrow();
    assertTrue(toldD.contains("> done: write the left half") && toldD.contains("> done: write the right half"), toldD);

    // the orchestrator's last call had every task's result, and its answer ended the turn
    Session.AssistantReplied answer = plans.await(plans.parentId, Session.AssistantReplied.class);
    for (String task : List.of("outline the module", "write the left half", "write the right half", "join the halves")) {
      assertTrue(answer.content().contains("done: " + task), answer.content());
    }
    // each task ran in its own session, with the agent its role names, and that session reads as the task's
    Plan.Task a = plan.task("A").orElseThrow();
    SessionState.TaskOf taskOf = new SessionState.TaskOf(plans.parentId, plan.planId(), "A", Plan.TaskStatus.COMPLETED, a.result(), null);
    Session.TaskSessionCreated created = plans.await(a.sessionId(), Session.TaskSessionCreated.class);
    assertEquals(a.agentId(), created.agentId());
    assertEquals(taskOf.parentSessionId(), created.parentSessionId());
  }

  @Test
  void aPlanThatDoesNotReadGoesBackToTheModelAsTheCallsError() {
    String cycle = "{\"tasks\":[{\"task_id\":\"A\",\"agent_role\":\"coder\",\"instructions\":\"a\",\"depends_on\":[\"B\"]},"
        + "{\"task_id\":\"B\",\"agent_role\":\"coder\",\"instructions\":\"b\",\"depends_on\":[\"A\"]}]}";
    PlanFixture plans = new PlanFixture(new PlanModel(cycle));
    plans.orchestrate("do it");
    Session.ToolResultRecorded error = plans.await(plans.parentId, Session.ToolResultRecorded.class);
    assertTrue(error.error().contains("cycle: A -> B -> A"), error.error());
    plans.await(plans.parentId, Session.TurnCompleted.class);
    assertTrue(plans.events(plans.parentId).stream().noneMatch(e -> e instanceof Session.ApprovalRequested || e instanceof Session.PlanStarted));
  }

  @Test
  void aRejectedPlanRunsNothingAndTheOrchestratorIsToldWhy() {
    PlanFixture plans = new PlanFixture(new PlanModel(DIAMOND));
    plans.orchestrate("build the module");
    Session.ApprovalRequested approval = plans.planApproval();
    assertTrue(plans.<Session.Decision>ask(plans.parentId, r -> new Session.Decide(SessionFixture.OWNER, approval.callId(), "reject", null, "too big", r)).isSuccess());
    Session.AssistantReplied answer = plans.await(plans.parentId, Session.AssistantReplied.class);
    assertTrue(answer.content().contains("rejected") && answer.content().contains("too big"), answer.content());
    assertTrue(plans.events(plans.parentId).stream().noneMatch(e -> e instanceof Session.PlanStarted));
  }

  @Test
  void anEditedPlanIsReadAsTheModelsIsAndRunsAsEdited() {
    PlanFixture plans = new PlanFixture(new PlanModel(DIAMOND));
    plans.orchestrate("build the module");
    Session.ApprovalRequested approval = plans.planApproval();
    String missing = "{\"tasks\":[{\"task_id\":\"X\",\"agent_role\":\"coder\",\"instructions\":\"x\",\"depends_on\":[\"nope\"]}]}";
    StatusReply<Session.Decision> refused = plans.decide(plans.parentId, approval.callId(), "edit", missing);
    assertEquals(SessionError.INVALID_PLAN.message(), refused.getError().getMessage());

    String edited = "{\"tasks\":[{\"task_id\":\"only\",\"agent_role\":\"ask\",\"instructions\":\"answer briefly\"}]}";
    assertTrue(plans.decide(plans.parentId, approval.callId(), "edit", edited).isSuccess());
    plans.await(plans.parentId, Session.TurnCompleted.class);
    Plan plan = plans.plan();
    assertEquals(List.of("only"), plan.tasks().stream().map(Plan.Task::taskId).toList());
    assertEquals("done: answer briefly", plan.tasks().get(0).result());
  }

  @Test
  void aFailedTaskFailsWhatDependsOnItAndThePlanCompletesWithWhatSucceeded() {
    String plan = "{\"tasks\":[{\"task_id\":\"A\",\"agent_role\":\"coder\",\"instructions\":\"FAIL here\"},"
        + "{\"task_id\":\"B\",\"agent_role\":\"coder\",\"instructions\":\"after a\",\"depends_on\":[\"A\"]},"
        + "{\"task_id\":\"C\",\"agent_role\":\"coder\",\"instructions\":\"on its own\"}]}";
    PlanFixture plans = new PlanFixture(new PlanModel(plan));
    plans.orchestrate("go");
    plans.decide(plans.parentId, plans.planApproval().callId(), "approve", null);
    Session.AssistantReplied answer = plans.await(plans.parentId, Session.AssistantReplied.class);

    Plan done = plans.plan();
    assertEquals(Plan.TaskStatus.FAILED, done.task("A").orElseThrow().status());
    assertTrue(done.task("A").orElseThrow().error().contains("the model failed on purpose"), done.toString());
    assertEquals("not run: task 'A', which it depends on, failed", done.task("B").orElseThrow().error());
    assertEquals(Plan.TaskStatus.COMPLETED, done.task("C").orElseThrow().status());
    assertTrue(answer.content().contains("\"status\":\"failed\"") && answer.content().contains("done: on its own"), answer.content());
  }

  @Test
  void aTaskWhoseAgentDoesNotExistFailsWhenItStarts() {
    String plan = "{\"tasks\":[{\"task_id\":\"A\",\"agent_id\":\"" + java.util.UUID.randomUUID() + "\",\"instructions\":\"who am I\"}]}";
    PlanFixture plans = new PlanFixture(new PlanModel(plan));
    plans.orchestrate("go");
    plans.decide(plans.parentId, plans.planApproval().callId(), "approve", null);
    plans.await(plans.parentId, Session.TurnCompleted.class);
    Plan.Task a = plans.plan().task("A").orElseThrow();
    assertEquals(Plan.TaskStatus.FAILED, a.status());
    assertTrue(a.error().contains("agent"), a.error());
  }

  @Test
  void aCancelThatComesBeforeItsTaskLeavesNothingToRun() {
    PlanFixture plans = new PlanFixture(new PlanModel(DIAMOND));
    String child = java.util.UUID.randomUUID().toString();
    String agent = codelab.agent.StarterTeam.agentId(SessionFixture.PROJECT, codelab.agent.AgentProfile.CODER);
    StatusReply<Session.TaskReport> cancelled = plans.ask(child, r ->
        new Session.CancelTask(plans.parentId, "plan-x", "A", SessionFixture.OWNER, SessionFixture.PROJECT, agent, "coder", "A", r));
    assertEquals(Plan.TaskStatus.FAILED, cancelled.getValue().status());
    StatusReply<Session.TaskReport> late = plans.ask(child, r ->
        new Session.StartTask(plans.parentId, "plan-x", "A", SessionFixture.OWNER, SessionFixture.PROJECT, agent, "coder", "A", "do it", r));
    assertEquals(PlanSteps.CANCELLED, late.getValue().error(), "the StartTask that was on its way finds the task cancelled");
    assertTrue(plans.events(child).stream().noneMatch(e -> e instanceof Session.UserMessageAccepted || e instanceof Session.TurnStarted));
  }

  @Test
  void aPlanProposedWithNoModelCallLeftToSumItUpIsRefused() {
    PlanFixture plans = new PlanFixture(new PlanModel(DIAMOND), new PlanLimits(10, 4, Duration.ofSeconds(30), true), 1);
    plans.orchestrate("go");
    Session.ToolResultRecorded refused = plans.await(plans.parentId, Session.ToolResultRecorded.class);
    assertTrue(refused.error().contains("no model call left"), refused.error());
    assertTrue(plans.events(plans.parentId).stream().noneMatch(e -> e instanceof Session.ApprovalRequested));
  }

  @Test
  void atMostTheConfiguredNumberOfTasksRunAtATime() {
    String three = "{\"tasks\":[{\"task_id\":\"A\",\"agent_role\":\"coder\",\"instructions\":\"HANG a\"},"
        + "{\"task_id\":\"B\",\"agent_role\":\"coder\",\"instructions\":\"HANG b\"},"
        + "{\"task_id\":\"C\",\"agent_role\":\"coder\",\"instructions\":\"HANG c\"}]}";
    PlanFixture plans = new PlanFixture(new PlanModel(three), new PlanLimits(10, 2, Duration.ofSeconds(30), true));
    plans.orchestrate("go");
    plans.decide(plans.parentId, plans.planApproval().callId(), "approve", null);
    plans.await(plans.parentId, Session.PlanStarted.class);
    List<String> started = plans.events(plans.parentId).stream()
        .filter(e -> e instanceof Session.TaskStarted).map(e -> ((Session.TaskStarted) e).taskId()).toList();
    assertEquals(List.of("A", "B"), started);
  }

  @Test
  void cancellingThePlansTurnCancelsEveryRunningTask() {
    String two = "{\"tasks\":[{\"task_id\":\"A\",\"agent_role\":\"coder\",\"instructions\":\"HANG a\"},"
        + "{\"task_id\":\"B\",\"agent_role\":\"coder\",\"instructions\":\"after\",\"depends_on\":[\"A\"]}]}";
    PlanFixture plans = new PlanFixture(new PlanModel(two));
    plans.orchestrate("go");
    plans.decide(plans.parentId, plans.planApproval().callId(), "approve", null);
    Session.TaskStarted a = plans.await(plans.parentId, Session.TaskStarted.class);
    plans.await(a.sessionId(), Session.TurnStarted.class);

    assertTrue(plans.cancel().isSuccess());
    plans.await(plans.parentId, Session.TurnCancelled.class);
    plans.await(a.sessionId(), Session.TurnCancelled.class);
    Plan plan = plans.plan();
    assertEquals(Plan.Status.COMPLETED, plan.status());
    assertEquals(PlanSteps.CANCELLED, plan.task("A").orElseThrow().error());
    assertEquals(PlanSteps.CANCELLED, plan.task("B").orElseThrow().error());
    assertFalse(plans.events(plans.parentId).stream().anyMatch(e -> e instanceof Session.TaskStarted t && t.taskId().equals("B")));
  }

  @Test
  void aTasksCallThatNeedsApprovalIsDecidedInItsSessionAndThePlanGoesOn() {
    String one = "{\"tasks\":[{\"task_id\":\"W\",\"agent_role\":\"coder\",\"instructions\":\"WRITE the file\"}]}";
    PlanFixture plans = new PlanFixture(new PlanModel(one));
    plans.orchestrate("go");
    plans.decide(plans.parentId, plans.planApproval().callId(), "approve", null);
    Session.TaskStarted w = plans.await(plans.parentId, Session.TaskStarted.class);
    Session.ApprovalRequested write = plans.await(w.sessionId(), Session.ApprovalRequested.class);
    assertEquals("write_file", write.toolName());

    assertTrue(plans.decide(w.sessionId(), write.callId(), "approve", null).isSuccess());
    StatusReply<org.apache.pekko.Done> ran =
        plans.ask(w.sessionId(), r -> new Session.RecordToolResult(SessionFixture.OWNER, write.callId(), "{\"ok\":true}", null, null, r));
    assertTrue(ran.isSuccess());
    plans.await(plans.parentId, Session.TurnCompleted.class);
    assertEquals(Plan.TaskStatus.COMPLETED, plans.plan().task("W").orElseThrow().status());
  }

  @Test
  void aTaskSessionTakesNoMessagesAndCannotPlan() {
    String one = "{\"tasks\":[{\"task_id\":\"A\",\"agent_role\":\"coder\",\"instructions\":\"HANG a\"}]}";
    PlanFixture plans = new PlanFixture(new PlanModel(one));
    plans.orchestrate("go");
    plans.decide(plans.parentId, plans.planApproval().callId(), "approve", null);
    Session.TaskStarted a = plans.await(plans.parentId, Session.TaskStarted.class);
    plans.await(a.sessionId(), Session.TurnStarted.class);
    StatusReply<Session.Accepted> refused =
        plans.ask(a.sessionId(), r -> new Session.PostUserMessage(SessionFixture.OWNER, "plan more", null, null, true, r));
    assertEquals(SessionError.TASK_SESSION.message(), refused.getError().getMessage());
    LlmRequest taskCall = plans.model.taskRequests("HANG a").get(0);
    assertTrue(taskCall.tools().stream().noneMatch(t -> t.name().equals(PlanDraft.TOOL)), "a task is never offered create_plan");
  }

  @Test
  void aPlanGoesOnAfterItsParentAndATaskCrashWithNoOneConnected() {
    PlanFixture plans = new PlanFixture(new PlanModel(DIAMOND));
    plans.orchestrate("build the module");
    plans.decide(plans.parentId, plans.planApproval().callId(), "approve", null);
    Session.TaskStarted a = plans.await(plans.parentId, Session.TaskStarted.class);
    plans.await(a.sessionId(), Session.TurnCompleted.class);
    // the parent stops (its node died) and comes back: it asks its running tasks how they stand
    plans.crash(plans.parentId);
    plans.session(plans.parentId).tell(new Session.Wake());
    plans.await(plans.parentId, Session.TurnCompleted.class);
    Plan plan = plans.plan();
    assertTrue(plan.tasks().stream().allMatch(t -> t.status() == Plan.TaskStatus.COMPLETED), plan.toString());
    long startsOfA = plans.events(plans.parentId).stream().filter(e -> e instanceof Session.TaskStarted t && t.taskId().equals("A")).count();
    assertEquals(1, startsOfA, "nothing that started runs again");
    assertEquals(1, plans.model.taskRequests("outline the module").size(), "a completed task's model call is not made again");
  }
}
