package codelab.platform.memory;

import codelab.llm.Embeddings;
import codelab.platform.Database;
import codelab.platform.llm.OpenAiEmbeddingsClient;
import codelab.platform.llm.OpenAiSettings;
import codelab.platform.scripted.ScriptedModelServer;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.typesafe.config.ConfigFactory;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.IntConsumer;
import java.util.function.Supplier;
import javax.sql.DataSource;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.http.javadsl.Http;

/**
 * How long recall takes for one agent with many memories: what the load tests' memory-recall
 * scenario runs, in a JVM of its own, with this jar and a database of its own:
 *
 * <pre>java -cp codelab-platform.jar codelab.platform.memory.RecallBenchmark --db-url URL [--db-user postgres]
 *     [--sizes 10000,100000] [--searches 300] --out FILE</pre>
 *
 * One agent is filled to each size in turn (synthetic memories embedded by the scripted model over
 * HTTP, stored in JDBC batches), then measured: a cold load of its vectors by a node that holds none,
 * the catch-up when nothing changed, the scan alone, a search with the query's embedding at hand (catch-up, scan, reading the memories
 * back), the scripted model's embedding of a query over HTTP alone, the whole recall (that embedding,
 * then the search), and a search right after
 * another node added a memory (a catch-up that reads one row). Writes every sample as JSON; figures,
 * never a verdict.
 */
public final class RecallBenchmark {

  private static final int LIMIT = 5;
  private static final double MIN_SCORE = 0.25;
  private static final int BATCH = 1000;
  private static final int COLD_LOADS = 3;
  private static final int REMOTE_ADDS = 30;

  private final JdbcAgentMemories store;
  private final Embeddings embeddings;
  private final SyntheticMemories texts = new SyntheticMemories(42);
  private final String agent = UUID.randomUUID().toString();
  private final Supplier<JdbcAgentMemories> otherNode;

  private RecallBenchmark(JdbcAgentMemories store, Embeddings embeddings, Supplier<JdbcAgentMemories> otherNode) {
    this.store = store;
    this.embeddings = embeddings;
    this.otherNode = otherNode;
  }

  public static void main(String[] args) throws Exception {
    Map<String, String> options = options(args);
    String url = required(options, "--db-url");
    Path out = Path.of(required(options, "--out"));
    List<Integer> sizes = Arrays.stream(options.getOrDefault("--sizes", "10000,100000").split(",")).map(Integer::parseInt).sorted().toList();
    int searches = Integer.parseInt(options.getOrDefault("--searches", "300"));
    Database database = new Database(
        url.startsWith("jdbc:postgresql:") ? Database.Kind.POSTGRES : Database.Kind.H2, url, options.getOrDefault("--db-user", ""), "");

    ActorSystem<Void> system = ActorSystem.create(Behaviors.empty(), "recall-benchmark", ConfigFactory.parseMap(Map.of(
            "pekko.actor.provider", "local", "pekko.loglevel", "WARNING", "pekko.coordinated-shutdown.exit-jvm", "off"))
        .withFallback(ConfigFactory.load()));
    ExecutorService blocking = Executors.newFixedThreadPool(4);
    int status = 1;
    try {
      database.migrate();
      ScriptedModelServer scripted = ScriptedModelServer.start(system, 0, Duration.ZERO, 0).toCompletableFuture().get(30, TimeUnit.SECONDS);
      Embeddings embeddings = new OpenAiEmbeddingsClient(system, new OpenAiSettings(scripted.baseUrl(), null,
          ScriptedModelServer.EMBEDDING_MODEL, Duration.ofSeconds(5), Duration.ofSeconds(60), Duration.ofSeconds(60), 8));
      // room for the largest size: nothing is evicted, and no cache drops the agent between measurements
      MemorySettings settings = new MemorySettings(sizes.get(sizes.size() - 1) + REMOTE_ADDS * sizes.size(), Long.MAX_VALUE);
      DataSource dataSource = database.pool(system, "recall-benchmark", 4);
      RecallBenchmark benchmark = new RecallBenchmark(
          new JdbcAgentMemories(dataSource, blocking, embeddings, settings, Clock.systemUTC()),
          embeddings,
          () -> new JdbcAgentMemories(dataSource, blocking, embeddings, settings, Clock.systemUTC()));
      ObjectMapper json = new ObjectMapper();
      ObjectNode report = json.createObjectNode().put("database", database.kind().name().toLowerCase()).put("limit", LIMIT)
          .put("min_score", MIN_SCORE).put("searches", searches);
      ArrayNode results = report.putArray("results");
      int stored = 0;
      for (int size : sizes) {
        ObjectNode result = results.addObject().put("memories", size).put("added", size - stored);
        long loadStart = System.nanoTime();
        stored = benchmark.fill(stored, size);
        result.put("load_ms", (System.nanoTime() - loadStart) / 1e6);
        benchmark.measure(result, searches);
        report.put("dimensions", benchmark.store.current(benchmark.agent).dimensions());
        json.writerWithDefaultPrettyPrinter().writeValue(out.toFile(), report);
        System.out.println("recall benchmark: " + size + " memories measured");
      }
      status = 0;
    } catch (Exception e) {
      e.printStackTrace();
    } finally {
      blocking.shutdownNow();
      Http.get(system).shutdownAllConnectionPools().toCompletableFuture().get(10, TimeUnit.SECONDS);
      system.terminate();
      system.getWhenTerminated().toCompletableFuture().get(30, TimeUnit.SECONDS);
    }
    System.exit(status);
  }

  /** Adds memories until the agent has {@code size}, in batches: one embedding request and one transaction each. */
  private int fill(int stored, int size) throws Exception {
    while (stored < size) {
      int count = Math.min(BATCH, size - stored);
      List<String> batch = new ArrayList<>();
      for (int i = 0; i < count; i++) batch.add(texts.memory());
      List<float[]> vectors = embeddings.embed(batch).toCompletableFuture().get(60, TimeUnit.SECONDS);
      List<JdbcAgentMemories.Remembered> memories = new ArrayList<>();
      for (int i = 0; i < count; i++) memories.add(new JdbcAgentMemories.Remembered(batch.get(i), null, 0, vectors.get(i)));
      store.store(agent, memories);
      stored += count;
    }
    return stored;
  }

  private void measure(ObjectNode result, int searches) throws Exception {
    long[] coldLoads = new long[COLD_LOADS];
    for (int i = 0; i < COLD_LOADS; i++) {
      JdbcAgentMemories cold = otherNode.get();
      long start = System.nanoTime();
      MemoryVectors loaded = cold.current(agent);
      coldLoads[i] = System.nanoTime() - start;
      result.put("vector_heap_bytes", loaded.bytes());
    }
    samples(result, "cold_load_ns", coldLoads);
    // the cold loads' vectors are garbage now: collected here rather than in the middle of a timing
    System.gc();

    List<String> queries = new ArrayList<>();
    for (int i = 0; i < searches; i++) queries.add(texts.query());
    List<float[]> embedded = embeddings.embed(queries).toCompletableFuture().get(60, TimeUnit.SECONDS);
    List<float[]> unit = embedded.stream().map(StoredVector::normalized).toList();
    MemoryVectors vectors = store.current(agent);
    result.put("found_per_search", unit.stream().mapToInt(q -> vectors.top(q, LIMIT, MIN_SCORE).size()).average().orElse(0));

    samples(result, "catch_up_ns", timed(searches, i -> store.current(agent)));
    samples(result, "scan_ns", timed(searches, i -> vectors.top(unit.get(i), LIMIT, MIN_SCORE)));
    samples(result, "embedding_ns", timed(searches, i -> join(embeddings.embed(queries.get(i)))));
    samples(result, "search_ns", timed(searches, i -> join(store.searchVector(agent, embedded.get(i), LIMIT, MIN_SCORE))));
    samples(result, "recall_ns", timed(searches, i -> join(store.search(agent, queries.get(i), LIMIT, MIN_SCORE))));

    JdbcAgentMemories other = otherNode.get();
    long[] afterRemoteAdd = new long[REMOTE_ADDS];
    for (int i = 0; i < REMOTE_ADDS; i++) {
      join(other.add(agent, texts.memory(), null, 0));
      long start = System.nanoTime();
      join(store.searchVector(agent, embedded.get(i), LIMIT, MIN_SCORE));
      afterRemoteAdd[i] = System.nanoTime() - start;
    }
    samples(result, "search_after_remote_add_ns", afterRemoteAdd);
  }

  /** Runs {@code work} as warm-up (unrecorded, for the JIT), then {@code count} times recorded. */
  private static long[] timed(int count, IntConsumer work) {
    for (int i = 0; i < Math.min(count, 100); i++) work.accept(i);
    long[] nanos = new long[count];
    for (int i = 0; i < count; i++) {
      long start = System.nanoTime();
      work.accept(i);
      nanos[i] = System.nanoTime() - start;
    }
    return nanos;
  }

  private static <T> T join(CompletionStage<T> stage) {
    return stage.toCompletableFuture().join();
  }

  private static void samples(ObjectNode result, String name, long[] nanos) {
    ArrayNode array = result.putArray(name);
    for (long n : nanos) array.add(n);
  }

  private static Map<String, String> options(String[] args) {
    Map<String, String> options = new HashMap<>();
    for (int i = 0; i + 1 < args.length; i += 2) options.put(args[i], args[i + 1]);
    return options;
  }

  private static String required(Map<String, String> options, String name) {
    String value = options.get(name);
    if (value == null) throw new IllegalArgumentException(name + " is required");
    return value;
  }
}
