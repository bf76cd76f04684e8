package codelab.session;

import java.time.Duration;

/**
 * How plans run ({@code codelab.session.plans}): at most {@code maxTasks} tasks in a plan, at most
 * {@code maxParallelTasks} of them at a time; a running plan asks its running tasks how they stand
 * every {@code checkInterval} (a task's report lost with a node is found so); {@code requireApproval}:
 * a plan waits for a person before anything runs.
 */
public record PlanLimits(int maxTasks, int maxParallelTasks, Duration checkInterval, boolean requireApproval) {

  static PlanLimits fromConfig(com.typesafe.config.Config plans) {
    return new PlanLimits(
        plans.getInt("max-tasks"), plans.getInt("max-parallel-tasks"), plans.getDuration("check-interval"), plans.getBoolean("require-approval"));
  }
}
