package codelab.platform;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import codelab.schema.TestDatabase;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** A model that cannot be reached ends the turn with a turn_failed that says why; the session stays usable. */
class ModelFailureTest {

  @ParameterizedTest(name = "on {0}")
  @EnumSource(TestDatabase.Kind.class)
  void anUnreachableModelFailsTheTurnVisibly(TestDatabase.Kind databaseKind) throws IOException {
    Path dataDir = Files.createTempDirectory("codelab-model-down");
    TestDatabase database = TestDatabase.create(databaseKind, dataDir);
    String deadModel = "http://127.0.0.1:" + freePort() + "/v1";
    Node node = Node.start(TestNode.config(database, dataDir, Map.of("codelab.llm.base-url", deadModel, "codelab.llm.model", "gpt-test")));
    try {
      ApiClient api = new ApiClient(node.httpPort()).loggedInAsNewUser();
      String sessionId = api.createSession();
      try (SocketClient socket = SocketClient.connect(node.httpPort(), sessionId, api.accessToken, null)) {
        socket.next("session_info");
        for (int attempt = 0; attempt < 2; attempt++) {
          socket.send(Map.of("type", "user_message", "content", "anyone there?"));
          List<JsonNode> turn = socket.untilType("turn_failed");
          JsonNode failed = turn.get(turn.size() - 1);
          assertTrue(failed.get("error").asText().contains(deadModel), failed::toString);
          assertTrue(failed.has("seq") && failed.has("turn_id"));
        }
      }
      JsonNode history = api.get("/api/v1/sessions/" + sessionId + "/history").body();
      assertEquals(2, history.get("message_count").asInt(), "the user's messages are kept; no assistant message was made up");
    } finally {
      TestNode.stop(node);
      database.drop();
    }
  }

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }
}
