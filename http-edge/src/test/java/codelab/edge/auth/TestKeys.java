package codelab.edge.auth;

import java.security.KeyPairGenerator;
import java.security.interfaces.RSAPrivateCrtKey;

/** 2048-bit keys for tests: the smallest RS256 allows, and much faster to generate than 3072. */
final class TestKeys {
  static final SigningKey A = generate();
  static final SigningKey B = generate();
  static final SigningKey FOREIGN = generate();

  private TestKeys() {}

  static SigningKey generate() {
    try {
      KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
      generator.initialize(2048);
      return SigningKey.fromPrivateKey((RSAPrivateCrtKey) generator.generateKeyPair().getPrivate());
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }
}
