package codelab.edge.session;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Metrics;
import java.util.concurrent.atomic.AtomicInteger;

/** This node's client connections (WebSockets and event streams), on Micrometer's global registry. */
final class ConnectionMeters {

  private static final AtomicInteger OPEN = new AtomicInteger();
  private static final Counter SLOW = Counter.builder("codelab.websocket.slow.clients.dropped")
      .description("clients sent resync and disconnected for reading too slowly").register(Metrics.globalRegistry);

  static {
    Gauge.builder("codelab.websockets.open", OPEN, AtomicInteger::get)
        .description("client connections following a session on this node").register(Metrics.globalRegistry);
  }

  private ConnectionMeters() {}

  static void opened() {
    OPEN.incrementAndGet();
  }

  static void closed() {
    OPEN.decrementAndGet();
  }

  static void droppedAsSlow() {
    SLOW.increment();
  }
}
