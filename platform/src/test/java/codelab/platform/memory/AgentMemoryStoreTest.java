package codelab.platform.memory;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import codelab.agent.memory.Memory;
import codelab.agent.memory.MemoryPage;
import codelab.agent.memory.Recalled;
import codelab.llm.Embeddings;
import codelab.llm.LlmException;
import codelab.platform.llm.OpenAiEmbeddingsClient;
import codelab.platform.llm.OpenAiSettings;
import codelab.platform.scripted.ScriptedModelServer;
import codelab.schema.SchemaMigrations;
import codelab.schema.TestDatabase;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import javax.sql.DataSource;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.http.javadsl.Http;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.AfterParameterizedClassInvocation;
import org.junit.jupiter.params.BeforeParameterizedClassInvocation;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The memory store on each database, with the scripted model's embeddings over real HTTP. Two store
 * instances on one database are two nodes: each has its own vectors for recall.
 */
@ParameterizedClass(name = "on {0}")
@EnumSource(TestDatabase.Kind.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class AgentMemoryStoreTest {

  private static final MemorySettings SETTINGS = new MemorySettings(1000, 64L * 1024 * 1024);

  @Parameter TestDatabase.Kind databaseKind;

  private TestDatabase database;
  private DataSource dataSource;
  /**
   * An embedded H2 database closes when its last connection does, and this test's plain DataSource
   * (no pool, unlike a node's) opens and closes one per statement, from four threads: a database
   * reopened while it was still closing lost committed rows or the whole schema ("this database is
   * empty"), now and then, under load. One connection held for the class keeps it open, as a pool would.
   */
  private Connection keepOpen;
  private ActorTestKit testKit;
  private ScriptedModelServer scripted;
  private ExecutorService blocking;
  private CountingEmbeddings embeddings;

  @BeforeParameterizedClassInvocation
  void start() throws Exception {
    database = TestDatabase.create(databaseKind, Files.createTempDirectory("codelab-memory"));
    dataSource = database.dataSource();
    keepOpen = dataSource.getConnection();
    SchemaMigrations.migrate(dataSource);
    testKit = ActorTestKit.create();
    scripted = ScriptedModelServer.start(testKit.system(), 0, Duration.ZERO, 0).toCompletableFuture().get(5, TimeUnit.SECONDS);
    embeddings = new CountingEmbeddings(new OpenAiEmbeddingsClient(testKit.system(), new OpenAiSettings(scripted.baseUrl(), null,
        ScriptedModelServer.EMBEDDING_MODEL, Duration.ofSeconds(2), Duration.ofSeconds(10), Duration.ofSeconds(10), 64)));
    blocking = Executors.newFixedThreadPool(4);
  }

  @AfterParameterizedClassInvocation
  void stop() throws Exception {
    blocking.shutdownNow();
    Http.get(testKit.system()).shutdownAllConnectionPools().toCompletableFuture().get(5, TimeUnit.SECONDS);
    scripted.stop().toCompletableFuture().get(5, TimeUnit.SECONDS);
    testKit.shutdownTestKit();
    keepOpen.close();
    database.drop();
  }

  private JdbcAgentMemories node() {
    return node(SETTINGS, embeddings);
  }

  private JdbcAgentMemories node(MemorySettings settings, Embeddings embeddings) {
    return new JdbcAgentMemories(dataSource, blocking, embeddings, settings, Clock.systemUTC());
  }

  private static String agent() {
    return UUID.randomUUID().toString();
  }

  private static <T> T await(CompletionStage<T> stage) throws Exception {
    return stage.toCompletableFuture().get(30, TimeUnit.SECONDS);
  }

  private static Throwable failure(CompletionStage<?> stage) {
    return assertThrows(ExecutionException.class, () -> await(stage)).getCause();
  }

  private static List<String> texts(List<Recalled> recalled) {
    return recalled.stream().map(r -> r.memory().text()).toList();
  }

  @Test
  void memoriesAreListedNewestFirstFoundBySimilarityAndForgotten() throws Exception {
    JdbcAgentMemories store = node();
    String agent = agent();
    Memory flyway = await(store.add(agent, "the flyway migration for postgresql needs a new version number", "s-1", 4));
    Memory socket = await(store.add(agent, "the websocket resumes after the last seq it saw", null, 0));
    Memory cake = await(store.add(agent, "bake the lemon cake for forty minutes", "s-2", 9));

    MemoryPage page = await(store.list(agent, 0, 2));
    assertEquals(3, page.total());
    assertEquals(List.of(cake, socket), page.memories(), "newest first, as stored");
    assertEquals(List.of(flyway), await(store.list(agent, 2, 10)).memories());
    assertEquals("s-1", flyway.sessionId());
    assertEquals(4, flyway.seq());

    List<Recalled> found = await(store.search(agent, "which version number does the postgresql migration get", 5, 0.3));
    assertEquals(List.of(flyway), found.stream().map(Recalled::memory).toList(), "only the one sharing words passes 0.3");
    assertTrue(found.get(0).score() > 0.3 && found.get(0).score() <= 1.0001, "a cosine: " + found.get(0).score());
    List<Recalled> all = await(store.search(agent, "the migration and the websocket and the cake", 5, -1));
    assertEquals(3, all.size(), "a threshold below every score finds all");
    assertTrue(all.get(0).score() >= all.get(1).score() && all.get(1).score() >= all.get(2).score(), "best first");
    assertEquals(1, await(store.search(agent, "the migration and the websocket and the cake", 1, -1)).size(), "at most the limit");

    assertTrue(await(store.delete(agent, flyway.id())));
    assertFalse(await(store.delete(agent, flyway.id())), "already gone");
    assertEquals(List.of(), await(store.search(agent, "which version number does the postgresql migration get", 5, 0.3)));
    assertEquals(2, await(store.list(agent, 0, 10)).total());
    assertEquals(List.of(cake, socket), await(store.list(agent, 0, 10)).memories());
  }

  @Test
  void aDeletedMemoryIsNeverRecalledAgainByANodeThatHadItInItsVectors() throws Exception {
    JdbcAgentMemories first = node();
    JdbcAgentMemories second = node();
    String agent = agent();
    Memory secret = await(first.add(agent, "the staging password lives in the vault under ops", null, 0));
    await(first.add(agent, "ops rotates the vault keys every month", null, 0));
    String query = "where does the staging password live";
    assertEquals(secret, await(second.search(agent, query, 5, 0.2)).get(0).memory(), "the second node now holds its vector");

    assertTrue(await(first.delete(agent, secret.id())));

    assertFalse(texts(await(second.search(agent, query, 5, -1))).contains(secret.text()), "gone on the node that had it");
    assertEquals(1, second.current(agent).size(), "and gone from its vectors, not only from its answer");
    assertFalse(texts(await(first.search(agent, query, 5, -1))).contains(secret.text()));
    assertEquals(1, await(second.list(agent, 0, 10)).total());
    assertEquals(1, node().current(agent).size(), "a node that loads the agent cold never had it");
  }

  @Test
  void aMemoryDeletedWhileARecallRunsIsNotAnswered() throws Exception {
    JdbcAgentMemories writer = node();
    String agent = agent();
    Memory doomed = await(writer.add(agent, "the release train leaves on thursday", null, 0));
    // the reader's vectors are caught up before it embeds the query; the delete lands in between
    AtomicReference<Runnable> duringEmbedding = new AtomicReference<>(() -> {});
    JdbcAgentMemories reader = node(SETTINGS, texts -> {
      duringEmbedding.get().run();
      return embeddings.embed(texts);
    });
    duringEmbedding.set(() -> writer.delete(agent, doomed.id()).toCompletableFuture().join());

    assertEquals(List.of(), await(reader.search(agent, "when does the release train leave", 5, -1)));
  }

  @Test
  void anAgentNeverSeesAnotherAgentsMemories() throws Exception {
    JdbcAgentMemories store = node();
    String mine = agent();
    String theirs = agent();
    Memory their = await(store.add(theirs, "the deploy key is in the team vault", "s-9", 1));
    await(store.add(mine, "lunch is at noon", null, 0));

    assertEquals(List.of("lunch is at noon"), texts(await(store.search(mine, "where is the deploy key in the vault", 5, -1))));
    assertEquals(1, await(store.list(mine, 0, 10)).total());
    assertFalse(await(store.delete(mine, their.id())), "not mine to delete");
    assertEquals(List.of(their), await(store.list(theirs, 0, 10)).memories());
    assertEquals(Optional.of(their), await(store.addOnce(theirs, "x", "s-9", 1)));
    assertTrue(await(store.addOnce(mine, "my own memory of that turn", "s-9", 1)).isPresent(), "turns are remembered per agent");
    assertEquals(List.of(), await(store.search(agent(), "the deploy key is in the team vault", 5, -1)), "an agent without memories");
  }

  @Test
  void aTurnIsRememberedOnceAndADeletedOneIsNotRememberedAgain() throws Exception {
    JdbcAgentMemories store = node();
    JdbcAgentMemories other = node();
    String agent = agent();

    Memory once = await(store.addOnce(agent, "user: fix the build\nassistant: done", "s-1", 7)).orElseThrow();
    assertEquals(Optional.of(once), await(store.addOnce(agent, "user: fix the build\nassistant: done", "s-1", 7)));
    assertEquals(Optional.of(once), await(other.addOnce(agent, "user: fix the build\nassistant: done", "s-1", 7)), "from another node too");
    assertEquals(1, await(store.list(agent, 0, 10)).total());
    assertInstanceOf(IllegalArgumentException.class, failure(store.add(agent, "again", "s-1", 7)), "add does not store a turn twice");

    assertTrue(await(store.delete(agent, once.id())));
    assertEquals(Optional.empty(), await(store.addOnce(agent, "user: fix the build\nassistant: done", "s-1", 7)));
    assertEquals(0, await(store.list(agent, 0, 10)).total());
    assertEquals(List.of(), await(store.search(agent, "fix the build", 5, -1)));
  }

  @Test
  void anAgentKeepsItsNewestMemoriesUpToTheCapOnEveryNode() throws Exception {
    MemorySettings capped = new MemorySettings(3, SETTINGS.recallCacheBytes());
    JdbcAgentMemories first = node(capped, embeddings);
    JdbcAgentMemories second = node(capped, embeddings);
    String agent = agent();
    List<Memory> added = new ArrayList<>();
    for (int i = 0; i < 3; i++) added.add(await(first.add(agent, "memory number " + i + " about topic" + i, null, 0)));
    assertEquals(3, second.current(agent).size());
    await(first.delete(agent, added.get(1).id()));

    for (int i = 3; i < 6; i++) added.add(await(first.add(agent, "memory number " + i + " about topic" + i, null, 0)));

    MemoryPage page = await(second.list(agent, 0, 10));
    assertEquals(3, page.total());
    assertEquals(List.of(added.get(5), added.get(4), added.get(3)), page.memories());
    assertEquals(3, second.current(agent).size(), "the node that held the oldest dropped them");
    assertEquals(List.of(), await(second.search(agent, "topic0", 5, 0.3)), "the oldest is gone");
    assertEquals(List.of(added.get(5).text()), texts(await(second.search(agent, "topic5", 5, 0.3))));
  }

  @Test
  void nodesThatAddAndDeleteConcurrentlyAgreeWithTheTable() throws Exception {
    JdbcAgentMemories first = node();
    JdbcAgentMemories second = node();
    JdbcAgentMemories reader = node();
    String agent = agent();
    List<CompletableFuture<Memory>> adds = new ArrayList<>();
    for (int i = 0; i < 30; i++) {
      JdbcAgentMemories writer = i % 2 == 0 ? first : second;
      adds.add(writer.add(agent, "concurrent memory " + i, null, 0).toCompletableFuture());
      // recalls between the writes catch up over and over, mid-stream
      if (i % 5 == 0) reader.current(agent);
    }
    List<Memory> memories = new ArrayList<>();
    for (CompletableFuture<Memory> add : adds) memories.add(await(add));
    List<CompletableFuture<Boolean>> deletes = new ArrayList<>();
    for (int i = 0; i < 30; i += 3) deletes.add((i % 2 == 0 ? second : first).delete(agent, memories.get(i).id()).toCompletableFuture());
    for (CompletableFuture<Boolean> delete : deletes) assertTrue(await(delete));

    assertEquals(20, await(reader.list(agent, 0, 100)).total());
    assertEquals(20, reader.current(agent).size());
    assertEquals(20, node().current(agent).size());
    List<String> recalled = texts(await(reader.search(agent, "concurrent memory", 100, -1)));
    for (int i = 0; i < 30; i++) {
      assertEquals(i % 3 != 0, recalled.contains("concurrent memory " + i), "memory " + i);
    }
  }

  @Test
  void anAgentWithoutMemoriesCostsNoEmbeddingCall() throws Exception {
    JdbcAgentMemories store = node();
    int before = embeddings.calls.get();

    assertEquals(List.of(), await(store.search(agent(), "anything at all", 5, 0)));
    assertEquals(before, embeddings.calls.get());
  }

  @Test
  void refusesWhatCannotBeAMemoryAndPassesOnTheModelsFailure() throws Exception {
    JdbcAgentMemories store = node();
    String agent = agent();
    assertInstanceOf(IllegalArgumentException.class, failure(store.add(agent, " ", null, 0)));
    assertInstanceOf(IllegalArgumentException.class, failure(store.add(agent, "x".repeat(16_001), null, 0)));
    assertInstanceOf(IllegalArgumentException.class, failure(store.add("", "text", null, 0)));
    assertInstanceOf(IllegalArgumentException.class, failure(store.addOnce(agent, "text", null, 3)));
    assertInstanceOf(IllegalArgumentException.class, failure(store.list(agent, -1, 10)));
    assertInstanceOf(IllegalArgumentException.class, failure(store.search(agent, "", 5, 0)));

    JdbcAgentMemories broken = node(SETTINGS, texts -> CompletableFuture.failedFuture(new LlmException("the model is down")));
    assertEquals("the model is down", assertInstanceOf(LlmException.class, failure(broken.add(agent, "text", null, 0))).getMessage());
    assertEquals(0, await(store.list(agent, 0, 10)).total(), "nothing stored without its embedding");
  }

  /** The scripted model's embeddings, counting the calls. */
  private static final class CountingEmbeddings implements Embeddings {
    final AtomicInteger calls = new AtomicInteger();
    private final Embeddings delegate;

    CountingEmbeddings(Embeddings delegate) {
      this.delegate = delegate;
    }

    @Override
    public CompletionStage<List<float[]>> embed(List<String> texts) {
      calls.incrementAndGet();
      return delegate.embed(texts);
    }
  }
}
