package codelab.platform;

import codelab.schema.TestDatabase;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/** A node started in this JVM on its own test database, with a logged-in user: what most scenarios begin with. */
record RunningNode(TestDatabase database, Path dataDir, Node node, ApiClient api) {

  static RunningNode start(TestDatabase.Kind kind, Map<String, Object> settings) throws IOException {
    Path dataDir = Files.createTempDirectory("codelab-test");
    TestDatabase database = TestDatabase.create(kind, dataDir);
    Node node = Node.start(TestNode.config(database, dataDir, settings));
    return new RunningNode(database, dataDir, node, new ApiClient(node.httpPort()).loggedInAsNewUser());
  }

  int httpPort() {
    return node.httpPort();
  }

  void stop() {
    TestNode.stop(node);
    database.drop();
  }
}
