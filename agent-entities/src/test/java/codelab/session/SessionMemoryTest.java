package codelab.session;

import static codelab.session.SessionFixture.OWNER;
import static codelab.session.SessionFixture.PROJECT;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import codelab.agent.Agent;
import codelab.agent.AgentConfiguration;
import codelab.agent.AgentProfile;
import codelab.llm.LlmMessage;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.pattern.StatusReply;
import org.junit.jupiter.api.Test;

/** An agent with memory: its memories most like the turn's message go into the context, and each answered turn is remembered. */
class SessionMemoryTest {

  private static String agent(boolean memoryEnabled) {
    String agentId = UUID.randomUUID().toString();
    AgentConfiguration configuration = AgentProfile.CODER.template()
        .with(new AgentConfiguration.Change("Rememberer", null, null, null, null, null, memoryEnabled));
    TestProbe<StatusReply<Agent.View>> created = SessionFixture.testKit.createTestProbe();
    TestAgents.INSTANCE.agent(agentId).tell(new Agent.Create(OWNER, PROJECT, configuration, created.getRef()));
    assertTrue(created.receiveMessage(Duration.ofSeconds(5)).isSuccess());
    return agentId;
  }

  @Test
  void theMostSimilarMemoriesGoIntoTheContextAndTheAnsweredTurnIsRemembered() {
    String agentId = agent(true);
    TestMemories.INSTANCE.add(agentId, "User: my favourite colour is teal\nAssistant: noted", "earlier", 4);
    TestMemories.INSTANCE.add(agentId, "User: deploy on fridays\nAssistant: never", "earlier", 8);
    TestMemories.INSTANCE.add(UUID.randomUUID().toString(), "User: my favourite colour is red", "another agent's", 2);
    FakeModel model = new FakeModel().thenAnswer(FakeModel.reply("Teal."));
    SessionFixture s = new SessionFixture(model, SessionFixture.settings(), null, agentId);
    TestProbe<SessionUpdate> client = s.subscribe(0);

    s.post("what is my favourite colour", null);
    SessionFixture.untilTurnCompleted(client);
    List<LlmMessage> context = model.requests.get(0).messages();
    assertEquals("system", context.get(1).role());
    assertTrue(context.get(1).content().contains("favourite colour is teal"), context.get(1).content());
    assertFalse(context.get(1).content().contains("fridays"), "only memories like the message");
    assertFalse(context.get(1).content().contains("red"), "never another agent's");

    Session.TurnRemembered remembered = s.journal().stream()
        .filter(Session.TurnRemembered.class::isInstance).map(Session.TurnRemembered.class::cast).findFirst().orElseThrow();
    assertEquals(agentId, remembered.agentId());
    assertEquals("User: what is my favourite colour\nAssistant: Teal.", remembered.text());
  }

  @Test
  void anAgentWithoutMemoryRecallsAndRemembersNothing() {
    String agentId = agent(false);
    TestMemories.INSTANCE.add(agentId, "User: my favourite colour is teal", "earlier", 4);
    FakeModel model = new FakeModel().thenAnswer(FakeModel.reply("I do not know."));
    SessionFixture s = new SessionFixture(model, SessionFixture.settings(), null, agentId);
    TestProbe<SessionUpdate> client = s.subscribe(0);
    s.post("what is my favourite colour", null);
    SessionFixture.untilTurnCompleted(client);
    assertEquals(List.of("system", "user"), model.requests.get(0).messages().stream().map(LlmMessage::role).toList());
    assertTrue(s.journal().stream().noneMatch(Session.TurnRemembered.class::isInstance));
  }
}
