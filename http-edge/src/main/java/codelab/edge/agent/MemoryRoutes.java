package codelab.edge.agent;

import static org.apache.pekko.http.javadsl.server.PathMatchers.segment;

import codelab.agent.Agent;
import codelab.agent.AgentError;
import codelab.agent.memory.AgentMemories;
import codelab.agent.memory.Memory;
import codelab.edge.ApiError;
import codelab.edge.EdgeSettings;
import codelab.edge.EntityId;
import codelab.edge.ErrorHandling;
import codelab.edge.JsonResponses;
import codelab.edge.Paging;
import codelab.edge.auth.AuthenticatedUser;
import codelab.llm.LlmException;
import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.function.Supplier;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.model.StatusCodes;
import org.apache.pekko.http.javadsl.server.AllDirectives;
import org.apache.pekko.http.javadsl.server.Route;

/**
 * An agent's memories over REST ({@code /api/v1/agents/{id}/memories}): list newest first, search by
 * similarity ({@code query}), add, delete. The agent entity decides who may see them: anyone but its
 * owner gets 404, as for the agent itself.
 */
public final class MemoryRoutes extends AllDirectives {

  /** A search answers the best matches, however weak: the caller asked, and sees each score. */
  private static final double ANY_SCORE = -1.0;

  record MemoryBody(String id, String text, Double score, String sessionId, Long seq, Instant createdAt) {
    static MemoryBody of(Memory m, Double score) {
      return new MemoryBody(m.id(), m.text(), score, m.sessionId(), m.seq() > 0 ? m.seq() : null, m.createdAt());
    }
  }

  record MemoryPageBody(List<MemoryBody> memories, long total, int limit, int offset) {}

  private final ActorSystem<?> system;
  private final EdgeSettings settings;
  private final AgentMemories memories;

  public MemoryRoutes(ActorSystem<?> system, EdgeSettings settings, AgentMemories memories) {
    this.system = system;
    this.settings = settings;
    this.memories = memories;
  }

  /** Under {@code /api/v1/agents/{agentId}/memories}. */
  Route of(AuthenticatedUser user, String agentId) {
    return concat(
        pathEndOrSingleSlash(() -> concat(
            get(() -> parameterOptional("query", query ->
                Paging.fromQuery(Paging.V1_1_DEFAULT_LIMIT, paging -> owned(user, agentId, () -> listOrSearch(agentId, query, paging))))),
            post(() -> JsonResponses.withJsonObject(body -> add(user, agentId, body))))),
        path(segment(), memoryId -> delete(() -> owned(user, agentId, () -> forget(agentId, memoryId)))));
  }

  private CompletionStage<HttpResponse> listOrSearch(String agentId, Optional<String> query, Paging paging) {
    if (query.isPresent() && !query.get().isBlank()) {
      return memories.search(agentId, query.get(), paging.limit(), ANY_SCORE).thenApply(found -> JsonResponses.response(StatusCodes.OK,
          new MemoryPageBody(found.stream().map(r -> MemoryBody.of(r.memory(), r.score())).toList(), found.size(), paging.limit(), 0)));
    }
    return memories.list(agentId, paging.offset(), paging.limit()).thenApply(page -> JsonResponses.response(StatusCodes.OK,
        new MemoryPageBody(page.memories().stream().map(m -> MemoryBody.of(m, null)).toList(), page.total(), paging.limit(), paging.offset())));
  }

  private Route add(AuthenticatedUser user, String agentId, JsonNode body) {
    JsonNode text = body.get("text");
    if (text == null || !text.isTextual() || text.asText().isBlank()) return complete(ApiError.badRequest("a memory needs 'text', a non-empty string"));
    if (text.asText().length() > AgentMemories.MAX_TEXT_LENGTH) {
      return complete(ApiError.badRequest("text must be at most " + AgentMemories.MAX_TEXT_LENGTH + " characters"));
    }
    return owned(user, agentId, () -> memories.add(agentId, text.asText(), null, 0)
        .thenApply(memory -> JsonResponses.response(StatusCodes.CREATED, MemoryBody.of(memory, null))));
  }

  private CompletionStage<HttpResponse> forget(String agentId, String memoryId) {
    if (!EntityId.isWellFormed(memoryId)) return CompletableFuture.completedFuture(ApiError.notFound("memory"));
    return memories.delete(agentId, memoryId)
        .thenApply(deleted -> deleted ? HttpResponse.create().withStatus(StatusCodes.NO_CONTENT) : ApiError.notFound("memory"));
  }

  /** {@code answer} for the agent's owner; 404 for anyone else; the embedding model's failure as a 503 that says so. */
  private Route owned(AuthenticatedUser user, String agentId, Supplier<CompletionStage<HttpResponse>> answer) {
    return completeWithFuture(
        Agent.entityRef(system, agentId)
            .<Agent.View>askWithStatus(r -> new Agent.Get(user.userId(), r), settings.askTimeout())
            .thenCompose(agent -> answer.get())
            .exceptionallyCompose(failure -> {
              Throwable cause = failure instanceof CompletionException && failure.getCause() != null ? failure.getCause() : failure;
              if (cause instanceof LlmException) {
                return CompletableFuture.completedFuture(ApiError.response(StatusCodes.SERVICE_UNAVAILABLE, "unavailable",
                    "the embedding model could not embed the text: " + cause.getMessage()));
              }
              return ErrorHandling.onRefusal(failure, AgentError::ofMessage, reason -> ApiError.notFound("agent"));
            }));
  }
}
