package codelab.edge.auth;

import com.typesafe.config.Config;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The RSA keys this service signs access tokens with. The newest signs; all of them verify, so a key
 * can be rotated by adding a new one, waiting one token lifetime, then removing the old one.
 */
public final class SigningKeys {
  private final Map<String, SigningKey> byKid;
  private final SigningKey current;
  private final JsonWebKeySet jwks;

  private SigningKeys(Map<String, SigningKey> byKid, SigningKey current) {
    this.byKid = Map.copyOf(byKid);
    this.current = current;
    this.jwks = new JsonWebKeySet(
        byKid.values().stream().map(k -> JsonWebKey.forRsaSigning(k.kid(), k.publicKey())).toList());
  }

  /** Keys oldest first: the last one signs new tokens. */
  public static SigningKeys of(List<SigningKey> oldestFirst) {
    if (oldestFirst.isEmpty()) {
      throw new IllegalArgumentException("at least one signing key is required");
    }
    Map<String, SigningKey> byKid = new LinkedHashMap<>();
    for (SigningKey key : oldestFirst) {
      byKid.putIfAbsent(key.kid(), key);
    }
    return new SigningKeys(byKid, oldestFirst.get(oldestFirst.size() - 1));
  }

  /** PKCS#8 PEM files, oldest first: the last one listed signs new tokens. */
  public static SigningKeys fromPemFiles(List<Path> oldestFirst) throws IOException {
    List<SigningKey> keys = new ArrayList<>();
    for (Path file : oldestFirst) {
      keys.add(SigningKey.fromPrivateKey(PrivateKeyFile.read(file)));
    }
    return of(keys);
  }

  /** The PEM files of {@code codelab.auth.signing-key-files}, or else a key generated into the data directory. */
  public static SigningKeys fromConfig(Config config, Path dataDir) {
    String files = config.getString("codelab.auth.signing-key-files").trim();
    try {
      if (files.isEmpty()) return loadOrGenerate(dataDir);
      return fromPemFiles(Arrays.stream(files.split(",")).map(String::trim).map(Path::of).toList());
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read the JWT signing keys: " + e.getMessage(), e);
    }
  }

  /**
   * The single-key development set-up: {@code dataDir/keys/jwt-signing-key.pem}, generated (RSA 3072,
   * owner-only permissions) on first start so a node runs with no configuration and its tokens survive
   * a restart.
   */
  public static SigningKeys loadOrGenerate(Path dataDir) throws IOException {
    Path file = dataDir.resolve("keys").resolve("jwt-signing-key.pem");
    if (!Files.exists(file)) {
      // When another process wins the race, its key is the one on disk, and that is what we load.
      PrivateKeyFile.writeIfAbsent(file, SigningKey.generate().privateKey());
    }
    return fromPemFiles(List.of(file));
  }

  public SigningKey current() {
    return current;
  }

  /** Only our own keys: a kid we did not configure is never trusted, whatever the token says. */
  public Optional<SigningKey> find(String kid) {
    return kid == null ? Optional.empty() : Optional.ofNullable(byKid.get(kid));
  }

  public JsonWebKeySet jwks() {
    return jwks;
  }
}
