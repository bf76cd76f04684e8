package codelab.load.scenario;

import codelab.load.node.DatabaseKind;
import codelab.load.node.NodeProcess;
import codelab.load.node.NodeSettings;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.apache.pekko.actor.typed.ActorSystem;

/**
 * What a suite's scenarios share: the load generator's actor system, the node jar they start, where
 * the report (and the nodes' logs) go. Measuring suites give every scenario a fresh node; the smoke
 * suite shares one between scenarios with the same node settings, because a node's start-up is most
 * of its time.
 */
public final class SuiteContext implements AutoCloseable {

  private final ActorSystem<?> system;
  private final Path nodeJar;
  private final Path reportDir;
  private final String nodeHeap;
  private final boolean shareNodes;
  private final Map<String, NodeProcess> shared = new HashMap<>();

  public SuiteContext(ActorSystem<?> system, Path nodeJar, Path reportDir, String nodeHeap, boolean shareNodes) {
    this.system = system;
    this.nodeJar = nodeJar;
    this.reportDir = reportDir;
    this.nodeHeap = nodeHeap;
    this.shareNodes = shareNodes;
  }

  public ActorSystem<?> system() {
    return system;
  }

  public String nodeHeap() {
    return nodeHeap;
  }

  /** The node's jar: a scenario that runs a benchmark of the node's own classes runs it from this jar. */
  Path nodeJar() {
    return nodeJar;
  }

  Path reportDir() {
    return reportDir;
  }

  /** A node for one scenario; its log goes to {@code report/logs/<purpose>-<database>.log}. */
  NodeLease startNode(String purpose, DatabaseKind database, Duration tokenDelay, int extraTokens) {
    if (!shareNodes) return new NodeLease(start(purpose, database, tokenDelay, extraTokens), true);
    String key = database + "/" + tokenDelay.toMillis() + "/" + extraTokens;
    NodeProcess node = shared.get(key);
    if (node == null || !node.isAlive()) {
      node = start("shared", database, tokenDelay, extraTokens);
      shared.put(key, node);
    }
    return new NodeLease(node, false);
  }

  private NodeProcess start(String purpose, DatabaseKind database, Duration tokenDelay, int extraTokens) {
    Path log = reportDir.resolve("logs").resolve(purpose + "-" + database.label() + ".log");
    return NodeProcess.start(new NodeSettings(nodeJar, database, tokenDelay, extraTokens, nodeHeap, log), purpose);
  }

  void log(String line) {
    System.out.printf("[%tT] %s%n", System.currentTimeMillis(), line);
    System.out.flush();
  }

  /** Stops the shared nodes. */
  @Override
  public void close() {
    shared.values().forEach(NodeProcess::close);
    shared.clear();
  }

  /** A node a scenario uses; closing it stops the node unless the suite shares it. */
  record NodeLease(NodeProcess node, boolean owned) implements AutoCloseable {
    @Override
    public void close() {
      if (owned) node.close();
    }
  }
}
