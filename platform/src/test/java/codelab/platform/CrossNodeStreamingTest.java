package codelab.platform;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import codelab.schema.TestDatabase;
import codelab.session.Session;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.apache.pekko.actor.typed.javadsl.AskPattern;
import org.apache.pekko.cluster.MemberStatus;
import org.apache.pekko.cluster.sharding.typed.GetShardRegionState;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.apache.pekko.cluster.sharding.ShardRegion;
import org.apache.pekko.cluster.typed.Cluster;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Two nodes of one cluster in this JVM. The WebSocket is held by the node that does not host the
 * session entity, so every delta and persisted update crosses the network (and is serialized; Java
 * serialization is off). Then the entity's node leaves: the socket's connection follows the entity
 * to its new home and the conversation goes on over the same socket.
 */
class CrossNodeStreamingTest {

  /** Every message is serialized, also between actors of one node: what is not serializable fails here. */
  private static final Map<String, Object> SERIALIZE_EVERY_MESSAGE = Map.of("pekko.actor.serialize-messages", "on");

  private static Map<String, Object> withSeed(int seedPort) {
    return Map.of("pekko.actor.serialize-messages", "on", "codelab.seed-nodes", "127.0.0.1:" + seedPort);
  }

  @ParameterizedTest(name = "on {0}")
  @EnumSource(TestDatabase.Kind.class)
  void tokensStreamAcrossNodesAndTheSubscriberFollowsTheEntity(TestDatabase.Kind databaseKind) throws Exception {
    Path dataDir = Files.createTempDirectory("codelab-cluster");
    TestDatabase database = TestDatabase.create(databaseKind, dataDir);
    Node first = null;
    Node second = null;
    try {
      first = Node.start(TestNode.config(database, dataDir, SERIALIZE_EVERY_MESSAGE));
      int firstPort = first.clusterAddress().getPort().get();
      second = Node.start(TestNode.config(database, dataDir, withSeed(firstPort)));
      awaitMembersUp(first, 2);
      assertTrue(second.system().settings().config().getBoolean("pekko.actor.serialize-messages"));

      ApiClient api = new ApiClient(second.httpPort()).loggedInAsNewUser();
      String sessionId = api.createSession();
      Node entityNode = hosts(first, sessionId) ? first : second;
      Node socketNode = entityNode == first ? second : first;
      assertTrue(hosts(entityNode, sessionId) && !hosts(socketNode, sessionId), "the entity lives on exactly one node");
      assertNotEquals(entityNode.clusterAddress(), socketNode.clusterAddress());

      try (SocketClient socket = SocketClient.connect(socketNode.httpPort(), sessionId, api.accessToken, null)) {
        socket.next("session_info");
        socket.send(Map.of("type", "user_message", "content", "stream this across the cluster"));
        long lastSeq = assertStreamedTurn(socket, "stream this across the cluster", true);

        // the entity's node leaves; its shards move to the socket's node
        entityNode.stop().toCompletableFuture().get();
        if (entityNode == first) first = null; else second = null;
        awaitMembersUp(socketNode, 1);

        socket.send(Map.of("type", "user_message", "content", "still there?", "operation_id", "after-move"));
        long seqAfterMove = assertStreamedTurn(socket, "still there?", false);
        assertTrue(seqAfterMove > lastSeq, "seq keeps increasing after the move");
        assertTrue(hosts(socketNode, sessionId), "the entity now lives on the remaining node");
      }
    } finally {
      TestNode.stop(first);
      TestNode.stop(second);
      database.drop();
    }
  }

  /**
   * A session is kept in memory while someone follows it, and passivates once the last socket (on
   * another node) is gone: the entity watches the socket's subscriber across the network and drops it.
   */
  @ParameterizedTest(name = "on {0}")
  @EnumSource(TestDatabase.Kind.class)
  void aSessionLetsGoOfASocketClosedOnAnotherNode(TestDatabase.Kind databaseKind) throws Exception {
    Path dataDir = Files.createTempDirectory("codelab-cluster");
    TestDatabase database = TestDatabase.create(databaseKind, dataDir);
    Map<String, Object> quicklyIdle = Map.of("codelab.session.idle-timeout", "1s");
    Node first = null;
    Node second = null;
    try {
      first = Node.start(TestNode.config(database, dataDir, quicklyIdle));
      second = joining(first, database, dataDir, quicklyIdle);

      ApiClient api = new ApiClient(second.httpPort()).loggedInAsNewUser();
      String sessionId = api.createSession();
      Node entityNode = hosts(first, sessionId) ? first : second;
      Node socketNode = entityNode == first ? second : first;
      try (SocketClient socket = SocketClient.connect(socketNode.httpPort(), sessionId, api.accessToken, null)) {
        socket.next("session_info");
        Thread.sleep(3000);
        assertTrue(hosts(entityNode, sessionId), "a followed session stays in memory past its idle timeout");
      }
      assertTrue(letsGo(entityNode, sessionId, Duration.ofSeconds(20)), "the session still holds the closed socket's subscription");
    } finally {
      TestNode.stop(first);
      TestNode.stop(second);
      database.drop();
    }
  }

  /**
   * A session streamed over SSE from the node that does not host it, with its commands sent over
   * REST to the other one: the stream follows the entity when its node leaves, like a socket, and once
   * the stream is closed the session lets go of it and passivates.
   */
  @ParameterizedTest(name = "on {0}")
  @EnumSource(TestDatabase.Kind.class)
  void anEventStreamOnAnotherNodeFollowsTheSessionAndIsDroppedWhenClosed(TestDatabase.Kind databaseKind) throws Exception {
    Path dataDir = Files.createTempDirectory("codelab-cluster");
    TestDatabase database = TestDatabase.create(databaseKind, dataDir);
    Map<String, Object> quicklyIdle = Map.of("codelab.session.idle-timeout", "1s", "pekko.actor.serialize-messages", "on");
    Node first = null;
    Node second = null;
    try {
      first = Node.start(TestNode.config(database, dataDir, quicklyIdle));
      second = joining(first, database, dataDir, quicklyIdle);

      ApiClient api = new ApiClient(second.httpPort()).loggedInAsNewUser();
      String sessionId = api.createSession();
      Node entityNode = hosts(first, sessionId) ? first : second;
      Node streamNode = entityNode == first ? second : first;
      ApiClient commands = new ApiClient(entityNode.httpPort());
      commands.accessToken = api.accessToken;
      try (StreamClient stream = StreamClient.open(streamNode.httpPort(), sessionId, api.accessToken, null, Map.of())) {
        stream.next("session_info");
        assertEquals(202, commands.post("/api/v1/sessions/" + sessionId + "/messages", Map.of("content", "stream this over SSE")).status());
        long lastSeq = assertStreamedTurn(stream, "stream this over SSE", true);

        entityNode.stop().toCompletableFuture().get();
        if (entityNode == first) first = null; else second = null;
        awaitMembersUp(streamNode, 1);

        ApiClient survivor = new ApiClient(streamNode.httpPort());
        survivor.accessToken = api.accessToken;
        assertEquals(202, survivor.post("/api/v1/sessions/" + sessionId + "/messages", Map.of("content", "still streaming?")).status());
        assertTrue(assertStreamedTurn(stream, "still streaming?", false) > lastSeq, "seq keeps increasing after the move");
        assertTrue(hosts(streamNode, sessionId), "the entity now lives on the remaining node");
      }
      // the server learns that a client closed its HTTP connection when it next writes to it: at the
      // latest with the keep-alive comment, 15 s after the last message
      assertTrue(letsGo(streamNode, sessionId, Duration.ofSeconds(45)), "the session still holds the closed stream's subscription");
    } finally {
      TestNode.stop(first);
      TestNode.stop(second);
      database.drop();
    }
  }

  private static long assertStreamedTurn(StreamClient stream, String quoted, boolean deltasRequired) {
    List<JsonNode> turn = StreamClient.data(stream.untilType("turn_completed"));
    return assertTurn(turn, quoted, deltasRequired);
  }

  /**
   * Reads a turn (from message_accepted to turn_completed); returns the last seq. While a connection
   * re-subscribes to a moved entity it catches up from the journal and skips live deltas, so right
   * after a move a turn may arrive as its persisted message alone; deltas, when there are any, are
   * the whole text from index 0.
   */
  private static long assertStreamedTurn(SocketClient socket, String quoted, boolean deltasRequired) {
    return assertTurn(
        socket.until(m -> m.get("type").asText().equals("turn_completed") || m.get("type").asText().equals("turn_failed")), quoted, deltasRequired);
  }

  private static long assertTurn(List<JsonNode> turn, String quoted, boolean deltasRequired) {
    assertEquals("turn_completed", turn.get(turn.size() - 1).get("type").asText(), () -> "turn: " + turn);
    String streamed =
        turn.stream().filter(m -> m.get("type").asText().equals("assistant_delta")).map(m -> m.get("token").asText()).collect(Collectors.joining());
    JsonNode message = turn.stream().filter(m -> m.get("type").asText().equals("assistant_message")).findFirst().orElseThrow();
    if (deltasRequired || !streamed.isEmpty()) assertEquals(message.get("content").asText(), streamed);
    assertTrue(message.get("content").asText().contains(quoted), message::toString);
    long previous = 0;
    for (JsonNode m : turn) {
      if (m.has("seq")) {
        assertTrue(m.get("seq").asLong() > previous, "seq strictly increases");
        previous = m.get("seq").asLong();
      }
    }
    return previous;
  }

  /** A second node in the first one's cluster, with the same settings, once both are up. */
  private static Node joining(Node first, TestDatabase database, Path dataDir, Map<String, Object> settings) throws Exception {
    Map<String, Object> seeded = new java.util.HashMap<>(withSeed(first.clusterAddress().getPort().get()));
    seeded.putAll(settings);
    Node second = Node.start(TestNode.config(database, dataDir, seeded));
    awaitMembersUp(first, 2);
    return second;
  }

  /** Whether the node stops hosting the session (it passivated, nobody follows it) within the time given. */
  private static boolean letsGo(Node node, String sessionId, Duration within) throws Exception {
    long deadline = System.nanoTime() + within.toNanos();
    while (hosts(node, sessionId) && System.nanoTime() < deadline) Thread.sleep(200);
    return !hosts(node, sessionId);
  }

  private static boolean hosts(Node node, String sessionId) throws Exception {
    ShardRegion.CurrentShardRegionState state =
        AskPattern.<org.apache.pekko.cluster.sharding.typed.ClusterShardingQuery, ShardRegion.CurrentShardRegionState>ask(
                ClusterSharding.get(node.system()).shardState(),
                replyTo -> new GetShardRegionState(Session.ENTITY_KEY, replyTo),
                Duration.ofSeconds(5),
                node.system().scheduler())
            .toCompletableFuture()
            .get();
    Set<String> ids = state.getShards().stream().flatMap(s -> s.getEntityIds().stream()).collect(Collectors.toSet());
    return ids.contains(sessionId);
  }

  private static void awaitMembersUp(Node node, int count) throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    while (System.nanoTime() < deadline) {
      long up = 0;
      for (var member : Cluster.get(node.system()).state().getMembers()) if (member.status() == MemberStatus.up()) up++;
      if (up == count && Cluster.get(node.system()).state().getUnreachable().isEmpty()) return;
      Thread.sleep(100);
    }
    throw new AssertionError("the cluster did not reach " + count + " members up");
  }
}
