package codelab.agent;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;

/**
 * A project's starter team: one agent per {@link AgentProfile} role, whose ids derive from the
 * project's. Deriving them makes forming the team idempotent and lets a project made before agents
 * were entities get its team on first use, by whichever node gets there first, without a lookup: a
 * session that names only a role (as v1 sessions do) finds its agent from its project id.
 */
public final class StarterTeam {

  private StarterTeam() {}

  public static String agentId(String projectId, AgentProfile role) {
    return UUID.nameUUIDFromBytes(("agent:" + projectId + ":" + role.type()).getBytes(StandardCharsets.UTF_8)).toString();
  }

  public static List<String> agentIds(String projectId) {
    return Arrays.stream(AgentProfile.values()).map(role -> agentId(projectId, role)).toList();
  }

  /** The starter role that {@code agentId} is in {@code projectId}'s team, if it is one. */
  public static java.util.Optional<AgentProfile> roleOf(String projectId, String agentId) {
    return Arrays.stream(AgentProfile.values()).filter(role -> agentId(projectId, role).equals(agentId)).findFirst();
  }
}
