package codelab.platform;

import com.typesafe.config.ConfigFactory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** {@code java -jar codelab-platform.jar}: runs one node with application.conf and the CODELAB_* variables. */
public final class Main {

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
