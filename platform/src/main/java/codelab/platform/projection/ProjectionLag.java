package codelab.platform.projection;

import codelab.platform.metrics.NodeMetrics;
import codelab.session.Session;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.Done;
import org.apache.pekko.projection.eventsourced.EventEnvelope;
import org.apache.pekko.projection.javadsl.Handler;
import org.apache.pekko.projection.jdbc.JdbcSession;
import org.apache.pekko.projection.jdbc.javadsl.JdbcHandler;

/**
 * A projection's handler that first tells the node's figures how far behind the journal it is: the
 * time since the event it handles was written ({@code codelab_projection_lag_seconds{projection}}).
 */
final class ProjectionLag {

  private ProjectionLag() {}

  static <S extends JdbcSession> JdbcHandler<EventEnvelope<Session.Event>, S> of(
      String name, NodeMetrics.Registry metrics, JdbcHandler<EventEnvelope<Session.Event>, S> handler) {
    return new JdbcHandler<>() {
      @Override
      public void process(S session, EventEnvelope<Session.Event> envelope) throws Exception {
        metrics.projectionLag(name, System.currentTimeMillis() - envelope.timestamp());
        handler.process(session, envelope);
      }

      @Override
      public void start() {
        handler.start();
      }

      @Override
      public void stop() {
        handler.stop();
      }
    };
  }

  static Handler<EventEnvelope<Session.Event>> of(String name, NodeMetrics.Registry metrics, Handler<EventEnvelope<Session.Event>> handler) {
    return new Handler<>() {
      @Override
      public CompletionStage<Done> process(EventEnvelope<Session.Event> envelope) throws Exception {
        metrics.projectionLag(name, System.currentTimeMillis() - envelope.timestamp());
        return handler.process(envelope);
      }

      @Override
      public CompletionStage<Done> start() {
        return handler.start();
      }

      @Override
      public CompletionStage<Done> stop() {
        return handler.stop();
      }
    };
  }
}
