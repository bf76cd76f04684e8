package codelab.edge.auth;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.interfaces.RSAPrivateCrtKey;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.Base64;

/** An unencrypted PKCS#8 RSA private key in a PEM file ({@code -----BEGIN PRIVATE KEY-----}). */
final class PrivateKeyFile {
  private static final String BEGIN = "-----BEGIN PRIVATE KEY-----";
  private static final String END = "-----END PRIVATE KEY-----";

  private PrivateKeyFile() {}

  static RSAPrivateCrtKey read(Path file) throws IOException {
    String pem = Files.readString(file, StandardCharsets.US_ASCII);
    int begin = pem.indexOf(BEGIN);
    int end = pem.indexOf(END);
    if (begin < 0 || end < begin) {
      // Name the two common near-misses, since the fix is a one-line openssl call.
      String hint = pem.contains("BEGIN RSA PRIVATE KEY")
          ? " (it is PKCS#1; convert with: openssl pkcs8 -topk8 -nocrypt -in old.pem -out new.pem)"
          : pem.contains("BEGIN ENCRYPTED PRIVATE KEY") ? " (encrypted keys are not supported)" : "";
      throw new IOException(file + ": no unencrypted PKCS#8 '" + BEGIN + "' block" + hint);
    }
    byte[] der;
    try {
      der = Base64.getMimeDecoder().decode(pem.substring(begin + BEGIN.length(), end));
    } catch (IllegalArgumentException e) {
      throw new IOException(file + ": the PEM body is not base64");
    }
    try {
      PrivateKey key = KeyFactory.getInstance("RSA").generatePrivate(new PKCS8EncodedKeySpec(der));
      if (key instanceof RSAPrivateCrtKey crt) {
        return crt;
      }
      throw new IOException(file + ": the RSA key lacks its CRT parameters, so its public key cannot be derived");
    } catch (GeneralSecurityException e) {
      throw new IOException(file + ": not an RSA PKCS#8 private key");
    }
  }

  /**
   * Writes the key with owner-only permissions, unless the file already exists (then returns false and
   * leaves it alone). The key goes to a temporary file first and is renamed into place, so a concurrent
   * reader (another node sharing the data directory) never sees half a key and the first writer wins.
   */
  static boolean writeIfAbsent(Path file, RSAPrivateCrtKey key) throws IOException {
    Path dir = file.toAbsolutePath().getParent();
    boolean posix = dir.getFileSystem().supportedFileAttributeViews().contains("posix");
    if (!Files.isDirectory(dir)) {
      Files.createDirectories(dir.getParent());
      if (posix) {
        Files.createDirectories(dir, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
      } else {
        Files.createDirectories(dir);
      }
    }
    FileAttribute<?>[] ownerOnly = posix
        ? new FileAttribute<?>[] {PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------"))}
        : new FileAttribute<?>[0];
    Path tmp = Files.createTempFile(dir, ".jwt-signing-key", ".tmp", ownerOnly);
    try {
      if (!posix) {
        restrictToOwner(tmp);
      }
      try (FileChannel channel = FileChannel.open(tmp, StandardOpenOption.WRITE)) {
        channel.write(ByteBuffer.wrap(encode(key).getBytes(StandardCharsets.US_ASCII)));
        // Without this a crash after the rename can leave an empty key file behind.
        channel.force(true);
      }
      try {
        Files.move(tmp, file);
        return true;
      } catch (FileAlreadyExistsException e) {
        return false;
      }
    } finally {
      Files.deleteIfExists(tmp);
    }
  }

  static String encode(RSAPrivateCrtKey key) {
    Base64.Encoder lines = Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII));
    return BEGIN + "\n" + lines.encodeToString(key.getEncoded()) + "\n" + END + "\n";
  }

  /** Best effort where POSIX permissions do not exist (Windows): readable and writable by the owner only. */
  private static void restrictToOwner(Path path) {
    var file = path.toFile();
    file.setReadable(false, false);
    file.setWritable(false, false);
    file.setExecutable(false, false);
    file.setReadable(true, true);
    file.setWritable(true, true);
  }
}
