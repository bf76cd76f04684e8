package codelab.platform;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.apache.pekko.actor.Address;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.cluster.typed.Cluster;
import org.apache.pekko.cluster.typed.Join;
import org.apache.pekko.cluster.typed.JoinSeedNodes;

/** How a node joins its cluster, and the version it announces to it for rolling updates. */
final class ClusterMembership {

  private ClusterMembership() {}

  /** {@code CODELAB_APP_VERSION}, or the build's version. */
  static String appVersion(Config config) {
    String configured = config.getString("codelab.app-version").trim();
    if (!configured.isEmpty()) return configured;
    String built = Node.class.getPackage().getImplementationVersion();
    return built != null ? built : "0.1.0-SNAPSHOT";
  }

  /** New nodes of a higher app-version get the shards during a rolling update. */
  static Config appVersionConfig(String version) {
    // pekko's Version orders "1.2.3", "1.2.3-RC1" and "1.2.3-SNAPSHOT"; a tag's leading "v" is not part of it
    String appVersion = version.startsWith("v") || version.startsWith("V") ? version.substring(1) : version;
    return ConfigFactory.parseMap(Map.of("pekko.cluster.app-version", appVersion));
  }

  /** Seed nodes if configured (a local multi-node cluster), otherwise a cluster of this node alone. */
  static void join(ActorSystem<?> system) {
    Cluster cluster = Cluster.get(system);
    String seeds = system.settings().config().getString("codelab.seed-nodes").trim();
    if (seeds.isEmpty()) {
      cluster.manager().tell(Join.create(cluster.selfMember().address()));
      return;
    }
    List<Address> seedAddresses =
        Arrays.stream(seeds.split(","))
            .map(String::trim)
            .filter(s -> !s.isEmpty())
            .map(hostPort -> {
              String[] parts = hostPort.split(":");
              return new Address("pekko", Node.SYSTEM_NAME, parts[0], Integer.parseInt(parts[1]));
            })
            .toList();
    cluster.manager().tell(new JoinSeedNodes(seedAddresses));
  }
}
