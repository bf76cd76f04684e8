package codelab.edge;

import java.time.Duration;

/**
 * What the HTTP edge is configured with: the version it reports, the WebSocket origin allow-list,
 * how many frames a slow client may have waiting before it is sent {@code resync}, the largest text
 * frame a client may send, and how long it waits for an entity.
 */
public record EdgeSettings(
    String version, OriginPolicy allowedOrigins, int socketBufferSize, int maxFrameBytes, Duration askTimeout) {}
