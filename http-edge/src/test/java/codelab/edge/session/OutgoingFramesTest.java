package codelab.edge.session;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import codelab.edge.WireJson;
import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.stream.ThrottleMode;
import org.apache.pekko.stream.javadsl.Sink;
import org.apache.pekko.stream.javadsl.Source;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/** What waits for a busy socket: deltas merge, other messages count against the limit. */
class OutgoingFramesTest {

  static final ActorTestKit testKit = ActorTestKit.create();

  @AfterAll
  static void shutdown() {
    testKit.shutdownTestKit();
  }

  private static ServerMessage delta(String turn, int index, String token) {
    return new ServerMessage.AssistantDelta(turn, index, token, null);
  }

  @Test
  void consecutiveDeltasOfATurnWaitAsOne() {
    OutgoingFrames waiting = OutgoingFrames.of(List.of(delta("t1", 0, "Hel")), 2);
    for (int i = 1; i < 1000; i++) waiting.add(List.of(delta("t1", i, "l")));
    waiting.add(List.of(new ServerMessage.TurnCompleted(9, "t1")));
    List<ServerMessage> messages = waiting.messages();
    assertEquals(2, messages.size());
    ServerMessage.AssistantDelta merged = (ServerMessage.AssistantDelta) messages.get(0);
    assertEquals(0, merged.index());
    assertEquals(1000, merged.count());
    assertEquals("Hel" + "l".repeat(999), merged.token());
  }

  @Test
  void deltasAreMergedOnlyWhenTheyFollowEachOther() {
    OutgoingFrames waiting = OutgoingFrames.of(List.of(delta("t1", 0, "a")), 10);
    waiting.add(List.of(delta("t1", 2, "c"))); // not the next one: a gap stays visible
    waiting.add(List.of(delta("t2", 3, "d"))); // another turn
    waiting.add(List.of(new ServerMessage.Pong(), delta("t2", 4, "e")));
    assertEquals(
        List.of(delta("t1", 0, "a"), delta("t1", 2, "c"), delta("t2", 3, "d"), new ServerMessage.Pong(), delta("t2", 4, "e")),
        waiting.messages());
  }

  @Test
  void whatCannotBeMergedCountsAgainstTheLimitABatchOnce() {
    OutgoingFrames waiting = OutgoingFrames.of(List.of(new ServerMessage.Pong()), 3);
    waiting.add(List.of(new ServerMessage.Pong(), new ServerMessage.Pong(), new ServerMessage.Pong()));
    waiting.add(List.of(new ServerMessage.Pong()));
    assertThrows(ClientConnection.SubscriberTooSlow.class, () -> waiting.add(List.of(new ServerMessage.Pong())));
  }

  @Test
  void aReaderSlowerThanTheModelGetsEveryTokenInFewerDeltasAndNoResync() throws Exception {
    List<List<ServerMessage>> offered = new ArrayList<>();
    StringBuilder answer = new StringBuilder();
    for (int i = 0; i < 5000; i++) {
      offered.add(List.of(delta("t1", i, "w" + i + " ")));
      answer.append("w").append(i).append(' ');
    }
    offered.add(List.of(new ServerMessage.TurnCompleted(3, "t1")));
    // the socket takes a frame every millisecond, the deltas come as fast as the stream runs; the limit is tiny
    List<ServerMessage> sent =
        SessionFeed.endingInResync(Source.from(offered), 4)
            .throttle(1, Duration.ofMillis(1), 1, ThrottleMode.shaping())
            .runWith(Sink.seq(), testKit.system())
            .toCompletableFuture()
            .get();
    StringBuilder streamed = new StringBuilder();
    int nextIndex = 0;
    for (ServerMessage frame : sent) {
      JsonNode message = WireJson.MAPPER.readTree(WireMessages.text(frame));
      if (!message.get("type").asText().equals("assistant_delta")) continue;
      assertEquals(nextIndex, message.get("index").asInt(), "no delta lost, repeated or reordered");
      nextIndex += message.path("count").asInt(1);
      streamed.append(message.get("token").asText());
    }
    assertEquals("turn_completed", WireJson.MAPPER.readTree(WireMessages.text(sent.get(sent.size() - 1))).get("type").asText());
    assertEquals(5000, nextIndex);
    assertEquals(answer.toString(), streamed.toString());
  }
}
