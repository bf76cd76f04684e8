package codelab.serialization;

import java.io.NotSerializableException;
import org.apache.pekko.actor.ExtendedActorSystem;
import org.apache.pekko.serialization.SerializationExtension;
import org.apache.pekko.serialization.SerializerWithStringManifest;

/**
 * JSON through Pekko's own Jackson serializer (its object mapper, ActorRef support, compression and
 * {@code JacksonMigration}s), with a manifest that names the type by its stable name from {@link
 * PersistedTypeNames} instead of its Java class: {@code session.turn_started}, or {@code
 * session.turn_started#2} once a migration has moved the type to version 2.
 *
 * <p>Journals written before this serializer existed hold Pekko's {@code jackson-json} serializer id
 * with class-name manifests; that serializer stays configured and reads them (a class that moved since
 * needs a {@code JacksonMigration} keyed by its old name).
 */
public final class StableNameJsonSerializer extends SerializerWithStringManifest {

  private final ExtendedActorSystem system;
  private final PersistedTypeNames names;
  private final int identifier;
  private volatile SerializerWithStringManifest jackson;

  public StableNameJsonSerializer(ExtendedActorSystem system) {
    this.system = system;
    this.names = new PersistedTypeNames(system.settings().config());
    this.identifier = system.settings().config().getInt("codelab.serialization.identifier");
  }

  @Override
  public int identifier() {
    return identifier;
  }

  @Override
  public String manifest(Object o) {
    String name = names.nameOf(o.getClass()).orElseThrow(() -> new IllegalArgumentException(
        o.getClass().getName() + " has no stable type name: add it to codelab.serialization.type-names in its module's reference.conf"));
    return name + versionSuffix(jackson().manifest(o));
  }

  @Override
  public byte[] toBinary(Object o) {
    return jackson().toBinary(o);
  }

  @Override
  public Object fromBinary(byte[] bytes, String manifest) throws NotSerializableException {
    int hash = manifest.lastIndexOf('#');
    String name = hash < 0 ? manifest : manifest.substring(0, hash);
    String className = names.classNameOf(name).orElseThrow(() -> new NotSerializableException(
        "unknown type name '" + name + "': written by a newer release, or a name was removed from codelab.serialization.type-names"));
    return jackson().fromBinary(bytes, className + versionSuffix(manifest));
  }

  private static String versionSuffix(String manifest) {
    int hash = manifest.lastIndexOf('#');
    return hash < 0 ? "" : manifest.substring(hash);
  }

  /** Looked up on first use: serializers are created while the serialization extension starts. */
  private SerializerWithStringManifest jackson() {
    if (jackson == null) {
      int id = system.settings().config().getInt("pekko.actor.serialization-identifiers.jackson-json");
      jackson = (SerializerWithStringManifest) SerializationExtension.get(system).serializerByIdentity().apply(id);
    }
    return jackson;
  }
}
