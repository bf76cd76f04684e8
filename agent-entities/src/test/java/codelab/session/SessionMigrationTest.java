package codelab.session;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.InputStream;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.serialization.Serialization;
import org.apache.pekko.serialization.SerializationExtension;
import org.apache.pekko.serialization.Serializers;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/** Session types written before version 2 read as version 2 (see {@link SessionMigration}). */
class SessionMigrationTest {

  private static final ActorTestKit testKit = ActorTestKit.create();
  private static final ObjectMapper JSON = new ObjectMapper();
  private final Serialization serialization = SerializationExtension.get(testKit.system().classicSystem());

  @AfterAll
  static void stop() {
    testKit.shutdownTestKit();
  }

  @Test
  void aV1_0SnapshotOfSessionStateReadsAndWritesBackItsFieldsUnchanged() throws Exception {
    byte[] written;
    try (InputStream in = getClass().getResourceAsStream("session-state-v1.0.json")) {
      written = in.readAllBytes();
    }
    SessionState state = (SessionState) serialization.deserialize(written, 31, "codelab.session.Session$State").get();
    assertEquals(40, state.lastSeq());
    assertEquals(20, state.messages().size());
    assertEquals(1, state.turn().pending().size());
    List<SessionState.ChatMessage> toolMessages = state.messages().stream().filter(m -> m.role() == MessageRole.TOOL).toList();
    assertFalse(toolMessages.isEmpty());
    for (SessionState.ChatMessage m : toolMessages) assertNotNull(m.name(), "a v1 tool message is named after its call's tool");

    var serializer = serialization.findSerializerFor(state);
    assertEquals("session.state#5", Serializers.manifestFor(serializer, state), "version 5 since sessions know their creating client");
    JsonNode rewritten = JSON.readTree(serializer.toBinary(state));
    assertContains("", JSON.readTree(written), rewritten);
  }

  @Test
  void version1WordsOutsideTheEnumsReadAsTheV1ReducerReadThem() throws Exception {
    byte[] resolved = "{\"callId\":\"c1\",\"decision\":\"maybe\",\"at\":\"2026-12-01T10:00:00Z\"}".getBytes();
    var event = (Session.ApprovalResolved) serialization.deserialize(resolved, 31, "codelab.session.Session$ApprovalResolved").get();
    assertEquals(ApprovalDecision.REJECT, event.decision(), "v1's reducer rejected on any word but approve, edit, expired");

    byte[] approval = ("{\"requestId\":\"r\",\"callId\":\"c1\",\"status\":\"expired\",\"seq\":3}").getBytes();
    var read = (SessionState.Approval) serialization.deserialize(approval, 31, "codelab.session.Session$State$Approval").get();
    assertEquals(ApprovalStatus.EXPIRED, read.status());
    byte[] message = "{\"role\":\"tool\",\"content\":\"x\",\"toolCallId\":\"c1\"}".getBytes();
    var chat = (SessionState.ChatMessage) serialization.deserialize(message, 31, "codelab.session.Session$State$ChatMessage").get();
    assertEquals(MessageRole.TOOL, chat.role());
  }

  /** Every field of {@code expected} is in {@code actual} with the same value (fields may have been added). */
  private static void assertContains(String path, JsonNode expected, JsonNode actual) {
    if (expected.isObject()) {
      for (Iterator<Map.Entry<String, JsonNode>> fields = expected.fields(); fields.hasNext(); ) {
        Map.Entry<String, JsonNode> field = fields.next();
        assertContains(path + "." + field.getKey(), field.getValue(), actual.path(field.getKey()));
      }
    } else if (expected.isArray()) {
      assertEquals(expected.size(), actual.size(), path);
      for (int i = 0; i < expected.size(); i++) assertContains(path + "[" + i + "]", expected.get(i), actual.get(i));
    } else {
      assertEquals(expected, actual, path);
    }
  }
}
