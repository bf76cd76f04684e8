package codelab.session.application;

import codelab.agent.AgentProfile;
import codelab.agent.StarterTeam;
import codelab.session.ApprovalDecision;
import codelab.session.Session;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * A session as its lists show it, kept from its events alone (a read model: no entity is asked).
 * The message count follows the session's history exactly, so it carries a {@link Tally} of what
 * that count depends on: messages waiting for their turn, the running turn and its unanswered tool
 * calls, and whether the last message holds the tool calls of a step that may still grow.
 */
public record SessionListing(
    String sessionId,
    String ownerId,
    String projectId,
    String title,
    String currentAgent,
    String agentId,
    int messageCount,
    Instant createdAt,
    Instant lastActivity,
    boolean active,
    long lastSeq,
    Tally tally) {

  /**
   * @param queued user messages accepted but not yet in the history (they enter it when their turn starts)
   * @param turnId the running turn, null when none runs
   * @param turnStep the running turn's model step whose tool calls the last message holds
   * @param callsTurnId the turn whose tool calls the last message holds; null when the last message holds none
   * @param pendingCalls the running turn's tool calls without an answer yet
   */
  public record Tally(int queued, String turnId, int turnStep, String callsTurnId, List<String> pendingCalls) {
    static final Tally NONE = new Tally(0, null, 0, null, List.of());

    Tally withoutCallsMessage() {
      return new Tally(queued, turnId, turnStep, null, pendingCalls);
    }
  }

  public static SessionListing created(long seq, Session.SessionCreated e) {
    return new SessionListing(
        e.sessionId(), e.ownerId(), e.projectId(), e.title(), e.agentType(), e.agentId(), 0, e.at(), e.at(), true, seq, Tally.NONE);
  }

  public Session.Summary summary() {
    return new Session.Summary(sessionId, ownerId, projectId, title, messageCount, createdAt, lastActivity, active, currentAgent, agentOrStarter(), lastSeq);
  }

  /** Listings of sessions from before agents were entities name a role only: the project's starter agent of that role. */
  private String agentOrStarter() {
    if (agentId != null) return agentId;
    return StarterTeam.agentId(projectId, AgentProfile.ofType(currentAgent).orElse(AgentProfile.DEFAULT));
  }

  /** The listing after the session's event number {@code seq}: its rules are the session history's (SessionState). */
  public SessionListing apply(long seq, Session.Event event) {
    if (event instanceof Session.SessionCreated e) return created(seq, e);
    SessionListing next = this;
    if (event instanceof Session.UserMessageAccepted) {
      next = withTally(new Tally(tally.queued() + 1, tally.turnId(), tally.turnStep(), tally.callsTurnId(), tally.pendingCalls()));
    } else if (event instanceof Session.TurnStarted e) {
      next = turnStarted(e);
    } else if (event instanceof Session.ToolCallRequested e) {
      next = toolCallRequested(e);
    } else if (event instanceof Session.ApprovalResolved e) {
      // approve and edit release the call later; a rejection or an expiry answers it now
      boolean answers = e.decision() == ApprovalDecision.REJECT || e.decision() == ApprovalDecision.EXPIRED;
      next = answers ? answered(e.callId()) : this;
    } else if (event instanceof Session.ToolResultRecorded e) {
      next = answered(e.callId());
    } else if (event instanceof Session.AssistantReplied) {
      next = withMessages(messageCount + 1, tally.withoutCallsMessage());
    } else if (event instanceof Session.TurnCompleted || event instanceof Session.TurnFailed || event instanceof Session.TurnCancelled) {
      next = turnEnded();
    } else if (event instanceof Session.AgentSwitched e) {
      next = new SessionListing(sessionId, ownerId, projectId, title, e.toAgent(), e.toAgentId(), messageCount, createdAt, lastActivity, active, lastSeq, tally);
    } else if (event instanceof Session.SessionRenamed e) {
      next = new SessionListing(sessionId, ownerId, projectId, e.title(), currentAgent, agentId, messageCount, createdAt, lastActivity, active, lastSeq, tally);
    } else if (event instanceof Session.SessionArchived) {
      next = new SessionListing(sessionId, ownerId, projectId, title, currentAgent, agentId, messageCount, createdAt, lastActivity, false, lastSeq, tally);
    }
    // every event is activity, at its sequence number (approval requests and releases change nothing else a list shows)
    return next.at(seq, event.at());
  }

  /** A first attempt takes the oldest waiting message into the history; a re-run continues the history as it is. */
  private SessionListing turnStarted(Session.TurnStarted e) {
    boolean takesMessage = e.attempt() <= 1 && tally.queued() > 0;
    Tally started =
        new Tally(takesMessage ? tally.queued() - 1 : tally.queued(), e.turnId(), 0, takesMessage ? null : tally.callsTurnId(), List.of());
    return withMessages(takesMessage ? messageCount + 1 : messageCount, started);
  }

  /** The calls of one step share one assistant message; the first call of a step adds it. */
  private SessionListing toolCallRequested(Session.ToolCallRequested e) {
    boolean sameStep = e.turnId().equals(tally.callsTurnId()) && tally.turnStep() == e.step();
    List<String> pending = append(tally.pendingCalls(), e.call().callId());
    Tally next = new Tally(tally.queued(), tally.turnId(), e.step(), e.turnId(), pending);
    return withMessages(sameStep ? messageCount : messageCount + 1, next);
  }

  /** A call's answer (result, error, rejection) becomes a tool message, while a turn runs. */
  private SessionListing answered(String callId) {
    if (tally.turnId() == null) return this;
    List<String> pending = tally.pendingCalls().stream().filter(id -> !id.equals(callId)).toList();
    return withMessages(messageCount + 1, new Tally(tally.queued(), tally.turnId(), tally.turnStep(), null, pending));
  }

  /** Calls still unanswered when a turn ends are answered with an error, one tool message each. */
  private SessionListing turnEnded() {
    if (tally.turnId() == null) return this;
    int unanswered = tally.pendingCalls().size();
    String callsTurnId = unanswered > 0 ? null : tally.callsTurnId();
    return withMessages(messageCount + unanswered, new Tally(tally.queued(), null, tally.turnStep(), callsTurnId, List.of()));
  }

  private SessionListing withTally(Tally newTally) {
    return withMessages(messageCount, newTally);
  }

  private SessionListing withMessages(int count, Tally newTally) {
    return new SessionListing(sessionId, ownerId, projectId, title, currentAgent, agentId, count, createdAt, lastActivity, active, lastSeq, newTally);
  }

  private SessionListing at(long seq, Instant at) {
    return new SessionListing(sessionId, ownerId, projectId, title, currentAgent, agentId, messageCount, createdAt, at, active, seq, tally);
  }

  private static List<String> append(List<String> list, String element) {
    List<String> copy = new ArrayList<>(list);
    copy.add(element);
    return List.copyOf(copy);
  }
}
