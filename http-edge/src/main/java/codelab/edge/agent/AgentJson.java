package codelab.edge.agent;

import codelab.agent.Agent;
import codelab.agent.AgentConfiguration;
import codelab.edge.Paging;
import codelab.llm.ModelCatalog;
import codelab.llm.ModelInfo;
import java.time.Instant;
import java.util.List;

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

  record AgentBody(
      String id, String projectId, String name, String role, String systemPrompt, Model model, List<String> tools,
      ApprovalPolicy approvalPolicy, boolean memoryEnabled, int version, String status, Instant createdAt, Instant updatedAt) {
    static AgentBody of(Agent.View agent, ModelCatalog models) {
      AgentConfiguration c = agent.configuration();
      return new AgentBody(agent.agentId(), agent.projectId(), c.name(), c.role(), c.systemPrompt(), Model.of(models.resolve(c.model())),
          c.tools(), new ApprovalPolicy(c.requireApproval()), c.memoryEnabled(), agent.version(), agent.archived() ? "archived" : "active",
          agent.createdAt(), agent.updatedAt());
    }
  }

  record AgentPage(List<AgentBody> agents, int total, int limit, int offset) {
    static AgentPage of(List<Agent.View> agents, ModelCatalog models, Paging paging) {
      List<AgentBody> page = agents.stream().skip(paging.offset()).limit(paging.limit()).map(a -> AgentBody.of(a, models)).toList();
      return new AgentPage(page, agents.size(), paging.limit(), paging.offset());
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
