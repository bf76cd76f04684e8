package codelab.platform.golden;

import codelab.JsonSerializable;
import io.github.classgraph.ClassGraph;
import io.github.classgraph.ClassInfo;
import io.github.classgraph.ScanResult;
import java.util.List;

/** Every concrete class of the platform's main code that is serialized: what must have golden files. */
final class SerializedTypes {

  private SerializedTypes() {}

  static List<Class<?>> all() {
    try (ScanResult scan = new ClassGraph().enableClassInfo().acceptPackages("codelab").scan()) {
      return scan.getClassesImplementing(JsonSerializable.class).stream()
          .filter(info -> !info.isAbstract() && !info.isInterface())
          .filter(info -> !info.getClasspathElementFile().getPath().contains("test-classes"))
          .map(ClassInfo::loadClass)
          .<Class<?>>map(c -> c)
          .sorted(java.util.Comparator.comparing(Class::getName))
          .toList();
    }
  }
}
