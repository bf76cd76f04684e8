package codelab.load.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.apache.pekko.NotUsed;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.http.javadsl.Http;
import org.apache.pekko.http.javadsl.ServerBinding;
import org.apache.pekko.http.javadsl.model.ws.Message;
import org.apache.pekko.http.javadsl.model.ws.TextMessage;
import org.apache.pekko.http.javadsl.server.Directives;
import org.apache.pekko.http.javadsl.server.PathMatchers;
import org.apache.pekko.http.javadsl.server.Route;
import org.apache.pekko.stream.javadsl.Flow;
import org.apache.pekko.stream.javadsl.Source;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The instrument is only worth its zeros if it counts what it should: a fake server breaks the
 * protocol's promises one at a time, and each breach must show in the right counter (and a clean
 * turn in none).
 */
class LoadClientChecksTest {

  private static ActorSystem<Void> system;
  private static ServerBinding binding;
  /** What the fake server answers to a user_message, and replays to a connection with after_seq. */
  private static volatile Function<String, List<String>> onUserMessage = m -> List.of();
  private static volatile List<String> replay = List.of();

  @BeforeAll
  static void start() throws Exception {
    system = ActorSystem.create(Behaviors.empty(), "checks");
    Route route = Directives.path(
        PathMatchers.segment("api").slash("v1").slash("ws").slash(PathMatchers.segment()),
        id -> Directives.parameterOptional("after_seq", after -> Directives.handleWebSocketMessages(socket(after))));
    binding = Http.get(system).newServerAt("127.0.0.1", 0).bind(route).toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  @AfterAll
  static void stop() {
    binding.unbind();
    system.terminate();
  }

  private static Flow<Message, Message, NotUsed> socket(Optional<String> afterSeq) {
    List<String> first = new ArrayList<>();
    first.add("{\"type\":\"session_info\",\"session_id\":\"s\",\"current_agent\":\"orchestrator\",\"last_seq\":1}");
    if (afterSeq.isPresent()) first.addAll(replay);
    return Flow.<Message>create()
        .mapConcat(m -> m.isText() && m.asTextMessage().getStrictText().contains("\"user_message\"")
            ? onUserMessage.apply(m.asTextMessage().getStrictText()) : List.<String>of())
        .prepend(Source.from(first))
        .map(text -> (Message) TextMessage.create(text));
  }

  private static String delta(int index, String token) {
    return "{\"type\":\"assistant_delta\",\"turn_id\":\"t1\",\"index\":" + index + ",\"token\":\"" + token + "\"}";
  }

  /** Several of the turn's deltas in one: the partial text on a resume, or what waited for a busy socket. */
  private static String deltas(int index, int count, String text) {
    return "{\"type\":\"assistant_delta\",\"turn_id\":\"t1\",\"index\":" + index + ",\"token\":\"" + text + "\",\"count\":" + count + "}";
  }

  private static final String ACCEPTED = "{\"type\":\"message_accepted\",\"seq\":2,\"role\":\"user\",\"content\":\"x\"}";
  private static final String MESSAGE = "{\"type\":\"assistant_message\",\"seq\":4,\"turn_id\":\"t1\",\"content\":\"abc\",\"is_final\":true}";
  private static final String COMPLETED = "{\"type\":\"turn_completed\",\"seq\":5,\"turn_id\":\"t1\"}";

  private static Map<String, Long> nonZero(Violations violations) {
    Map<String, Long> counts = new LinkedHashMap<>();
    violations.integrity().forEach((k, v) -> { if (v != 0) counts.put(k, v); });
    violations.health().forEach((k, v) -> { if (v != 0) counts.put(k, v); });
    return counts;
  }

  private static Map<String, Long> turn(List<String> frames) throws Exception {
    onUserMessage = m -> frames;
    Violations violations = new Violations();
    LoadClient client = client(violations);
    client.connect().toCompletableFuture().get(10, TimeUnit.SECONDS);
    TurnRecord record = client.sendTurn(TurnScript.plain(0, 0)).toCompletableFuture().get(10, TimeUnit.SECONDS);
    client.close();
    if (record.outcome() != TurnRecord.Outcome.COMPLETED) violations.turnsTimedOut.increment();
    return nonZero(violations);
  }

  private static LoadClient client(Violations violations) {
    int port = binding.localAddress().getPort();
    ClientContext context = new ClientContext(system, "http://127.0.0.1:" + port, "ws://127.0.0.1:" + port, violations, Duration.ofSeconds(5));
    return new LoadClient(context, 0, new Account("user", "password", "u1", "token"), "s1");
  }

  @Test
  void aCleanTurnCountsNothingAndIsTimed() throws Exception {
    onUserMessage = m -> List.of(ACCEPTED, delta(0, "a"), delta(1, "b"), delta(2, "c"), MESSAGE, COMPLETED);
    LoadClient client = client(new Violations());
    client.connect().toCompletableFuture().get(10, TimeUnit.SECONDS);
    TurnRecord record = client.sendTurn(TurnScript.plain(0, 0)).toCompletableFuture().get(10, TimeUnit.SECONDS);
    client.close();
    assertEquals(TurnRecord.Outcome.COMPLETED, record.outcome());
    assertEquals(3, record.deltas());
    assertEquals(2, record.gapsNanos().length);
    assertTrue(record.timeToFirstDeltaNanos() > 0 && record.endedAt() >= record.firstDeltaAt());
    assertEquals(Map.of(), turn(List.of(ACCEPTED, delta(0, "a"), delta(1, "b"), delta(2, "c"), MESSAGE, COMPLETED)));
  }

  @Test
  void mergedDeltasCountAsTheDeltasTheyCarry() throws Exception {
    assertEquals(Map.of(), turn(List.of(ACCEPTED, delta(0, "a"), deltas(1, 2, "bc"), MESSAGE, COMPLETED)));
    assertEquals(Map.of("deltas_duplicated", 1L), turn(List.of(ACCEPTED, deltas(0, 2, "ab"), delta(1, "b"), delta(2, "c"), MESSAGE, COMPLETED)));
    assertEquals(Map.of("deltas_lost", 1L, "delta_text_mismatches", 1L), turn(List.of(ACCEPTED, deltas(0, 2, "ab"), MESSAGE, COMPLETED)));
  }

  @Test
  void aResumeWithThePartialTextInOneDeltaIsClean() throws Exception {
    assertEquals(Map.of(), resume(List.of(deltas(0, 2, "ab"), delta(2, "c"), MESSAGE, COMPLETED), List.of(ACCEPTED, MESSAGE, COMPLETED)));
    assertEquals(Map.of("replayed_delta_mismatches", 1L),
        resume(List.of(deltas(0, 2, "Xb"), delta(2, "c"), MESSAGE, COMPLETED), List.of(ACCEPTED, MESSAGE, COMPLETED)));
  }

  @Test
  void aMissingDeltaIsLost() throws Exception {
    assertEquals(Map.of("deltas_lost", 1L, "delta_text_mismatches", 1L),
        turn(List.of(ACCEPTED, delta(0, "a"), delta(2, "c"), MESSAGE, COMPLETED)));
  }

  @Test
  void aMissingLastDeltaIsLost() throws Exception {
    assertEquals(Map.of("deltas_lost", 1L, "delta_text_mismatches", 1L),
        turn(List.of(ACCEPTED, delta(0, "a"), delta(1, "b"), MESSAGE, COMPLETED)));
  }

  @Test
  void aRepeatedDeltaIsDuplicated() throws Exception {
    assertEquals(Map.of("deltas_duplicated", 1L),
        turn(List.of(ACCEPTED, delta(0, "a"), delta(1, "b"), delta(1, "b"), delta(2, "c"), MESSAGE, COMPLETED)));
  }

  @Test
  void aLateDeltaIsOutOfOrder() throws Exception {
    assertEquals(Map.of("deltas_out_of_order", 1L),
        turn(List.of(ACCEPTED, delta(0, "a"), delta(2, "c"), delta(1, "b"), MESSAGE, COMPLETED)));
  }

  @Test
  void deltasThatDoNotAddUpToTheMessageMismatch() throws Exception {
    assertEquals(Map.of("delta_text_mismatches", 1L),
        turn(List.of(ACCEPTED, delta(0, "a"), delta(1, "B"), delta(2, "c"), MESSAGE, COMPLETED)));
  }

  @Test
  void aRepeatedSeqIsDuplicatedAndABackwardOneOutOfOrder() throws Exception {
    assertEquals(Map.of("seq_duplicated", 1L),
        turn(List.of(ACCEPTED, delta(0, "a"), delta(1, "b"), delta(2, "c"), MESSAGE,
            "{\"type\":\"turn_completed\",\"seq\":4,\"turn_id\":\"t1\"}")));
    assertEquals(Map.of("seq_out_of_order", 1L),
        turn(List.of(ACCEPTED, delta(0, "a"), delta(1, "b"), delta(2, "c"), MESSAGE,
            "{\"type\":\"turn_completed\",\"seq\":3,\"turn_id\":\"t1\"}")));
  }

  @Test
  void aResumeGetsTheRestOfTheTurnAndAnAuditFindsNothing() throws Exception {
    Map<String, Long> counts = resume(List.of(delta(0, "a"), delta(1, "b"), delta(2, "c"), MESSAGE, COMPLETED),
        List.of(ACCEPTED, MESSAGE, COMPLETED));
    assertEquals(Map.of(), counts);
  }

  @Test
  void aResumeThatRepeatsASeqOrChangesATokenIsCaught() throws Exception {
    assertEquals(Map.of("seq_duplicated", 1L),
        resume(List.of(ACCEPTED, delta(0, "a"), delta(1, "b"), delta(2, "c"), MESSAGE, COMPLETED),
            List.of(ACCEPTED, MESSAGE, COMPLETED)));
    assertEquals(Map.of("replayed_delta_mismatches", 1L),
        resume(List.of(delta(0, "X"), delta(1, "b"), delta(2, "c"), MESSAGE, COMPLETED),
            List.of(ACCEPTED, MESSAGE, COMPLETED)));
  }

  @Test
  void anAuditFindsASeqTheClientNeverSaw() throws Exception {
    // the journal has seq 3 visible, but no connection ever delivered it
    assertEquals(Map.of("seq_lost", 1L),
        resume(List.of(delta(0, "a"), delta(1, "b"), delta(2, "c"), MESSAGE, COMPLETED),
            List.of(ACCEPTED, "{\"type\":\"agent_switched\",\"seq\":3,\"from_agent\":\"a\",\"to_agent\":\"b\",\"reason\":\"r\",\"content\":\"c\"}",
                MESSAGE, COMPLETED)));
  }

  /**
   * The live connection gets message_accepted and two deltas, then drops; the resumed one (after_seq=2)
   * gets {@code afterResume}; then an audit replays {@code journal} from the client's first seq.
   */
  private static Map<String, Long> resume(List<String> afterResume, List<String> journal) throws Exception {
    onUserMessage = m -> List.of(ACCEPTED, delta(0, "a"), delta(1, "b"));
    replay = afterResume;
    Violations violations = new Violations();
    LoadClient client = client(violations);
    client.connect().toCompletableFuture().get(10, TimeUnit.SECONDS);
    var turn = client.sendTurn(TurnScript.plain(0, 0)).toCompletableFuture();
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (client.newDeltasInTurn() < 2 && System.nanoTime() < deadline) Thread.sleep(5);
    client.drop();
    client.resume().toCompletableFuture().get(10, TimeUnit.SECONDS);
    TurnRecord record = turn.get(10, TimeUnit.SECONDS);
    assertTrue(record.resumed());
    replay = journal;
    SeqAudit.audit(client).toCompletableFuture().get(20, TimeUnit.SECONDS);
    client.close();
    replay = List.of();
    return nonZero(violations);
  }
}
