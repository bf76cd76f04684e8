package codelab.project.application;

import codelab.Refusal;
import codelab.WorkflowSettings;
import codelab.project.Project;
import codelab.project.ProjectError;
import codelab.user.User;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.Done;
import org.apache.pekko.actor.typed.ActorSystem;

/**
 * Deletes an approval rule named by its id alone ({@code DELETE /api/v1/approval-rules/{id}}): the
 * rule lives in its project, and the id does not say which. The caller's own projects are asked, all
 * at once; only the one that holds the rule deletes it. So another user's rule is never found, and
 * nothing is kept besides the rules themselves: a user has a handful of projects, and deleting a
 * rule is rare, where a directory of rule ids would be written with every rule.
 */
public final class ApprovalRuleDeletion {

  /** Project ids read per page of the user's list. */
  private static final int PAGE = 500;

  private final ActorSystem<?> system;
  private final WorkflowSettings settings;

  public ApprovalRuleDeletion(ActorSystem<?> system, WorkflowSettings settings) {
    this.system = system;
    this.settings = settings;
  }

  /**
   * True when one of the caller's projects held the rule, live, and deleted it; false when none does.
   * A project that does not answer in time fails the deletion, unless another one held the rule.
   */
  public CompletionStage<Boolean> delete(String userId, String ruleId) {
    return projectsOf(userId, 0, new ArrayList<>()).thenCompose(projectIds -> {
      List<CompletableFuture<Boolean>> asks = projectIds.stream().map(id -> deleteIn(userId, id, ruleId).toCompletableFuture()).toList();
      return CompletableFuture.allOf(asks.stream().map(ask -> ask.exceptionally(failure -> false)).toArray(CompletableFuture[]::new))
          .thenCompose(all -> {
            if (asks.stream().anyMatch(ask -> !ask.isCompletedExceptionally() && ask.join())) return CompletableFuture.completedFuture(true);
            return asks.stream().filter(CompletableFuture::isCompletedExceptionally).findFirst()
                .<CompletionStage<Boolean>>map(failed -> failed)
                .orElseGet(() -> CompletableFuture.completedFuture(false));
          });
    });
  }

  /** False when the project does not hold the rule (or is not the caller's any more). */
  private CompletionStage<Boolean> deleteIn(String userId, String projectId, String ruleId) {
    return Project.entityRef(system, projectId)
        .<Done>askWithStatus(replyTo -> new Project.DeleteApprovalRule(userId, ruleId, replyTo), settings.askTimeout())
        .thenApply(deleted -> true)
        .exceptionallyCompose(failure ->
            Refusal.is(failure, ProjectError.RULE_NOT_FOUND) || Refusal.is(failure, ProjectError.NOT_FOUND)
                ? CompletableFuture.completedFuture(false)
                : CompletableFuture.failedFuture(failure));
  }

  private CompletionStage<List<String>> projectsOf(String userId, int offset, List<String> found) {
    return User.entityRef(system, userId)
        .<User.ProjectPage>ask(replyTo -> new User.ListProjects(offset, PAGE, replyTo), settings.askTimeout())
        .thenCompose(page -> {
          found.addAll(page.projectIds());
          boolean more = !page.projectIds().isEmpty() && found.size() < page.total();
          return more ? projectsOf(userId, offset + page.projectIds().size(), found) : CompletableFuture.completedFuture(found);
        });
  }
}
