package codelab.platform;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import codelab.schema.TestDatabase;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.AfterParameterizedClassInvocation;
import org.junit.jupiter.params.BeforeParameterizedClassInvocation;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;

/** The workflows across entities, from outside: what a client sees right after each one. */
@ParameterizedClass(name = "on {0}")
@EnumSource(TestDatabase.Kind.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class WorkflowsTest {

  @Parameter TestDatabase.Kind databaseKind;

  private RunningNode running;

  @BeforeParameterizedClassInvocation
  void startNode() throws IOException {
    running = RunningNode.start(databaseKind, Map.of());
  }

  @AfterParameterizedClassInvocation
  void stopNode() {
    running.stop();
  }

  @Test
  void aSessionCreatedInAProjectIsInBothListsAtOnce() {
    ApiClient api = new ApiClient(running.httpPort()).loggedInAsNewUser();
    String projectId = api.post("/api/v1/projects", Map.of("name", "lists")).body().get("id").asText();
    // no pause: the lists must not wait for the read side to catch up
    for (int i = 0; i < 5; i++) {
      String sessionId = api.post("/api/v1/sessions", Map.of("project_id", projectId, "title", "s" + i)).body().get("id").asText();
      JsonNode mine = api.get("/api/v1/sessions").body();
      assertEquals(i + 1, mine.get("total").asInt());
      assertEquals(sessionId, mine.get("sessions").get(0).get("id").asText());
      assertEquals("s" + i, mine.get("sessions").get(0).get("title").asText());
      JsonNode inProject = api.get("/api/v1/projects/" + projectId + "/sessions").body();
      assertEquals(i + 1, inProject.get("total").asInt());
      assertEquals(sessionId, inProject.get("sessions").get(0).get("id").asText());
    }
  }

  @Test
  void aDeletedProjectsSessionsAreArchivedAndStayTheirOwners() {
    ApiClient api = new ApiClient(running.httpPort()).loggedInAsNewUser();
    String projectId = api.post("/api/v1/projects", Map.of("name", "doomed")).body().get("id").asText();
    List<String> sessions = new ArrayList<>();
    for (int i = 0; i < 3; i++) sessions.add(api.post("/api/v1/sessions", Map.of("project_id", projectId)).body().get("id").asText());

    assertEquals(204, api.send("DELETE", "/api/v1/projects/" + projectId, null).status());
    assertEquals(404, api.send("DELETE", "/api/v1/projects/" + projectId, null).status(), "deleting twice: it is gone");
    assertEquals(404, api.get("/api/v1/projects/" + projectId + "/sessions").status());
    assertEquals(404, api.post("/api/v1/sessions", Map.of("project_id", projectId)).status(), "no new sessions in a deleted project");

    JsonNode mine = api.get("/api/v1/sessions").body();
    assertEquals(3, mine.get("total").asInt(), "the sessions are still listed: " + mine);
    for (String sessionId : sessions) {
      ApiClient.Reply session = api.get("/api/v1/sessions/" + sessionId);
      assertEquals(200, session.status());
      assertFalse(session.body().get("is_active").asBoolean(), "archived with its project");
      assertTrue(mine.get("sessions").findValuesAsText("id").contains(sessionId));
    }
    mine.get("sessions").forEach(listed -> assertFalse(listed.get("is_active").asBoolean(), listed::toString));
  }

  @Test
  void theDefaultProjectIsMadeOnceHoweverManySessionsStartAtOnce() throws Exception {
    ApiClient api = new ApiClient(running.httpPort()).loggedInAsNewUser();
    List<java.util.concurrent.CompletableFuture<Integer>> creations = new ArrayList<>();
    for (int i = 0; i < 4; i++) creations.add(java.util.concurrent.CompletableFuture.supplyAsync(() -> api.post("/api/v1/sessions", Map.of()).status()));
    for (var creation : creations) assertEquals(201, creation.get());
    JsonNode projects = api.get("/api/v1/projects").body();
    assertEquals(1, projects.get("total").asInt(), projects::toString);
    assertEquals(4, projects.get("projects").get(0).get("session_count").asInt());
    assertEquals(4, api.get("/api/v1/sessions").body().get("total").asInt());
  }
}
