package codelab.platform.metrics;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Metrics;
import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.pekko.actor.AbstractExtensionId;
import org.apache.pekko.actor.ExtendedActorSystem;
import org.apache.pekko.actor.Extension;
import org.apache.pekko.actor.ExtensionIdProvider;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.Adapter;
import org.apache.pekko.http.javadsl.model.ContentTypes;
import org.apache.pekko.http.javadsl.model.HttpEntities;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.server.AllDirectives;
import org.apache.pekko.http.javadsl.server.Route;
import org.apache.pekko.management.javadsl.ManagementRouteProvider;
import org.apache.pekko.management.javadsl.ManagementRouteProviderSettings;

/**
 * The node's figures: a Prometheus registry (Micrometer), joined to the global registry the domain
 * and the edge count on, with the JVM's figures, served as {@code GET /metrics} on the management
 * port (a route provider of Pekko Management, {@code pekko.management.http.routes.metrics}). Leaves
 * the global registry when the node stops (several nodes may run in one JVM, in tests).
 */
public final class NodeMetrics extends AbstractExtensionId<NodeMetrics.Registry> implements ExtensionIdProvider {

  public static final NodeMetrics ID = new NodeMetrics();

  /** Pekko Management creates the provider by its class name; it answers with {@link #ID}. */
  public NodeMetrics() {}

  public static Registry get(ActorSystem<?> system) {
    return ID.get(Adapter.toClassic(system));
  }

  @Override
  public NodeMetrics lookup() {
    return ID;
  }

  @Override
  public Registry createExtension(ExtendedActorSystem system) {
    return new Registry(system);
  }

  /** The registry, and what serves it. */
  public static final class Registry extends AllDirectives implements Extension, ManagementRouteProvider {

    private final PrometheusMeterRegistry prometheus = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final Map<String, AtomicLong> projectionLagMillis = new ConcurrentHashMap<>();

    Registry(ExtendedActorSystem system) {
      new JvmMemoryMetrics().bindTo(prometheus);
      new JvmGcMetrics().bindTo(prometheus);
      new JvmThreadMetrics().bindTo(prometheus);
      new ClassLoaderMetrics().bindTo(prometheus);
      new ProcessorMetrics().bindTo(prometheus);
      new UptimeMetrics().bindTo(prometheus);
      Metrics.addRegistry(prometheus);
      system.getWhenTerminated().thenRun(() -> {
        Metrics.removeRegistry(prometheus);
        prometheus.close();
      });
    }

    public PrometheusMeterRegistry prometheus() {
      return prometheus;
    }

    /** How far behind the journal projection {@code name} is, from the event it just handled. */
    public void projectionLag(String name, long millis) {
      projectionLagMillis.computeIfAbsent(name, n -> {
        AtomicLong lag = new AtomicLong();
        Gauge.builder("codelab.projection.lag", lag, l -> l.get() / 1000.0).baseUnit("seconds").tag("projection", n)
            .description("from an event's write to its handling by the read side").register(prometheus);
        return lag;
      }).set(Math.max(0, millis));
    }

    @Override
    public Route routes(ManagementRouteProviderSettings settings) {
      // Prometheus' text format is plain text
      return path("metrics", () -> get(() ->
          complete(HttpResponse.create().withEntity(HttpEntities.create(ContentTypes.TEXT_PLAIN_UTF8, prometheus.scrape())))));
    }
  }
}
