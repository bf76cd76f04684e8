package codelab.platform;

import static org.junit.jupiter.api.Assertions.assertEquals;

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

/** Every list's paging bounds, from outside: in range is a page (maybe empty), out of range a 400, never a 5xx. */
@ParameterizedClass(name = "on {0}")
@EnumSource(TestDatabase.Kind.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class PagingTest {

  @Parameter TestDatabase.Kind databaseKind;

  private RunningNode running;
  private ApiClient user;
  private List<String> lists;

  @BeforeParameterizedClassInvocation
  void startNode() throws IOException {
    running = RunningNode.start(databaseKind, Map.of());
    user = new ApiClient(running.httpPort()).loggedInAsNewUser();
    String projectId = user.post("/api/v1/projects", Map.of("name", "paged")).body().get("id").asText();
    for (int i = 0; i < 3; i++) user.post("/api/v1/sessions", Map.of("project_id", projectId));
    lists = List.of("/api/v1/projects", "/api/v1/sessions", "/api/v1/projects/" + projectId + "/sessions");
  }

  @AfterParameterizedClassInvocation
  void stopNode() {
    running.stop();
  }

  @Test
  void theLargestOffsetIsAnEmptyPageOfEveryList() {
    for (String list : lists) {
      ApiClient.Reply reply = user.get(list + "?offset=2147483647");
      assertEquals(200, reply.status(), () -> list + " " + reply.body());
      JsonNode items = reply.body().get(list.endsWith("projects") ? "projects" : "sessions");
      assertEquals(0, items.size(), list);
      assertEquals(user.get(list).body().get("total").asInt(), reply.body().get("total").asInt(), list + ": the total is still told");
      assertEquals(2147483647, reply.body().get("offset").asInt());
    }
  }

  @Test
  void theDefaultAndLargestLimitsAreTheContractsAndBeyondThemIsA400() {
    for (String list : lists) {
      assertEquals(20, user.get(list).body().get("limit").asInt(), list + ": the default limit, as in v1.0");
      assertEquals(500, user.get(list + "?limit=500").body().get("limit").asInt(), list);
      for (String bad : List.of("limit=501", "limit=0", "limit=-1", "offset=-1", "offset=2147483648", "offset=99999999999999999999", "limit=1e3")) {
        ApiClient.Reply reply = user.get(list + "?" + bad);
        assertEquals(400, reply.status(), () -> list + "?" + bad + " " + reply.body());
        assertEquals("validation_error", reply.body().get("code").asText());
      }
    }
  }

  @Test
  void pagesOfAListDoNotOverlapAndCoverIt() {
    String sessions = lists.get(1);
    JsonNode first = user.get(sessions + "?limit=2").body().get("sessions");
    JsonNode rest = user.get(sessions + "?limit=2&offset=2").body().get("sessions");
    assertEquals(2, first.size());
    assertEquals(1, rest.size());
    assertEquals(3, java.util.stream.Stream.of(first.get(0), first.get(1), rest.get(0)).map(s -> s.get("id").asText()).distinct().count());
  }
}
