package codelab.platform;

import com.typesafe.config.ConfigFactory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** {@code java -jar codelab-platform.jar}: runs one node with application.conf and the CODELAB_* variables. */
public final class Main {

  static {
    // Pekko's CompletionStages (ask, singleRequest, ...) run even thenApply and whenComplete on
    // CompletableFuture's default executor. On one or two CPUs the common pool gets parallelism 1,
    // and then that executor starts a new thread for every such step: hundreds per second under load.
    String parallelism = "java.util.concurrent.ForkJoinPool.common.parallelism";
    if (System.getProperty(parallelism) == null) {
      System.setProperty(parallelism, String.valueOf(Math.max(2, Runtime.getRuntime().availableProcessors() - 1)));
    }
  }

  private static final Logger log = LoggerFactory.getLogger(Main.class);

  public static void main(String[] args) {
    try {
      Node.start(ConfigFactory.load());
    } catch (RuntimeException e) {
      log.error("{}", e.getMessage(), e.getCause());
      System.exit(1);
    }
  }
}
