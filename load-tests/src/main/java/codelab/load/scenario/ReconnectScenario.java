package codelab.load.scenario;

import codelab.load.client.ClientContext;
import codelab.load.client.LoadClient;
import codelab.load.client.TurnRecord;
import codelab.load.client.TurnScript;
import codelab.load.client.Violations;
import codelab.load.metrics.Latency;
import codelab.load.node.DatabaseKind;
import codelab.load.node.NodeProcess;
import codelab.load.report.Plot;
import codelab.load.report.RunResult;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * reconnect storm: N clients are in the middle of a long answer when all their connections drop at
 * the same moment (as when a proxy restarts); all reconnect at once with {@code after_seq}. Each must
 * get the rest of its turn — the replayed partial text must match what it saw, the live rest must
 * follow, the whole must equal the final message — with no seq lost or repeated.
 */
public record ReconnectScenario(Plan plan, DatabaseKind database) implements Scenario {

  /**
   * @param clients how many drop at once
   * @param extraTokens answer length (filler tokens), so that the drop lands mid-answer
   * @param dropAfterDeltas every client has seen at least this many deltas of its turn when the drop comes
   */
  public record Plan(int clients, Duration tokenDelay, int extraTokens, int dropAfterDeltas, int sessionsPerUser) {}

  @Override
  public String name() {
    return "reconnect";
  }

  @Override
  public List<RunResult> run(SuiteContext suite) {
    Violations violations = new Violations();
    RunResult.Builder result = RunResult.builder(name(), database.label(), plan.clients() + " clients").violations(violations)
        .parameter("clients", plan.clients())
        .parameter("token_delay_ms", plan.tokenDelay().toMillis())
        .parameter("extra_tokens", plan.extraTokens())
        .parameter("drop_after_deltas", plan.dropAfterDeltas());
    suite.log("reconnect on " + database.label());
    try (SuiteContext.NodeLease lease = suite.startNode("reconnect", database, plan.tokenDelay(), plan.extraTokens())) {
      NodeProcess node = lease.node();
      ClientContext context = new ClientContext(suite.system(), node.httpBaseUrl(), node.wsBaseUrl(), violations, Duration.ofSeconds(90));
      ClientFleet fleet = ClientFleet.create(context, plan.clients(), plan.sessionsPerUser(), "recon");
      fleet.connectAll();
      // one whole turn first: a history before the drop, and a warm node
      awaitAll(sendAll(fleet, 0), Duration.ofSeconds(120));

      suite.log("reconnect: " + plan.clients() + " clients start a turn");
      List<CompletionStage<TurnRecord>> turns = sendAll(fleet, 1);
      awaitDeltas(fleet, plan.dropAfterDeltas(), Duration.ofSeconds(60));
      int midTurn = (int) fleet.clients().stream().filter(LoadClient::turnRunning).count();

      suite.log("reconnect: dropping " + plan.clients() + " connections at once (" + midTurn + " mid-turn)");
      long droppedAt = System.nanoTime();
      fleet.clients().forEach(LoadClient::drop);
      Latency reconnect = new Latency();
      List<CompletableFuture<Void>> resumed = new ArrayList<>();
      AtomicInteger resumeFailures = new AtomicInteger();
      for (LoadClient client : fleet.clients()) {
        resumed.add(client.resume().toCompletableFuture().handle((ok, failure) -> {
          if (failure != null) resumeFailures.incrementAndGet();
          else reconnect.recordNanos(System.nanoTime() - droppedAt);
          return null;
        }));
      }
      CompletableFuture.allOf(resumed.toArray(CompletableFuture[]::new)).get(60, TimeUnit.SECONDS);

      Latency restOfTurn = new Latency();
      int completed = 0;
      for (CompletionStage<TurnRecord> turn : turns) {
        TurnRecord record = turn.toCompletableFuture().get(120, TimeUnit.SECONDS);
        if (record.completed()) {
          completed++;
          if (record.endedAt() > droppedAt) restOfTurn.recordNanos(record.endedAt() - droppedAt);
        }
      }
      fleet.auditAll();
      fleet.closeAll();

      result.figure("clients_dropped", plan.clients(), "clients", "connections dropped at the same moment");
      result.figure("clients_dropped_mid_turn", midTurn, "clients", "of which in the middle of an answer");
      result.figure("clients_resumed", plan.clients() - resumeFailures.get(), "clients", "reconnected with after_seq");
      result.figure("turns_completed_after_resume", completed, "turns",
          "turns that ended with turn_completed and passed every check (should equal clients_dropped)");
      LatencyFigures.add(result, "reconnect", reconnect, "drop to session_info on the new connection");
      LatencyFigures.add(result, "rest_of_turn", restOfTurn, "drop to turn_completed of the interrupted turn");
      result.plot(new Plot("Reconnect storm", Plot.Kind.PERCENTILES, "percentile", "ms",
          List.of(new Plot.Series("drop → session_info", reconnect.curve()),
              new Plot.Series("drop → turn_completed", restOfTurn.curve()))));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      result.failure("interrupted");
    } catch (Exception e) {
      result.failure(e.getMessage());
    }
    return List.of(result.build());
  }

  private static List<CompletionStage<TurnRecord>> sendAll(ClientFleet fleet, int turn) {
    List<CompletionStage<TurnRecord>> turns = new ArrayList<>();
    for (LoadClient client : fleet.clients()) turns.add(client.sendTurn(TurnScript.plain(client.number(), turn)));
    return turns;
  }

  private static void awaitAll(List<CompletionStage<TurnRecord>> turns, Duration limit) throws Exception {
    CompletableFuture.allOf(turns.stream().map(CompletionStage::toCompletableFuture).toArray(CompletableFuture[]::new))
        .get(limit.toMillis(), TimeUnit.MILLISECONDS);
  }

  /** Waits until every client is at least {@code deltas} into its answer (or its turn already ended). */
  private static void awaitDeltas(ClientFleet fleet, int deltas, Duration limit) throws InterruptedException {
    long deadline = System.nanoTime() + limit.toNanos();
    while (System.nanoTime() < deadline) {
      boolean all = fleet.clients().stream().allMatch(c -> c.newDeltasInTurn() >= deltas || !c.turnRunning());
      if (all) return;
      Thread.sleep(5);
    }
    throw new IllegalStateException("not every client reached " + deltas + " deltas of its turn within " + limit.toSeconds() + " s");
  }
}
