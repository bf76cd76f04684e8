package codelab.edge.auth;

import java.time.Duration;
import java.util.Set;

/**
 * @param clients the OAuth2 client ids this server knows (public clients: no secret)
 * @param refreshTokenLifetime a login's absolute lifetime: its refresh tokens end then, however often rotated
 */
public record AuthSettings(Set<String> clients, Duration refreshTokenLifetime, RateLimiter tokenRequests, RateLimiter registrations) {}
