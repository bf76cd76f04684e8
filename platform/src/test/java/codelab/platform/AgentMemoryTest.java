package codelab.platform;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import codelab.schema.TestDatabase;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.AfterParameterizedClassInvocation;
import org.junit.jupiter.params.BeforeParameterizedClassInvocation;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * An agent's memory as its user meets it: what one session told the agent comes back in another
 * session's context (the scripted model says what it was told on "show context"), memories are listed,
 * searched, added and deleted over REST, a deleted one is never recalled again, and nobody else sees them.
 */
@ParameterizedClass(name = "on {0}")
@EnumSource(TestDatabase.Kind.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class AgentMemoryTest {

  @Parameter TestDatabase.Kind databaseKind;
  private RunningNode running;
  private ApiClient api;

  @BeforeParameterizedClassInvocation
  void startNode() throws IOException {
    running = RunningNode.start(databaseKind, Map.of());
    api = running.api();
  }

  @AfterParameterizedClassInvocation
  void stopNode() {
    running.stop();
  }

  @Test
  void whatOneSessionToldTheAgentIsRecalledInAnotherAndADeletedMemoryNeverAgain() {
    String projectId = api.post("/api/v1/projects", Map.of("name", "memory")).body().get("id").asText();
    String coderId = coder(projectId);
    assertEquals(200, api.send("PATCH", "/api/v1/agents/" + coderId, Map.of("memory_enabled", true)).status());

    String first = session(projectId);
    answer(first, "my favourite colour is teal");
    JsonNode remembered = Eventually.reads(() -> api.get("/api/v1/agents/" + coderId + "/memories").body(), page -> page.get("total").asInt() == 1);
    JsonNode memory = remembered.get("memories").get(0);
    assertEquals(first, memory.get("session_id").asText());
    assertTrue(memory.get("text").asText().startsWith("User: my favourite colour is teal"), memory::toString);
    assertTrue(memory.get("seq").asLong() > 0);

    String second = session(projectId);
    assertTrue(answer(second, "show context: what is my favourite colour").contains("favourite colour is teal"),
        "the other session's turn is in this one's context");

    JsonNode found = api.get("/api/v1/agents/" + coderId + "/memories?query=favourite%20colour").body();
    assertEquals(memory.get("id").asText(), found.get("memories").get(0).get("id").asText());
    assertTrue(found.get("memories").get(0).get("score").asDouble() > 0.3);

    ApiClient.Reply added = api.post("/api/v1/agents/" + coderId + "/memories", Map.of("text", "The build uses Maven 3.8"));
    assertEquals(201, added.status(), added.body()::toString);
    assertEquals(400, api.post("/api/v1/agents/" + coderId + "/memories", Map.of("text", " ")).status());

    assertEquals(204, api.send("DELETE", "/api/v1/agents/" + coderId + "/memories/" + memory.get("id").asText(), null).status());
    assertEquals(404, api.send("DELETE", "/api/v1/agents/" + coderId + "/memories/" + memory.get("id").asText(), null).status());
    String third = session(projectId);
    String context = answer(third, "show context: what is my favourite colour");
    assertFalse(context.contains("teal"), "a deleted memory is never recalled again: " + context);

    ApiClient other = new ApiClient(running.httpPort()).loggedInAsNewUser();
    assertEquals(404, other.get("/api/v1/agents/" + coderId + "/memories").status());
    assertEquals(404, other.post("/api/v1/agents/" + coderId + "/memories", Map.of("text", "mine")).status());
    assertEquals(404, other.send("DELETE", "/api/v1/agents/" + coderId + "/memories/" + added.body().get("id").asText(), null).status());
    // the two later turns and the one added by hand; the deleted one stays gone
    Eventually.reads(() -> api.get("/api/v1/agents/" + coderId + "/memories").body(), page -> page.get("total").asInt() == 3);
  }

  @Test
  void anAgentWithoutMemoryRemembersNothing() {
    String projectId = api.post("/api/v1/projects", Map.of("name", "forgetful")).body().get("id").asText();
    String coderId = coder(projectId);
    answer(session(projectId), "my favourite colour is teal");
    String context = answer(session(projectId), "show context: what is my favourite colour");
    assertFalse(context.contains("teal"), context);
    assertEquals(0, api.get("/api/v1/agents/" + coderId + "/memories").body().get("total").asInt());
  }

  private String coder(String projectId) {
    for (JsonNode agent : api.get("/api/v1/projects/" + projectId + "/agents").body().get("agents")) {
      if (agent.get("role").asText().equals("coder")) return agent.get("id").asText();
    }
    throw new AssertionError("no coder in the team");
  }

  private String session(String projectId) {
    return api.post("/api/v1/sessions", Map.of("project_id", projectId, "agent_type", "coder")).body().get("id").asText();
  }

  private String answer(String sessionId, String content) {
    try (SocketClient socket = SocketClient.connect(running.httpPort(), sessionId, api.accessToken, null)) {
      socket.next("session_info");
      socket.send(Map.of("type", "user_message", "content", content));
      List<JsonNode> frames = socket.untilType("turn_completed");
      return frames.stream().filter(f -> f.get("type").asText().equals("assistant_message")).findFirst().orElseThrow().get("content").asText();
    }
  }

}
