package codelab.edge.session;

import codelab.session.Plan;
import java.time.Instant;
import java.util.List;
import java.util.Locale;

/** Plans as REST and the WebSocket show them (PROTOCOL.md v1.1 "Orchestrated plans"): snake_case, absent when null. */
final class PlanJson {

  private PlanJson() {}

  /** A task: who does it, after which tasks; once started, its session; once ended, its answer or why it failed; and when. */
  record TaskBody(
      String taskId, String title, String agentRole, String agentId, String instructions, List<String> dependsOn, String status,
      String sessionId, String result, String error, Instant startedAt, Instant endedAt) {

    static TaskBody of(Plan.Task task) {
      return new TaskBody(task.taskId(), task.title(), task.agentRole(), task.agentId(), task.instructions(), task.dependsOn(),
          task.status().name().toLowerCase(Locale.ROOT), task.sessionId(), task.result(), task.error(), task.startedAt(), task.endedAt());
    }
  }

  /** {@code sessionId}: the parent session (the orchestrator's); {@code callId}: its create_plan call. */
  record PlanBody(String planId, String sessionId, String turnId, String callId, String status, Instant createdAt, Instant endedAt,
      List<TaskBody> tasks) {

    static PlanBody of(String sessionId, Plan plan) {
      return new PlanBody(plan.planId(), sessionId, plan.turnId(), plan.callId(), plan.status().name().toLowerCase(Locale.ROOT),
          plan.createdAt(), plan.endedAt(), plan.tasks().stream().map(TaskBody::of).toList());
    }
  }

  record PlanList(String sessionId, List<PlanBody> plans) {}
}
