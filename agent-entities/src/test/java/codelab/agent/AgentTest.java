package codelab.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import codelab.llm.ModelCatalog;
import codelab.llm.ModelInfo;
import com.typesafe.config.ConfigFactory;
import java.time.Clock;
import java.util.List;
import java.util.UUID;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.pattern.StatusReply;
import org.apache.pekko.persistence.testkit.javadsl.EventSourcedBehaviorTestKit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

class AgentTest {

  private static final ActorTestKit testKit = ActorTestKit.create(EventSourcedBehaviorTestKit.config().withFallback(ConfigFactory.load()));
  private static final ModelCatalog MODELS =
      new ModelCatalog(List.of(new ModelInfo("small", "openai", 8_192), new ModelInfo("large", "openai", 128_000)), "small");
  private static final String OWNER = "ann";
  private static final String PROJECT = "p1";

  @AfterAll
  static void shutdown() {
    testKit.shutdownTestKit();
  }

  private final String agentId = UUID.randomUUID().toString();
  private final EventSourcedBehaviorTestKit<Agent.Command, Agent.Event, Agent.State> agent =
      EventSourcedBehaviorTestKit.create(testKit.system(), Agent.create(agentId, MODELS, Clock.systemUTC()));

  private Agent.View created() {
    return agent.<StatusReply<Agent.View>>runCommand(r -> new Agent.Create(OWNER, PROJECT, AgentProfile.CODER.template(), r)).reply().getValue();
  }

  private StatusReply<Agent.View> configure(String userId, AgentConfiguration.Change change) {
    return agent.<StatusReply<Agent.View>>runCommand(r -> new Agent.Configure(userId, change, r)).reply();
  }

  private static AgentConfiguration.Change prompt(String systemPrompt) {
    return new AgentConfiguration.Change(null, null, systemPrompt, null, null, null, null);
  }

  @Test
  void everyChangeIsANewVersionAndEveryVersionStaysReadable() {
    assertEquals(1, created().version());
    assertEquals(2, configure(OWNER, prompt("Be terse.")).getValue().version());
    Agent.View third = configure(OWNER, new AgentConfiguration.Change(null, null, null, "large", null, null, true)).getValue();
    assertEquals(3, third.version());
    assertEquals("Be terse.", third.configuration().systemPrompt(), "a change keeps what it does not name");
    assertEquals("large", third.configuration().model());
    assertTrue(third.configuration().memoryEnabled());

    assertEquals(3, configure(OWNER, prompt("Be terse.")).getValue().version(), "a change to what it already is makes no version");
    var first = agent.<StatusReply<Agent.Version>>runCommand(r -> new Agent.GetVersion(OWNER, 1, r)).reply().getValue();
    assertEquals(AgentProfile.CODER.systemPrompt(), first.configuration().systemPrompt());
    var page = agent.<StatusReply<Agent.VersionPage>>runCommand(r -> new Agent.ListVersions(OWNER, 0, 2, r)).reply().getValue();
    assertEquals(3, page.total());
    assertEquals(List.of(3, 2), page.versions().stream().map(Agent.Version::version).toList(), "newest first");
    var missing = agent.<StatusReply<Agent.Version>>runCommand(r -> new Agent.GetVersion(OWNER, 4, r)).reply();
    assertEquals(AgentError.VERSION_NOT_FOUND.message(), missing.getError().getMessage());
  }

  @Test
  void aRollbackIsANewVersionEqualToTheOldOne() {
    created();
    configure(OWNER, prompt("Version two."));
    Agent.View rolledBack = agent.<StatusReply<Agent.View>>runCommand(r -> new Agent.Rollback(OWNER, 1, r)).reply().getValue();
    assertEquals(3, rolledBack.version());
    assertEquals(AgentProfile.CODER.template(), rolledBack.configuration());
    var third = agent.<StatusReply<Agent.Version>>runCommand(r -> new Agent.GetVersion(OWNER, 3, r)).reply().getValue();
    assertEquals(1, third.rolledBackFrom());
    assertEquals("Version two.", agent.<StatusReply<Agent.Version>>runCommand(r -> new Agent.GetVersion(OWNER, 2, r)).reply().getValue()
        .configuration().systemPrompt(), "the rolled-back version is still there");
  }

  @Test
  void anArchivedAgentStaysReadableButTakesNoChangesAndNoNewTurns() {
    created();
    Agent.View archived = agent.<StatusReply<Agent.View>>runCommand(r -> new Agent.Archive(OWNER, r)).reply().getValue();
    assertTrue(archived.archived());
    assertEquals(AgentError.ARCHIVED.message(), configure(OWNER, prompt("no")).getError().getMessage());
    assertEquals(AgentError.ARCHIVED.message(),
        agent.<StatusReply<Agent.View>>runCommand(r -> new Agent.Rollback(OWNER, 1, r)).reply().getError().getMessage());
    var turn = agent.<StatusReply<Agent.ForTurn>>runCommand(r -> new Agent.GetForTurn(OWNER, PROJECT, null, r)).reply();
    assertEquals(AgentError.ARCHIVED.message(), turn.getError().getMessage());
    var resumed = agent.<StatusReply<Agent.ForTurn>>runCommand(r -> new Agent.GetForTurn(OWNER, PROJECT, 1, r)).reply();
    assertEquals(1, resumed.getValue().version(), "a turn that began before the archiving goes on with its version");
    assertTrue(agent.<StatusReply<Agent.View>>runCommand(r -> new Agent.Get(OWNER, r)).reply().getValue().archived());
  }

  @Test
  void anotherUserOrAnotherProjectFindsNoAgent() {
    created();
    assertEquals(AgentError.NOT_FOUND.message(), agent.<StatusReply<Agent.View>>runCommand(r -> new Agent.Get("bob", r)).reply().getError().getMessage());
    assertEquals(AgentError.NOT_FOUND.message(), configure("bob", prompt("mine now")).getError().getMessage());
    assertEquals(AgentError.NOT_FOUND.message(),
        agent.<StatusReply<Agent.ForTurn>>runCommand(r -> new Agent.GetForTurn(OWNER, "other-project", null, r)).reply().getError().getMessage());
    assertEquals(AgentError.NOT_FOUND.message(),
        agent.<StatusReply<Agent.ForTurn>>runCommand(r -> new Agent.GetForTurn("bob", PROJECT, null, r)).reply().getError().getMessage());
    var taken = agent.<StatusReply<Agent.View>>runCommand(r -> new Agent.Create("bob", PROJECT, AgentProfile.ASK.template(), r)).reply();
    assertEquals(AgentError.ALREADY_EXISTS.message(), taken.getError().getMessage());
    assertEquals(agentId, created().agentId(), "the owner creating it again gets it back");
  }

  @Test
  void anInvalidConfigurationIsRefusedAndItsProblemsNamed() {
    created();
    var change = new AgentConfiguration.Change(null, null, null, "huge", List.of("read_file", "format_disk"), List.of("write_file"), null);
    assertEquals(AgentError.INVALID_CONFIGURATION.message(), configure(OWNER, change).getError().getMessage());
    List<String> problems = AgentProfile.CODER.template().with(change).problems(MODELS);
    assertTrue(problems.stream().anyMatch(p -> p.contains("'huge'") && p.contains("small, large")), problems.toString());
    assertTrue(problems.stream().anyMatch(p -> p.startsWith("unknown tools: format_disk")), problems.toString());
    assertTrue(problems.stream().anyMatch(p -> p.contains("require_approval") && p.contains("write_file")), problems.toString());
    assertEquals(1, agent.<StatusReply<Agent.View>>runCommand(r -> new Agent.Get(OWNER, r)).reply().getValue().version());
  }

  @Test
  void changingOnlyTheToolsKeepsTheirPolicyAndAddedDangerousOnesWaitForAHuman() {
    AgentConfiguration ask = AgentProfile.ASK.template();
    assertEquals(List.of(), ask.requireApproval());
    AgentConfiguration more = ask.with(new AgentConfiguration.Change(null, null, null, null, List.of("read_file", "write_file"), null, null));
    assertEquals(List.of("write_file"), more.requireApproval(), "an added tool that writes asks first");
    AgentConfiguration trusted = more.with(new AgentConfiguration.Change(null, null, null, null, null, List.of(), null));
    AgentConfiguration fewer = trusted.with(new AgentConfiguration.Change(null, null, null, null, List.of("write_file"), null, null));
    assertEquals(List.of(), fewer.requireApproval(), "a kept tool keeps its policy");
    assertTrue(fewer.problems(MODELS).isEmpty(), fewer.problems(MODELS).toString());
  }

  @Test
  void onlyAStarterAgentComesIntoBeingOnASessionsFirstAsk() {
    var unknown = agent.<StatusReply<Agent.ForTurn>>runCommand(r -> new Agent.GetForTurn(OWNER, PROJECT, null, r)).reply();
    assertEquals(AgentError.NOT_FOUND.message(), unknown.getError().getMessage());

    String debugId = StarterTeam.agentId(PROJECT, AgentProfile.DEBUG);
    var starter = EventSourcedBehaviorTestKit.<Agent.Command, Agent.Event, Agent.State>create(testKit.system(), Agent.create(debugId, MODELS, Clock.systemUTC()));
    Agent.ForTurn first = starter.<StatusReply<Agent.ForTurn>>runCommand(r -> new Agent.GetForTurn(OWNER, PROJECT, null, r)).reply().getValue();
    assertEquals(1, first.version());
    assertEquals(AgentProfile.DEBUG.template(), first.configuration());
    assertNull(first.configuration().model(), "the starter team follows the node's default model");
    assertFalse(first.configuration().requiresApproval("read_file"));
    assertTrue(first.configuration().requiresApproval("execute_command"));
  }
}
