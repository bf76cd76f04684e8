package codelab.session;

import codelab.serialization.FieldsAdded;

/**
 * Version 2 of the types that name a session's agent since agents became entities (registered in
 * reference.conf for each): {@link Session.SessionCreated}, {@link Session.AgentSwitched} and the
 * {@link Session.Create}, {@link Session.SwitchAgent} commands gained the agent's id; {@link
 * Session.TurnStarted} and {@link SessionState.Turn} the agent, version and model that answer; {@link
 * Session.Summary} the agent's id; {@link codelab.project.Project.State} the agents added to a project (its version 3 is
 * {@link codelab.project.ProjectWithApprovalRules});
 * {@link Session.AssistantReplied} how many messages its model call was sent and how many were left out.
 *
 * <p>What version 1 wrote has none of these and reads them as null (counts as 0): a session that names a role only
 * talks to its project's starter agent of that role, and a turn without an agent answers with its
 * role's template, as it did when it began.
 */
public final class AgentsAsEntities extends FieldsAdded {

  @Override
  public int currentVersion() {
    return 2;
  }
}
