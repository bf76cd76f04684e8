package codelab.session;

import codelab.JsonSerializable;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.function.UnaryOperator;

/**
 * A plan the orchestrator proposed and a person approved, as its parent session remembers it: the
 * tasks, each run in a child session of its own, with what became of them. Every change is an event
 * of the parent ({@link Session.PlanStarted}, {@link Session.TaskStarted}, …), so the plan after a
 * crash is the plan before it. Field names are the snapshot's JSON: keep them.
 */
public record Plan(String planId, String turnId, String callId, Status status, Instant createdAt, Instant endedAt, List<Task> tasks)
    implements JsonSerializable {

  public enum Status {
    RUNNING,
    COMPLETED
  }

  public enum TaskStatus {
    /** Its dependencies are not all done yet, or too many tasks run already. */
    WAITING,
    RUNNING,
    COMPLETED,
    FAILED;

    boolean ended() {
      return this == COMPLETED || this == FAILED;
    }
  }

  /**
   * One task: who does it ({@code agentId}, the project's agent of {@code agentRole} when the plan
   * named a role), what it is told, after which tasks; once started, its child session; once ended,
   * its answer ({@code result}) or why it failed ({@code error}).
   */
  public record Task(
      String taskId, String title, String agentRole, String agentId, String instructions, List<String> dependsOn, TaskStatus status,
      String sessionId, String result, String error, Instant startedAt, Instant endedAt)
      implements JsonSerializable {

    public Task {
      dependsOn = dependsOn == null ? List.of() : List.copyOf(dependsOn);
    }

    Task started(String childSessionId, Instant at) {
      return new Task(taskId, title, agentRole, agentId, instructions, dependsOn, TaskStatus.RUNNING, childSessionId, null, null, at, null);
    }

    Task ended(TaskStatus outcome, String newResult, String newError, Instant at) {
      return new Task(taskId, title, agentRole, agentId, instructions, dependsOn, outcome, sessionId, newResult, newError, startedAt, at);
    }
  }

  public Plan {
    tasks = List.copyOf(tasks);
  }

  public boolean isRunning() {
    return status == Status.RUNNING;
  }

  Optional<Task> task(String taskId) {
    return tasks.stream().filter(t -> t.taskId().equals(taskId)).findFirst();
  }

  long count(TaskStatus wanted) {
    return tasks.stream().filter(t -> t.status() == wanted).count();
  }

  Plan withTask(String taskId, UnaryOperator<Task> change) {
    return new Plan(planId, turnId, callId, status, createdAt, endedAt,
        tasks.stream().map(t -> t.taskId().equals(taskId) ? change.apply(t) : t).toList());
  }

  Plan completed(Instant at) {
    return new Plan(planId, turnId, callId, Status.COMPLETED, createdAt, at, tasks);
  }
}
