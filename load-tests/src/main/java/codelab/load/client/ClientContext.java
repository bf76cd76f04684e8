package codelab.load.client;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.time.Duration;
import java.util.concurrent.Executor;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.http.javadsl.Http;
import org.apache.pekko.stream.Materializer;

/**
 * What every simulated client of one run shares: the load generator's actor system and HTTP client,
 * the node's addresses, and the run's violation counters.
 *
 * @param turnTimeout a turn not ended by then counts as timed out
 */
public record ClientContext(
    ActorSystem<?> system, String httpBase, String wsBase, Violations violations, Duration turnTimeout) {

  static final ObjectMapper JSON = new ObjectMapper();

  public Http http() {
    return Http.get(system);
  }

  public Materializer materializer() {
    return Materializer.matFromSystem(system);
  }

  public Executor executor() {
    return system.executionContext();
  }
}
