package codelab.edge.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.core.type.TypeReference;
import io.jsonwebtoken.security.Jwks;
import java.io.IOException;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyFactory;
import java.security.KeyPairGenerator;
import java.security.interfaces.RSAPrivateCrtKey;
import java.security.interfaces.RSAPublicKey;
import java.security.spec.RSAPublicKeySpec;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SigningKeysTest {

  @Test
  void kidIsTheRfc7638Thumbprint() throws Exception {
    // The example key and its thumbprint from RFC 7638 §3.1.
    String n = "0vx7agoebGcQSuuPiLJXZptN9nndrQmbXEps2aiAFbWhM78LhWx4cbbfAAtVT86zwu1RK7aPFFxuhDR1L6tSoc_BJECPebWKRXjBZCiF"
        + "V4n3oknjhMstn64tZ_2W-5JsGY4Hc5n9yBXArwl93lqt7_RN5w6Cf0h4QyQ5v-65YGjQR0_FDW2QvzqY368QQMicAtaSqzs8KJZgnYb9c"
        + "7d0zgdAZHzu6qMQvRL5hajrn1n91CbOpbISD08qNLyrdkt-bFTWhAI4vMQFh6WeZu0fM4lFd2NcRwr3XPksINHaQ-G_xBniIqbw0Ls1jF"
        + "44-csFCur-kEgU8awapJzKnqDKgw";
    RSAPublicKey rfcKey = (RSAPublicKey) KeyFactory.getInstance("RSA").generatePublic(new RSAPublicKeySpec(
        new BigInteger(1, Base64.getUrlDecoder().decode(n)), new BigInteger(1, Base64.getUrlDecoder().decode("AQAB"))));
    assertEquals("NzbLsXh8uDCcd-6MNwXF4W_7noWXFZAfHkxZsRGC9Xs", SigningKey.thumbprint(rfcKey));

    SigningKey ours = TestKeys.A;
    assertEquals(Jwks.builder().key(ours.publicKey()).build().thumbprint().toString(), ours.kid());
  }

  @Test
  void jwksHasTheAgreedShape() throws Exception {
    SigningKeys keys = SigningKeys.of(List.of(TestKeys.A, TestKeys.B));
    String json = HandMadeJwt.JSON.writeValueAsString(keys.jwks());
    Map<String, List<Map<String, String>>> jwks = HandMadeJwt.JSON.readValue(json, new TypeReference<>() {});

    assertEquals(Set.of("keys"), jwks.keySet());
    List<Map<String, String>> published = jwks.get("keys");
    assertEquals(List.of(TestKeys.A.kid(), TestKeys.B.kid()), published.stream().map(k -> k.get("kid")).toList());
    for (Map<String, String> jwk : published) {
      assertEquals(Set.of("kty", "use", "kid", "alg", "n", "e"), jwk.keySet());
      assertEquals("RSA", jwk.get("kty"));
      assertEquals("sig", jwk.get("use"));
      assertEquals("RS256", jwk.get("alg"));
      assertEquals("AQAB", jwk.get("e"));
      assertTrue(jwk.get("n").matches("[A-Za-z0-9_-]+"), "base64url without padding");
      byte[] modulus = Base64.getUrlDecoder().decode(jwk.get("n"));
      assertEquals(256, modulus.length, "2048 bits, no sign byte");
      assertTrue(modulus[0] != 0);
    }
    assertFalse(json.contains("privateKey") || json.contains("\"d\""), "nothing private is published");
  }

  @Test
  void lastPemFileSignsAndAllVerify(@TempDir Path dir) throws IOException {
    Path a = dir.resolve("a.pem");
    Path b = dir.resolve("b.pem");
    Files.writeString(a, PrivateKeyFile.encode(TestKeys.A.privateKey()));
    Files.writeString(b, PrivateKeyFile.encode(TestKeys.B.privateKey()));

    SigningKeys keys = SigningKeys.fromPemFiles(List.of(a, b));
    assertEquals(TestKeys.B.kid(), keys.current().kid());
    assertEquals(TestKeys.A.publicKey(), keys.find(TestKeys.A.kid()).orElseThrow().publicKey());
    assertTrue(keys.find(TestKeys.B.kid()).isPresent());
    assertTrue(keys.find(TestKeys.FOREIGN.kid()).isEmpty());
    assertTrue(keys.find(null).isEmpty());

    assertEquals(TestKeys.A.kid(), SigningKeys.fromPemFiles(List.of(b, a)).current().kid());
  }

  @Test
  void pemFilesThatAreNotPkcs8RsaAreRefusedWithAHint(@TempDir Path dir) throws Exception {
    Path pkcs1 = dir.resolve("pkcs1.pem");
    Files.writeString(pkcs1, "-----BEGIN RSA PRIVATE KEY-----\nMIIB\n-----END RSA PRIVATE KEY-----\n");
    assertTrue(assertThrows(IOException.class, () -> SigningKeys.fromPemFiles(List.of(pkcs1))).getMessage().contains("openssl pkcs8"));

    KeyPairGenerator ec = KeyPairGenerator.getInstance("EC");
    ec.initialize(256);
    Path ecKey = dir.resolve("ec.pem");
    Files.writeString(ecKey, "-----BEGIN PRIVATE KEY-----\n"
        + Base64.getMimeEncoder().encodeToString(ec.generateKeyPair().getPrivate().getEncoded())
        + "\n-----END PRIVATE KEY-----\n");
    assertThrows(IOException.class, () -> SigningKeys.fromPemFiles(List.of(ecKey)));

    assertThrows(IllegalArgumentException.class, () -> SigningKeys.fromPemFiles(List.of()));
  }

  @Test
  void keysBelow2048BitsAreRefused() throws Exception {
    KeyPairGenerator rsa = KeyPairGenerator.getInstance("RSA");
    rsa.initialize(1024);
    RSAPrivateCrtKey small = (RSAPrivateCrtKey) rsa.generateKeyPair().getPrivate();
    assertThrows(IllegalArgumentException.class, () -> SigningKey.fromPrivateKey(small));
  }

  @Test
  void loadOrGenerateCreatesAnOwnerOnlyKeyAndReloadsIt(@TempDir Path dataDir) throws IOException {
    SigningKeys first = SigningKeys.loadOrGenerate(dataDir.resolve("data"));
    Path file = dataDir.resolve("data/keys/jwt-signing-key.pem");

    assertTrue(Files.readString(file).startsWith("-----BEGIN PRIVATE KEY-----\n"));
    assertEquals(3072, first.current().publicKey().getModulus().bitLength());
    if (Files.getFileStore(file).supportsFileAttributeView("posix")) {
      assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));
      assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file.getParent())));
    }
    try (var leftovers = Files.list(file.getParent())) {
      assertEquals(List.of(file), leftovers.toList(), "no temporary file left behind");
    }

    SigningKeys second = SigningKeys.loadOrGenerate(dataDir.resolve("data"));
    assertEquals(first.current().kid(), second.current().kid());
    assertEquals(first.jwks(), second.jwks());
  }

  @Test
  void toStringNamesTheKeyWithoutRevealingIt() {
    String text = TestKeys.A.toString();
    assertTrue(text.contains(TestKeys.A.kid()));
    assertFalse(text.contains(TestKeys.A.privateKey().getPrivateExponent().toString()));
    assertFalse(text.contains(TestKeys.A.privateKey().getPrivateExponent().toString(16)));
  }

  @Test
  void currentIsTheLastOfTheGivenKeys() {
    SigningKeys keys = SigningKeys.of(List.of(TestKeys.A, TestKeys.B));
    assertSame(TestKeys.B, keys.current());
  }
}
