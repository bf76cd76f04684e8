package codelab.platform;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import codelab.schema.TestDatabase;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * A node stops and a new one starts on the same database: the conversation, its sequence numbers
 * and the user's token survive, and a client that resumes from {@code after_seq=0} gets exactly
 * what it saw live.
 */
class RestartTest {

  @ParameterizedTest(name = "on {0}")
  @EnumSource(TestDatabase.Kind.class)
  void historyAndSequenceNumbersSurviveARestart(TestDatabase.Kind databaseKind) throws IOException {
    Path dataDir = Files.createTempDirectory("codelab-restart");
    TestDatabase database = TestDatabase.create(databaseKind, dataDir);
    Node node = TestNode.start(database, dataDir);
    try {
      ApiClient api = new ApiClient(node.httpPort()).loggedInAsNewUser();
      String sessionId = api.createSession();
      List<String> seenLive = new ArrayList<>();
      try (SocketClient socket = SocketClient.connect(node.httpPort(), sessionId, api.accessToken, null)) {
        socket.next("session_info");
        for (String text : List.of("first question", "second question")) {
          socket.send(Map.of("type", "user_message", "content", text));
          socket.untilType("turn_completed").stream().filter(m -> m.has("seq")).map(RestartTest::persisted).forEach(seenLive::add);
        }
      }
      JsonNode historyBefore = api.get("/api/v1/sessions/" + sessionId + "/history").body();
      long lastSeqBefore = api.get("/api/v1/sessions/" + sessionId).body().get("last_seq").asLong();

      TestNode.stop(node);
      node = TestNode.start(database, dataDir);

      ApiClient afterRestart = new ApiClient(node.httpPort());
      afterRestart.accessToken = api.accessToken; // the signing key lives in the data directory
      assertEquals(historyBefore, afterRestart.get("/api/v1/sessions/" + sessionId + "/history").body());
      assertEquals(lastSeqBefore, afterRestart.get("/api/v1/sessions/" + sessionId).body().get("last_seq").asLong());

      try (SocketClient socket = SocketClient.connect(node.httpPort(), sessionId, api.accessToken, "after_seq=0")) {
        assertEquals(lastSeqBefore, socket.next("session_info").get("last_seq").asLong());
        List<String> replayed = new ArrayList<>();
        for (int i = 0; i < seenLive.size(); i++) replayed.add(persisted(socket.next()));
        assertEquals(seenLive, replayed);
        assertTrue(seenLive.size() >= 6, "two turns: accepted, message, completed each");
      }
    } finally {
      TestNode.stop(node);
      database.drop();
    }
  }

  private static String persisted(JsonNode message) {
    return message.get("seq").asLong() + " " + message.get("type").asText() + " " + message.path("content").asText("");
  }
}
