package codelab;

import com.typesafe.config.Config;
import java.time.Duration;

/**
 * How the application services ask entities ({@code codelab.workflows} in reference.conf).
 *
 * @param askTimeout how long a workflow waits for each entity it asks
 * @param attempts how often in all a workflow of idempotent steps is run when an entity does not answer in time
 */
public record WorkflowSettings(Duration askTimeout, int attempts) {

  public static WorkflowSettings fromConfig(Config config) {
    Config workflows = config.getConfig("codelab.workflows");
    return new WorkflowSettings(workflows.getDuration("ask-timeout"), Math.max(1, workflows.getInt("attempts")));
  }
}
