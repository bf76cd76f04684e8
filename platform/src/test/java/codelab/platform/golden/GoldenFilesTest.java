package codelab.platform.golden;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import codelab.serialization.PersistedTypeNames;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.typesafe.config.ConfigFactory;
import java.util.ArrayList;
import java.util.List;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.serialization.Serialization;
import org.apache.pekko.serialization.SerializationExtension;
import org.apache.pekko.serialization.Serializer;
import org.apache.pekko.serialization.Serializers;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/**
 * Persisted types are a contract with every journal already written: each golden file (the
 * serialized form of a type as a release wrote it) must read with the current code, and every
 * serialized type must have a golden file of its current shape. A change to a type's shape without a
 * new version (a {@code JacksonMigration}) fails here too: its golden file of the same manifest no
 * longer matches what the code writes.
 *
 * <p>A new type or a new version: run once with {@code -Dcodelab.golden.write=<release>} (e.g. v1.1)
 * to write the missing golden files, review them, commit them. Never edit or delete one.
 */
class GoldenFilesTest {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final ActorTestKit testKit =
      ActorTestKit.create("GoldenFilesTest", ConfigFactory.parseString("pekko.actor.provider = local\npekko.coordinated-shutdown.exit-jvm = off").withFallback(ConfigFactory.load()));
  private final Serialization serialization = SerializationExtension.get(testKit.system());
  private final PersistedTypeNames names = new PersistedTypeNames(testKit.system().settings().config());

  @AfterAll
  static void stop() {
    testKit.shutdownTestKit();
  }

  @Test
  void everyGoldenFileReadsWithTheCurrentCode() throws Exception {
    List<String> problems = new ArrayList<>();
    for (GoldenFile golden : GoldenFile.all()) {
      try {
        Object value = serialization.deserialize(golden.bytes(), golden.serializerId(), golden.manifest()).get();
        String expectedClass = names.classNameOf(golden.typeName()).orElse("(no class has this name)");
        if (!value.getClass().getName().equals(expectedClass)) {
          problems.add(golden.path() + ": read as " + value.getClass().getName() + ", but " + golden.typeName() + " is " + expectedClass);
          continue;
        }
        Serializer current = serialization.findSerializerFor(value);
        String manifest = Serializers.manifestFor(current, value);
        byte[] again = serialization.serialize(value).get();
        assertEquals(value, serialization.deserialize(again, current.identifier(), manifest).get(), golden.path() + ": round trip");
        if (current.identifier() == golden.serializerId() && manifest.equals(golden.manifest())) {
          JsonNode written = JSON.readTree(again);
          if (!written.equals(golden.payload())) {
            problems.add(golden.path() + ": the code writes this version differently now (" + written
                + "); a changed shape needs a JacksonMigration to a new version and a new golden file");
          }
        }
      } catch (Exception | AssertionError e) {
        problems.add(golden.path() + ": " + e);
      }
    }
    if (!problems.isEmpty()) fail(String.join("\n", problems));
  }

  @Test
  void everySerializedTypeHasAGoldenFileOfItsCurrentShape() {
    String release = System.getProperty("codelab.golden.write", "");
    List<GoldenFile> goldens = GoldenFile.all();
    SampleValues samples = new SampleValues(testKit.createTestProbe().ref());
    List<String> missing = new ArrayList<>();
    List<Class<?>> types = SerializedTypes.all();
    assertTrue(types.size() > 50, "the classpath scan found only " + types);
    for (Class<?> type : types) {
      String name = names.nameOf(type).orElse(null);
      if (name == null) {
        missing.add(type.getName() + " has no stable name in codelab.serialization.type-names");
        continue;
      }
      Object sample = samples.of(type);
      Serializer serializer = serialization.findSerializerFor(sample);
      String manifest = Serializers.manifestFor(serializer, sample);
      boolean covered = goldens.stream().anyMatch(g ->
          g.typeName().equals(name) && g.serializerId() == serializer.identifier() && g.manifest().equals(manifest));
      if (covered) continue;
      if (!release.isEmpty()) {
        GoldenFile.write(name, release, serializer.identifier(), manifest, serialization.serialize(sample).get());
      } else {
        missing.add(type.getName() + " (" + name + ", manifest " + manifest + ") has no golden file of its current shape");
      }
    }
    if (!missing.isEmpty()) fail("run with -Dcodelab.golden.write=<release> to write them:\n" + String.join("\n", missing));
  }
}
