package codelab.session.application;

import codelab.Refusal;
import codelab.Retry;
import codelab.WorkflowSettings;
import codelab.agent.Agent;
import codelab.agent.AgentError;
import codelab.project.Project;
import codelab.project.ProjectError;
import codelab.project.application.DefaultProject;
import codelab.session.Session;
import codelab.session.SessionError;
import codelab.user.User;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.Done;
import org.apache.pekko.actor.typed.ActorSystem;

/**
 * Creates a session in a project (the user's default project when none is named) and puts it into
 * the user's and the project's session lists before anyone hears of it.
 *
 * <p>Every step is idempotent for the one session id an attempt is made with, so an attempt that ran
 * into a timeout is simply made again and finds what the first one made. The user's list is written
 * before the project's: a project deleted meanwhile leaves a session the user still sees in their
 * list, and that session is archived rather than left active in a project that is gone.
 */
public final class SessionCreation {

  public sealed interface Outcome {}

  public record Created(Session.Summary session) implements Outcome {}

  public record ProjectNotFound() implements Outcome {}

  public record UnknownAgent(String agentType) implements Outcome {}

  /** The agent named by id is not the caller's, not of the project, or archived. */
  public record AgentUnusable(String agentId, AgentError reason) implements Outcome {}

  private final ActorSystem<?> system;
  private final WorkflowSettings settings;
  private final DefaultProject defaultProject;
  private final SessionArchive archive;

  public SessionCreation(ActorSystem<?> system, WorkflowSettings settings, DefaultProject defaultProject, SessionArchive archive) {
    this.system = system;
    this.settings = settings;
    this.defaultProject = defaultProject;
    this.archive = archive;
  }

  /**
   * {@code projectId}, {@code title}, {@code agentType} and {@code agentId} may be null: the defaults
   * apply. An agent named by id must be the caller's, of the session's project, and not archived.
   */
  public CompletionStage<Outcome> create(String userId, String projectId, String title, String agentType, String agentId) {
    return create(userId, projectId, title, agentType, agentId, null);
  }

  /** {@code clientId}: the OAuth client that asks (the session remembers it: the CodeLab IDE's sessions are served as it expects). */
  public CompletionStage<Outcome> create(String userId, String projectId, String title, String agentType, String agentId, String clientId) {
    String sessionId = UUID.randomUUID().toString();
    return Retry.onTimeout(settings.attempts(), () -> attempt(userId, sessionId, projectId, title, agentType, agentId, clientId));
  }

  private CompletionStage<Outcome> attempt(
      String userId, String sessionId, String projectId, String title, String agentType, String agentId, String clientId) {
    return project(userId, projectId)
        .thenCompose(
            project -> {
              if (project == null) return CompletableFuture.completedFuture(new ProjectNotFound());
              if (agentId == null) return created(userId, sessionId, project.projectId(), title, agentType, null, clientId);
              return agent(userId, agentId).thenCompose(agent -> {
                if (agent == null || !agent.projectId().equals(project.projectId())) {
                  return CompletableFuture.completedFuture(new AgentUnusable(agentId, AgentError.NOT_FOUND));
                }
                if (agent.archived()) return CompletableFuture.completedFuture(new AgentUnusable(agentId, AgentError.ARCHIVED));
                return created(userId, sessionId, project.projectId(), title, agent.configuration().role(), agentId, clientId);
              });
            });
  }

  private CompletionStage<Outcome> created(
      String userId, String sessionId, String projectId, String title, String agentType, String agentId, String clientId) {
    return session(userId, sessionId, projectId, title, agentType, agentId, clientId)
        .thenCompose(created -> created == null ? CompletableFuture.completedFuture(new UnknownAgent(agentType)) : listed(userId, created));
  }

  /** The caller's agent, or null when they have none of that id. */
  private CompletionStage<Agent.View> agent(String userId, String agentId) {
    return Agent.entityRef(system, agentId)
        .<Agent.View>askWithStatus(replyTo -> new Agent.Get(userId, replyTo), settings.askTimeout())
        .exceptionallyCompose(failure -> Refusal.is(failure, AgentError.NOT_FOUND) ? CompletableFuture.completedFuture(null) : CompletableFuture.failedFuture(failure));
  }

  /** The named project if the user owns it (null if not), or the user's default project. */
  private CompletionStage<Project.Summary> project(String userId, String projectId) {
    if (projectId == null) return defaultProject.ensure(userId);
    return Project.entityRef(system, projectId)
        .<Project.Summary>askWithStatus(replyTo -> new Project.Get(userId, replyTo), settings.askTimeout())
        .exceptionallyCompose(failure -> Refusal.is(failure, ProjectError.NOT_FOUND) ? CompletableFuture.completedFuture(null) : CompletableFuture.failedFuture(failure));
  }

  /** The new session; the one an earlier attempt created, if it got that far; null for an unknown agent type. */
  private CompletionStage<Session.Summary> session(
      String userId, String sessionId, String projectId, String title, String agentType, String agentId, String clientId) {
    var session = Session.entityRef(system, sessionId);
    return session
        .<Session.Summary>askWithStatus(
            replyTo -> new Session.Create(userId, projectId, title, agentType, agentId, clientId, replyTo), settings.askTimeout())
        .exceptionallyCompose(
            failure -> {
              if (Refusal.is(failure, SessionError.UNKNOWN_AGENT)) return CompletableFuture.completedFuture(null);
              if (Refusal.is(failure, SessionError.ALREADY_EXISTS)) {
                return session.askWithStatus(replyTo -> new Session.GetSummary(userId, replyTo), settings.askTimeout());
              }
              return CompletableFuture.failedFuture(failure);
            });
  }

  private CompletionStage<Outcome> listed(String userId, Session.Summary created) {
    return User.entityRef(system, userId)
        .<Done>ask(replyTo -> new User.AddSession(created.sessionId(), replyTo), settings.askTimeout())
        .thenCompose(
            added ->
                Project.entityRef(system, created.projectId())
                    .<Done>askWithStatus(replyTo -> new Project.AddSession(userId, created.sessionId(), replyTo), settings.askTimeout()))
        .<Outcome>thenApply(added -> new Created(created))
        .exceptionallyCompose(
            failure ->
                Refusal.is(failure, ProjectError.NOT_FOUND)
                    ? archive.archive(userId, created.sessionId()).thenApply(archived -> new ProjectNotFound())
                    : CompletableFuture.failedFuture(failure));
  }
}
