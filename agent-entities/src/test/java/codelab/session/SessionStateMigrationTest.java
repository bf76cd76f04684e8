package codelab.session;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.InputStream;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.serialization.Serialization;
import org.apache.pekko.serialization.SerializationExtension;
import org.apache.pekko.serialization.Serializers;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/** A snapshot written when the state was {@code Session.State} (the v1.0 fixture journal's) reads as a {@link SessionState}. */
class SessionStateMigrationTest {

  private static final ActorTestKit testKit = ActorTestKit.create();

  @AfterAll
  static void stop() {
    testKit.shutdownTestKit();
  }

  @Test
  void aSnapshotNamedSessionStateOfV1_0ReadsAndWritesBackTheSameJson() throws Exception {
    byte[] written;
    try (InputStream in = getClass().getResourceAsStream("session-state-v1.0.json")) {
      written = in.readAllBytes();
    }
    Serialization serialization = SerializationExtension.get(testKit.system().classicSystem());

    SessionState state = (SessionState) serialization.deserialize(written, 31, "codelab.session.Session$State").get();
    assertEquals(40, state.lastSeq());
    assertEquals(20, state.messages().size());
    assertEquals(1, state.turn().pending().size());

    var serializer = serialization.findSerializerFor(state);
    assertEquals(31, serializer.identifier());
    assertEquals(SessionState.class.getName(), Serializers.manifestFor(serializer, state));
    ObjectMapper json = new ObjectMapper();
    JsonNode rewritten = json.readTree(serializer.toBinary(state));
    assertEquals(json.readTree(written), rewritten, "the snapshot's JSON is unchanged");
  }
}
