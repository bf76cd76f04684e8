package codelab.edge;

import com.typesafe.config.Config;
import java.time.Duration;

/**
 * What the HTTP edge is configured with: the version it reports, the WebSocket origin allow-list,
 * how many frames a slow client may have waiting before it is sent {@code resync}, the largest text
 * frame a client may send, and how long it waits for an entity.
 */
public record EdgeSettings(
    String version, OriginPolicy allowedOrigins, int socketBufferSize, int maxFrameBytes, Duration askTimeout) {

  /** From the edge's configuration ({@code codelab.http-edge} topics in this module's reference.conf). */
  public static EdgeSettings fromConfig(Config config, String version) {
    return new EdgeSettings(
        version,
        new OriginPolicy(config.getString("codelab.allowed-origins")),
        config.getInt("codelab.websocket.buffer-size"),
        config.getInt("codelab.websocket.max-frame-bytes"),
        config.getDuration("codelab.ask-timeout"));
  }
}
