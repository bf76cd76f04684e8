package codelab.session;

import codelab.session.Session.Event;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * What a plan does next, decided from the parent session's state alone, as events: a task whose
 * dependencies completed starts (at most {@link PlanLimits#maxParallelTasks()} at a time), a task
 * whose dependency failed fails too (with the reason), and a plan with nothing left to run completes
 * and answers the orchestrator's call with every task's result. Pure rules: the entity persists
 * what they give, so after a crash the plan stands where its last event left it.
 */
final class PlanSteps {

  static final String CANCELLED = "the plan was cancelled";
  private static final ObjectMapper JSON = new ObjectMapper();

  private PlanSteps() {}

  /** The plan of the approved call {@code callId} with these (validated) arguments; its tasks wait for {@link #next}. */
  static Session.PlanStarted started(SessionState state, String callId, String argumentsJson, Instant now) {
    String planId = state.sessionId() + "-plan-" + (state.plans().size() + 1);
    PlanDraft.Read read = PlanDraft.read(argumentsJson, state.projectId(), Integer.MAX_VALUE);
    return new Session.PlanStarted(planId, state.turn().turnId(), callId, read.tasks(), now);
  }

  /** The session of task {@code taskId} of plan {@code planId}: the same id however often it is asked for. */
  static String taskSessionId(String planId, String taskId) {
    return UUID.nameUUIDFromBytes(("task:" + planId + ":" + taskId).getBytes(StandardCharsets.UTF_8)).toString();
  }

  /** What the running plans of {@code state} come to now; nothing when nothing changed. */
  static List<Event> next(SessionState state, PlanLimits limits, Instant now) {
    List<Event> events = new ArrayList<>();
    SessionState after = state;
    for (Plan running : state.plans()) {
      if (!running.isRunning()) continue;
      for (Event event : next(after, running.planId(), limits, now)) {
        events.add(event);
        after = after.apply(event);
      }
    }
    return events;
  }

  private static List<Event> next(SessionState state, String planId, PlanLimits limits, Instant now) {
    List<Event> events = new ArrayList<>();
    Plan current = state.plan(planId).orElseThrow();
    // a failure fails what depends on it, and what depends on that
    boolean failed = true;
    while (failed) {
      failed = false;
      for (Plan.Task task : current.tasks()) {
        if (task.status() != Plan.TaskStatus.WAITING) continue;
        Plan plan = current;
        Optional<String> failedDependency =
            task.dependsOn().stream().filter(d -> plan.task(d).map(t -> t.status() == Plan.TaskStatus.FAILED).orElse(false)).findFirst();
        if (failedDependency.isEmpty()) continue;
        String error = "not run: task '" + failedDependency.get() + "', which it depends on, failed";
        events.add(new Session.TaskFailed(planId, task.taskId(), error, now));
        current = current.withTask(task.taskId(), t -> t.ended(Plan.TaskStatus.FAILED, null, error, now));
        failed = true;
      }
    }
    long running = current.count(Plan.TaskStatus.RUNNING);
    for (Plan.Task task : current.tasks()) {
      if (running >= limits.maxParallelTasks()) break;
      if (task.status() != Plan.TaskStatus.WAITING || !dependenciesCompleted(current, task)) continue;
      String sessionId = taskSessionId(planId, task.taskId());
      events.add(new Session.TaskStarted(planId, task.taskId(), task.agentId(), sessionId, now));
      current = current.withTask(task.taskId(), t -> t.started(sessionId, now));
      running++;
    }
    if (current.count(Plan.TaskStatus.WAITING) == 0 && current.count(Plan.TaskStatus.RUNNING) == 0) {
      events.add(new Session.PlanCompleted(planId, now));
      if (state.pendingCall(current.callId()).isPresent()) {
        events.add(new Session.ToolResultRecorded(current.callId(), results(current), null, null, now));
      }
    }
    return events;
  }

  /** A task session's report: its task completed or failed (what runs next is {@link #next}'s to say). */
  static List<Event> reported(SessionState state, Session.TaskReport report, Instant now) {
    if (!report.ended()) return List.of();
    Optional<Plan.Task> task = state.plan(report.planId()).filter(Plan::isRunning).flatMap(p -> p.task(report.taskId()))
        .filter(t -> t.status() == Plan.TaskStatus.RUNNING && report.sessionId().equals(t.sessionId()));
    if (task.isEmpty()) return List.of();
    if (report.status() == Plan.TaskStatus.COMPLETED) {
      return new ArrayList<>(List.of(new Session.TaskCompleted(report.planId(), report.taskId(), report.content(), now)));
    }
    return new ArrayList<>(List.of(new Session.TaskFailed(report.planId(), report.taskId(), report.error(), now)));
  }

  /** A cancel ends every plan still running: what did not end fails, saying so. */
  static List<Event> cancelled(SessionState state, Instant now) {
    List<Event> events = new ArrayList<>();
    for (Plan plan : state.plans()) {
      if (!plan.isRunning()) continue;
      for (Plan.Task task : plan.tasks()) {
        if (!task.status().ended()) events.add(new Session.TaskFailed(plan.planId(), task.taskId(), CANCELLED, now));
      }
      events.add(new Session.PlanCompleted(plan.planId(), now));
    }
    return events;
  }

  /**
   * What a task's session is told: its instructions, then the results of the tasks it depends on,
   * quoted (they are other agents' words, not the person's request).
   */
  static String taskMessage(Plan plan, Plan.Task task) {
    StringBuilder message = new StringBuilder(task.instructions());
    if (task.dependsOn().isEmpty()) return message.toString();
    message.append("\n\nResults of the tasks this one depends on:");
    for (String dependency : task.dependsOn()) {
      Plan.Task done = plan.task(dependency).orElseThrow();
      message.append("\n\nTask ").append(done.taskId()).append(" (").append(done.title()).append("):\n");
      String result = done.result() == null || done.result().isBlank() ? "(no answer)" : done.result();
      message.append("> ").append(result.strip().replace("\n", "\n> "));
    }
    return message.toString();
  }

  private static boolean dependenciesCompleted(Plan plan, Plan.Task task) {
    return task.dependsOn().stream().allMatch(d -> plan.task(d).map(t -> t.status() == Plan.TaskStatus.COMPLETED).orElse(false));
  }

  /** The orchestrator's answer to its create_plan call: each task's outcome. */
  private static String results(Plan plan) {
    ObjectNode root = JSON.createObjectNode().put("plan_id", plan.planId());
    ArrayNode tasks = root.putArray("tasks");
    for (Plan.Task task : plan.tasks()) {
      ObjectNode node = tasks.addObject().put("task_id", task.taskId()).put("title", task.title())
          .put("status", task.status().name().toLowerCase(java.util.Locale.ROOT));
      if (task.result() != null) node.put("result", task.result());
      if (task.error() != null) node.put("error", task.error());
    }
    return root.toString();
  }
}
