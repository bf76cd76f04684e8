package codelab.load.scenario;

import codelab.load.metrics.Latency;
import codelab.load.node.DatabaseKind;
import codelab.load.node.NodeProcess;
import codelab.load.node.PostgresDatabase;
import codelab.load.report.Plot;
import codelab.load.report.RunResult;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * memory-recall: how long an agent with many memories takes to recall at the start of a turn. The
 * node jar's recall benchmark ({@code codelab.platform.memory.RecallBenchmark}) runs in a JVM of its
 * own on a fresh database, fills one agent to each size, and measures: the cold load of its vectors
 * by a node that holds none, the catch-up when nothing changed, the scan alone, the search with the query's embedding at hand, the
 * scripted model's embedding call alone, the whole recall, and a search right after another node
 * added a memory. One result per size; figures only.
 */
public record MemoryRecallScenario(Plan plan, DatabaseKind database) implements Scenario {

  /**
   * @param sizes the numbers of memories of the one agent, rising
   * @param searches recorded searches per measurement (after as many as 100 unrecorded)
   */
  public record Plan(List<Integer> sizes, int searches) {}

  private static final Duration TIMEOUT = Duration.ofMinutes(20);

  @Override
  public String name() {
    return "memory-recall";
  }

  @Override
  public List<RunResult> run(SuiteContext suite) {
    suite.log("memory-recall on " + database.label() + ": " + plan.sizes() + " memories");
    Path out = suite.reportDir().resolve("memory-recall-" + database.label() + ".json");
    Path log = suite.reportDir().resolve("logs").resolve("memory-recall-" + database.label() + ".log");
    List<RunResult> results = new ArrayList<>();
    Path h2Dir = null;
    PostgresDatabase postgres = null;
    try {
      List<String> target;
      if (database == DatabaseKind.POSTGRES) {
        postgres = PostgresDatabase.create("memory_recall");
        target = List.of("--db-url", postgres.url(), "--db-user", PostgresDatabase.USER);
      } else {
        h2Dir = Files.createTempDirectory("codelab-memory-recall-");
        target = List.of("--db-url", "jdbc:h2:file:" + h2Dir.resolve("codelab") + ";DB_CLOSE_ON_EXIT=FALSE", "--db-user", "sa");
      }
      runBenchmark(suite, target, out, log);
      JsonNode report = new ObjectMapper().readTree(out.toFile());
      for (JsonNode measured : report.path("results")) results.add(result(report, measured));
    } catch (IOException | RuntimeException e) {
      results.add(RunResult.builder(name(), database.label(), "run").failure(String.valueOf(e.getMessage())).build());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      results.add(RunResult.builder(name(), database.label(), "run").failure("interrupted").build());
    } finally {
      if (postgres != null) postgres.close();
      if (h2Dir != null) deleteQuietly(h2Dir);
    }
    return results;
  }

  private void runBenchmark(SuiteContext suite, List<String> target, Path out, Path log) throws IOException, InterruptedException {
    List<String> command = new ArrayList<>(List.of(
        Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx" + suite.nodeHeap(),
        "-cp", suite.nodeJar().toAbsolutePath().toString(), "codelab.platform.memory.RecallBenchmark"));
    command.addAll(target);
    command.addAll(List.of(
        "--sizes", plan.sizes().stream().map(String::valueOf).collect(Collectors.joining(",")),
        "--searches", String.valueOf(plan.searches()),
        "--out", out.toAbsolutePath().toString()));
    Files.createDirectories(log.getParent());
    Files.deleteIfExists(out);
    Process process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
    if (!process.waitFor(TIMEOUT.toMinutes(), TimeUnit.MINUTES)) {
      process.destroyForcibly();
      throw new IllegalStateException("the recall benchmark did not finish within " + TIMEOUT.toMinutes() + " minutes:\n" + NodeProcess.tail(log));
    }
    if (process.exitValue() != 0) {
      throw new IllegalStateException("the recall benchmark failed (exit " + process.exitValue() + "):\n" + NodeProcess.tail(log));
    }
  }

  private RunResult result(JsonNode report, JsonNode measured) {
    int memories = measured.path("memories").asInt();
    RunResult.Builder step = RunResult.builder(name(), database.label(), memories + " memories")
        .parameter("memories", memories)
        .parameter("dimensions", report.path("dimensions").asInt())
        .parameter("limit", report.path("limit").asInt())
        .parameter("min_score", report.path("min_score").asDouble())
        .parameter("searches", report.path("searches").asInt());
    Latency coldLoad = latency(measured.path("cold_load_ns"));
    step.figure("cold_load.p50", coldLoad.percentileMs(50), "ms",
        "loading the agent's vectors on a node that holds none (its first recall), median of " + coldLoad.count());
    step.figure("cold_load.max", coldLoad.maxMs(), "ms", "the slowest cold load");
    step.figure("vector_heap", measured.path("vector_heap_bytes").asDouble() / 1048576.0, "MiB", "heap the agent's vectors take on a node");
    step.figure("fill_rate", measured.path("added").asDouble() / (measured.path("load_ms").asDouble() / 1000.0), "memories/s",
        "adding the memories since the last size: scripted embeddings over HTTP, stored in JDBC batches of 1,000");
    step.figure("found_per_search", measured.path("found_per_search").asDouble(), "memories", "memories a search answers (limit 5, min score)");
    List<Plot.Series> curves = new ArrayList<>();
    for (String[] kind : new String[][] {
        {"catch_up", "catching the vectors up when nothing changed: one read of the agent's clock row"},
        {"scan", "the scan of every vector alone (query embedding at hand)"},
        {"search", "search with the query embedding at hand: catch-up check, scan, memories read back"},
        {"embedding", "the scripted model's embedding of the query over HTTP alone"},
        {"recall", "the whole recall: the query's embedding over HTTP, then the search"},
        {"search_after_remote_add", "search right after another node added a memory (catch-up reads it)"}}) {
      Latency latency = latency(measured.path(kind[0] + "_ns"));
      LatencyFigures.add(step, kind[0], latency, kind[1]);
      if (!kind[0].equals("search_after_remote_add") && !kind[0].equals("catch_up")) curves.add(new Plot.Series(kind[0], latency.curve()));
    }
    step.plot(new Plot("Recall latency by percentile, " + memories + " memories", Plot.Kind.PERCENTILES, "percentile", "ms", curves));
    return step.build();
  }

  private static Latency latency(JsonNode nanos) {
    Latency latency = new Latency();
    for (JsonNode sample : nanos) latency.recordNanos(sample.asLong());
    return latency;
  }

  private static void deleteQuietly(Path dir) {
    try (Stream<Path> paths = Files.walk(dir)) {
      paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException e) {
      // a temp directory left behind is harmless
    }
  }
}
