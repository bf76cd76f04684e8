package codelab.edge.agent;

import codelab.agent.Agent;
import codelab.agent.AgentConfiguration;
import codelab.agent.application.AgentCounters;
import codelab.edge.Paging;
import codelab.llm.ModelCatalog;
import codelab.llm.ModelInfo;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/** The agent bodies of the REST contract (PROTOCOL.md v1.1 "Agents"), written by the one snake_case mapper ({@code WireJson}). */
final class AgentJson {

  private AgentJson() {}

  /** {@code model}: the model the agent's calls go to (the node's default when the agent names none). */
  record Model(String provider, String name, int contextWindow) {
    static Model of(ModelInfo model) {
      return new Model(model.provider(), model.name(), model.contextWindow());
    }
  }

  record ApprovalPolicy(List<String> requireApproval) {}

  /** Kept by a projection of the session events: a turn just answered may show a moment later. */
  record Counters(long turns, long promptTokens, long completionTokens, Instant lastActive) {
    static Counters of(AgentCounters.Counters c) {
      return new Counters(c.turns(), c.promptTokens(), c.completionTokens(), c.lastActive());
    }
  }

  record AgentBody(
      String id, String projectId, String name, String role, String systemPrompt, Model model, List<String> tools,
      ApprovalPolicy approvalPolicy, boolean memoryEnabled, int version, String status, Instant createdAt, Instant updatedAt,
      Counters counters) {
    static AgentBody of(Agent.View agent, ModelCatalog models, AgentCounters.Counters counters) {
      AgentConfiguration c = agent.configuration();
      return new AgentBody(agent.agentId(), agent.projectId(), c.name(), c.role(), c.systemPrompt(), Model.of(models.resolve(c.model())),
          c.tools(), new ApprovalPolicy(c.requireApproval()), c.memoryEnabled(), agent.version(), agent.archived() ? "archived" : "active",
          agent.createdAt(), agent.updatedAt(), Counters.of(counters));
    }
  }

  record AgentPage(List<AgentBody> agents, int total, int limit, int offset) {
    static AgentPage of(List<Agent.View> page, int total, ModelCatalog models, Map<String, AgentCounters.Counters> counters, Paging paging) {
      List<AgentBody> bodies = page.stream()
          .map(a -> AgentBody.of(a, models, counters.getOrDefault(a.agentId(), AgentCounters.Counters.NONE)))
          .toList();
      return new AgentPage(bodies, total, paging.limit(), paging.offset());
    }
  }

  /** One configuration version; {@code rolled_back_from} names the version a rollback restored. */
  record VersionBody(
      int version, String name, String role, String systemPrompt, Model model, List<String> tools, ApprovalPolicy approvalPolicy,
      boolean memoryEnabled, Integer rolledBackFrom, Instant createdAt) {
    static VersionBody of(Agent.Version v, ModelCatalog models) {
      AgentConfiguration c = v.configuration();
      return new VersionBody(v.version(), c.name(), c.role(), c.systemPrompt(), Model.of(models.resolve(c.model())), c.tools(),
          new ApprovalPolicy(c.requireApproval()), c.memoryEnabled(), v.rolledBackFrom(), v.at());
    }
  }

  record VersionPage(List<VersionBody> versions, int total, int limit, int offset) {
    static VersionPage of(Agent.VersionPage page, ModelCatalog models, Paging paging) {
      return new VersionPage(page.versions().stream().map(v -> VersionBody.of(v, models)).toList(), page.total(), paging.limit(), paging.offset());
    }
  }
}
