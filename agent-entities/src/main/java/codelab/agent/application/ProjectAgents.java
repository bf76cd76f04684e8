package codelab.agent.application;

import codelab.Refusal;
import codelab.Retry;
import codelab.WorkflowSettings;
import codelab.agent.Agent;
import codelab.agent.AgentConfiguration;
import codelab.agent.AgentProfile;
import codelab.agent.StarterTeam;
import codelab.project.Project;
import codelab.project.ProjectError;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.Done;
import org.apache.pekko.actor.typed.ActorSystem;

/**
 * A project's agents: its starter team (one agent per role, formed when the project is made, or on
 * first use for a project made before agents were entities) and the agents added to it. Every step
 * is idempotent for the ids it uses (the starter team's derive from the project's), so an attempt
 * that timed out is made again and completes what the first one began.
 */
public final class ProjectAgents {

  private final ActorSystem<?> system;
  private final WorkflowSettings settings;

  public ProjectAgents(ActorSystem<?> system, WorkflowSettings settings) {
    this.system = system;
    this.settings = settings;
  }

  /** Creates the project's starter team; the agents already there are answered as they are. */
  public CompletionStage<List<Agent.View>> formStarterTeam(String userId, String projectId) {
    return Retry.onTimeout(settings.attempts(), () -> {
      List<CompletableFuture<Agent.View>> members = new ArrayList<>();
      for (AgentProfile role : AgentProfile.values()) {
        members.add(Agent.entityRef(system, StarterTeam.agentId(projectId, role))
            .<Agent.View>askWithStatus(replyTo -> new Agent.Create(userId, projectId, role.template(), replyTo), settings.askTimeout())
            .toCompletableFuture());
      }
      return CompletableFuture.allOf(members.toArray(CompletableFuture[]::new))
          .thenApply(all -> members.stream().map(CompletableFuture::join).toList());
    });
  }

  /** The project's agents, starter team first; empty when the caller owns no such project. */
  public CompletionStage<Optional<List<Agent.View>>> of(String userId, String projectId) {
    return addedAgents(userId, projectId).thenCompose(added -> {
      if (added.isEmpty()) return CompletableFuture.completedFuture(Optional.empty());
      return formStarterTeam(userId, projectId).thenCompose(team -> views(userId, added.get()).thenApply(more -> {
        List<Agent.View> all = new ArrayList<>(team);
        all.addAll(more);
        return Optional.of(List.copyOf(all));
      }));
    });
  }

  /** A new agent in the caller's project (configuration already checked); empty when they own no such project. */
  public CompletionStage<Optional<Agent.View>> create(String userId, String projectId, AgentConfiguration configuration) {
    String agentId = UUID.randomUUID().toString();
    return Retry.onTimeout(settings.attempts(), () -> addedAgents(userId, projectId).thenCompose(owned -> {
      if (owned.isEmpty()) return CompletableFuture.completedFuture(Optional.<Agent.View>empty());
      return Agent.entityRef(system, agentId)
          .<Agent.View>askWithStatus(replyTo -> new Agent.Create(userId, projectId, configuration, replyTo), settings.askTimeout())
          .thenCompose(created -> Project.entityRef(system, projectId)
              .<Done>askWithStatus(replyTo -> new Project.AddAgent(userId, agentId, replyTo), settings.askTimeout())
              .thenApply(added -> Optional.of(created)));
    }));
  }

  /** The agents added to the caller's project beyond its starter team; empty when they own no such project. */
  private CompletionStage<Optional<List<String>>> addedAgents(String userId, String projectId) {
    return Project.entityRef(system, projectId)
        .<Project.AgentIds>askWithStatus(replyTo -> new Project.ListAgents(userId, replyTo), settings.askTimeout())
        .thenApply(ids -> Optional.of(ids.agentIds()))
        .exceptionallyCompose(failure -> Refusal.is(failure, ProjectError.NOT_FOUND)
            ? CompletableFuture.completedFuture(Optional.empty())
            : CompletableFuture.failedFuture(failure));
  }

  private CompletionStage<List<Agent.View>> views(String userId, List<String> agentIds) {
    List<CompletableFuture<Agent.View>> views = agentIds.stream()
        .map(id -> Agent.entityRef(system, id)
            .<Agent.View>askWithStatus(replyTo -> new Agent.Get(userId, replyTo), settings.askTimeout())
            .toCompletableFuture())
        .toList();
    return CompletableFuture.allOf(views.toArray(CompletableFuture[]::new)).thenApply(all -> views.stream().map(CompletableFuture::join).toList());
  }
}
