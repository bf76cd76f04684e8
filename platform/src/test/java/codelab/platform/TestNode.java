package codelab.platform;

import codelab.schema.TestDatabase;
import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

/** Starts nodes in this JVM on ephemeral ports, against a test database, with a fast scripted model. */
final class TestNode {

  private TestNode() {}

  static Config config(TestDatabase database, Path dataDir, Map<String, Object> extra) {
    Map<String, Object> settings = new HashMap<>();
    settings.put("codelab.http.host", "127.0.0.1");
    settings.put("codelab.http.port", 0);
    settings.put("codelab.data-dir", dataDir.toString());
    settings.put("codelab.db.url", database.kind() == TestDatabase.Kind.POSTGRES ? database.url() : "");
    settings.put("codelab.db.user", database.user());
    settings.put("codelab.db.password", database.password());
    // low bcrypt cost keeps registrations fast; the cost-12 path is covered by PasswordHasherTest
    settings.put("codelab.auth.bcrypt-cost", 4);
    settings.put("codelab.scripted-model.token-delay-ms", 2);
    // every test registers its users from 127.0.0.1; the rate limit has its own test
    settings.put("codelab.auth.rate-limit.requests", 100000);
    settings.put("pekko.remote.artery.canonical.port", 0);
    settings.put("pekko.management.http.port", 0);
    settings.put("pekko.coordinated-shutdown.exit-jvm", "off");
    settings.put("pekko.cluster.jmx.multi-mbeans-in-same-jvm", "on");
    settings.put("pekko.coordinated-shutdown.run-by-jvm-shutdown-hook", "off");
    settings.putAll(extra);
    return ConfigFactory.parseMap(settings).withFallback(ConfigFactory.load());
  }

  static Node start(TestDatabase database, Path dataDir) {
    return Node.start(config(database, dataDir, Map.of()));
  }

  static void stop(Node node) {
    if (node != null) node.stop().toCompletableFuture().orTimeout(Duration.ofSeconds(30).toSeconds(), java.util.concurrent.TimeUnit.SECONDS).join();
  }
}
