package codelab.platform.golden;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * One released shape of one serialized type, as the release that wrote it wrote it:
 * {@code golden/<type name>/<release>.json} holding the serializer id, the manifest and the payload.
 */
record GoldenFile(Path path, String typeName, String release, int serializerId, String manifest, JsonNode payload) {

  static final Path DIRECTORY = Path.of("src/test/resources/golden");
  private static final ObjectMapper JSON = new ObjectMapper();

  byte[] bytes() {
    return payload.toString().getBytes(StandardCharsets.UTF_8);
  }

  static List<GoldenFile> all() {
    List<GoldenFile> files = new ArrayList<>();
    try (Stream<Path> paths = Files.walk(DIRECTORY)) {
      for (Path path : paths.filter(p -> p.toString().endsWith(".json")).sorted().toList()) files.add(read(path));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return files;
  }

  static GoldenFile read(Path path) {
    try {
      JsonNode file = JSON.readTree(path.toFile());
      String release = path.getFileName().toString().replaceFirst("\\.json$", "");
      return new GoldenFile(path, path.getParent().getFileName().toString(), release,
          file.get("serializer_id").asInt(), file.get("manifest").asText(), file.get("payload"));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Writes a new golden file; an existing one is never replaced. */
  static GoldenFile write(String typeName, String release, int serializerId, String manifest, byte[] payload) {
    Path path = DIRECTORY.resolve(typeName).resolve(release + ".json");
    if (Files.exists(path)) throw new IllegalStateException(path + " exists: golden files are never edited");
    try {
      ObjectNode file = JSON.createObjectNode();
      file.put("serializer_id", serializerId);
      file.put("manifest", manifest);
      file.set("payload", JSON.readTree(payload));
      Files.createDirectories(path.getParent());
      Files.writeString(path, JSON.writerWithDefaultPrettyPrinter().writeValueAsString(file) + "\n");
      return read(path);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
