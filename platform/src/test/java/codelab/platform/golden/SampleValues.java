package codelab.platform.golden;

import java.lang.reflect.ParameterizedType;
import java.lang.reflect.RecordComponent;
import java.lang.reflect.Type;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.apache.pekko.actor.typed.ActorRef;

/**
 * A sample instance of a serialized record, every component filled with a plain value of its type:
 * what a golden file of a new type is written from. Real journals are covered by the fixture journal;
 * a golden file pins the shape.
 */
final class SampleValues {

  private final ActorRef<Object> actorRef;

  SampleValues(ActorRef<Object> actorRef) {
    this.actorRef = actorRef;
  }

  Object of(Class<?> type) {
    return valueOf(type, type);
  }

  private Object valueOf(Type generic, Class<?> raw) {
    if (raw == String.class) return "sample";
    if (raw == int.class || raw == Integer.class) return 7;
    if (raw == long.class || raw == Long.class) return 42L;
    if (raw == boolean.class || raw == Boolean.class) return true;
    if (raw == double.class || raw == Double.class) return 0.5;
    if (raw == Instant.class) return Instant.parse("2026-12-01T10:15:30.123Z");
    if (raw == Duration.class) return Duration.ofMinutes(5);
    if (ActorRef.class.isAssignableFrom(raw)) return actorRef;
    if (raw.isEnum()) return raw.getEnumConstants()[0];
    if (raw == List.class || raw == Set.class || raw == Optional.class || raw == Map.class) {
      Type[] arguments = ((ParameterizedType) generic).getActualTypeArguments();
      Object element = valueOf(arguments[arguments.length - 1], rawOf(arguments[arguments.length - 1]));
      if (raw == List.class) return List.of(element);
      if (raw == Set.class) return Set.of(element);
      if (raw == Optional.class) return Optional.of(element);
      return Map.of(valueOf(arguments[0], rawOf(arguments[0])), element);
    }
    if (raw.isRecord()) return record(raw);
    if (raw.isSealed()) return valueOf(raw.getPermittedSubclasses()[0], raw.getPermittedSubclasses()[0]);
    if (raw.isInterface() || java.lang.reflect.Modifier.isAbstract(raw.getModifiers())) {
      throw new IllegalArgumentException("no sample for " + generic + ": give it a case in SampleValues");
    }
    try {
      return raw.getDeclaredConstructor().newInstance();
    } catch (ReflectiveOperationException e) {
      throw new IllegalArgumentException("no sample for " + generic + ": give it a case in SampleValues", e);
    }
  }

  private Object record(Class<?> type) {
    RecordComponent[] components = type.getRecordComponents();
    Object[] values = new Object[components.length];
    Class<?>[] types = new Class<?>[components.length];
    for (int i = 0; i < components.length; i++) {
      types[i] = components[i].getType();
      values[i] = valueOf(components[i].getGenericType(), components[i].getType());
    }
    try {
      var constructor = type.getDeclaredConstructor(types);
      constructor.setAccessible(true);
      return constructor.newInstance(values);
    } catch (ReflectiveOperationException e) {
      throw new IllegalArgumentException("cannot build a sample of " + type.getName(), e);
    }
  }

  private static Class<?> rawOf(Type type) {
    if (type instanceof Class<?> c) return c;
    if (type instanceof ParameterizedType p) return (Class<?>) p.getRawType();
    if (type instanceof java.lang.reflect.WildcardType w) return rawOf(w.getUpperBounds()[0]);
    return Object.class;
  }
}
