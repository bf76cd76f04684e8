package codelab.serialization;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigValue;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The stable name of every serialized type (events, snapshots, messages between nodes): what the
 * journal and the wire record instead of a Java class name, so that a class can move or be renamed
 * by changing one line of configuration, with no migration. Each module lists its own types under
 * {@code codelab.serialization.type-names} in its {@code reference.conf}; a name, once released, is
 * never reused for another shape (see the README on persisted types).
 */
public final class PersistedTypeNames {

  private final Map<String, String> classByName = new HashMap<>();
  private final Map<String, String> nameByClass = new HashMap<>();

  public PersistedTypeNames(Config config) {
    Config names = config.getConfig("codelab.serialization.type-names");
    for (Map.Entry<String, ConfigValue> entry : names.root().entrySet()) {
      String name = entry.getKey();
      String className = entry.getValue().unwrapped().toString();
      String clash = nameByClass.put(className, name);
      if (clash != null) throw new IllegalArgumentException(className + " has two type names: " + clash + " and " + name);
      classByName.put(name, className);
    }
  }

  public Optional<String> nameOf(Class<?> type) {
    return Optional.ofNullable(nameByClass.get(type.getName()));
  }

  public Optional<String> classNameOf(String name) {
    return Optional.ofNullable(classByName.get(name));
  }

  public Map<String, String> classNamesByName() {
    return Map.copyOf(classByName);
  }
}
