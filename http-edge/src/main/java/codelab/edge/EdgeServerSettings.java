package codelab.edge;

import com.typesafe.config.Config;
import org.apache.pekko.http.javadsl.settings.ServerSettings;

/**
 * pekko-http's server settings from the configuration, with what the contract depends on set here:
 * in the node's jar every module's reference.conf is appended into one, where pekko-http's own could
 * come last and win.
 */
final class EdgeServerSettings {

  private EdgeServerSettings() {}

  static ServerSettings fromConfig(Config config) {
    return ServerSettings.create(config)
        .withParsingErrorHandler(ParserRefusals.class.getName())
        // the target as sent, for DotSegments
        .withRawRequestUriHeader(true);
  }
}
