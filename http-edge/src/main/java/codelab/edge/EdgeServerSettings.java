package codelab.edge;

import com.typesafe.config.Config;
import java.util.Optional;
import org.apache.pekko.http.javadsl.settings.ServerSettings;

/**
 * pekko-http's server settings from the configuration, with what the contract depends on set here:
 * in the node's jar every module's reference.conf is appended into one, where pekko-http's own could
 * come last and win.
 */
final class EdgeServerSettings {

  private EdgeServerSettings() {}

  static ServerSettings fromConfig(Config config) {
    ServerSettings settings = ServerSettings.create(config);
    return settings
        // pekko-http's warning about a malformed header quotes its value, and a bearer token with one
        // stray character is still a working credential: it must not reach the log (the header is
        // kept raw and judged by the routes anyway)
        .withParserSettings(settings.getParserSettings().withIllegalHeaderWarnings(false))
        .withParsingErrorHandler(ParserRefusals.class.getName())
        // the target as sent, for DotSegments
        .withRawRequestUriHeader(true)
        // HEAD answered as GET without the body, as HTTP says every GET resource must
        .withTransparentHeadRequests(true)
        // no banner naming the server and its version
        .withServerHeader(Optional.empty());
  }
}
