package codelab.session;

import codelab.agent.Agent;
import codelab.agent.AgentProfile;
import codelab.agent.StarterTeam;
import codelab.session.Session.AgentSwitched;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * What a person's requests make of the conversation: a message (maybe with another agent), an agent
 * switch, a new title. Pure rules, as {@link ToolCallAnswers} for the tool calls: the entity persists
 * what they give.
 */
final class Conversation {

  private Conversation() {}

  /** The events that accept the message; the entity adds its turn (or queues it behind the running one). */
  static Outcome message(SessionState state, Session.PostUserMessage cmd, Instant now) {
    if (cmd.content() == null || cmd.content().isBlank()) return Outcome.refused(SessionError.EMPTY_MESSAGE);
    List<Session.Event> events = new ArrayList<>();
    if (cmd.agentType() != null) {
      Optional<AgentProfile> agent = AgentProfile.ofType(cmd.agentType());
      if (agent.isEmpty()) return Outcome.refused(SessionError.UNKNOWN_AGENT);
      String agentId = StarterTeam.agentId(state.projectId(), agent.get());
      if (!agentId.equals(state.agentId())) {
        events.add(new AgentSwitched(state.currentAgent(), agent.get().type(), agentId, "requested with the message", now));
      }
    }
    events.add(new Session.UserMessageAccepted(cmd.operationId(), cmd.content(), cmd.orchestrated(), now));
    return new Outcome(null, events);
  }

  /** To the project's starter agent of a role. */
  static Outcome agentSwitch(SessionState state, Session.SwitchAgent cmd, Instant now) {
    Optional<AgentProfile> agent = AgentProfile.ofType(cmd.agentType());
    if (agent.isEmpty()) return Outcome.refused(SessionError.UNKNOWN_AGENT);
    String agentId = StarterTeam.agentId(state.projectId(), agent.get());
    if (agentId.equals(state.agentId())) return Outcome.of();
    return Outcome.of(new AgentSwitched(state.currentAgent(), agent.get().type(), agentId, cmd.reason(), now));
  }

  /** To an agent by id, which said it may answer in this session. */
  static Outcome agentSwitch(SessionState state, Session.SwitchAgent cmd, Agent.ForTurn agent, Instant now) {
    if (agent.agentId().equals(state.agentId())) return Outcome.of();
    return Outcome.of(new AgentSwitched(state.currentAgent(), agent.configuration().role(), agent.agentId(), cmd.reason(), now));
  }

  /** A title is stripped; a blank one is refused, as a blank message is. */
  static Outcome rename(SessionState state, Session.Rename cmd, Instant now) {
    if (cmd.title() == null || cmd.title().isBlank()) return Outcome.refused(SessionError.EMPTY_TITLE);
    if (cmd.title().strip().equals(state.title())) return Outcome.of();
    return Outcome.of(new Session.SessionRenamed(cmd.title().strip(), now));
  }
}
