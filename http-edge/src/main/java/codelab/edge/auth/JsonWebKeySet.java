package codelab.edge.auth;

import java.util.List;

/** The body of {@code GET /.well-known/jwks.json}: {@code {"keys": [...]}}, ready for Jackson. */
public record JsonWebKeySet(List<JsonWebKey> keys) {
  public JsonWebKeySet {
    keys = List.copyOf(keys);
  }
}
