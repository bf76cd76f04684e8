package codelab.edge;

import java.util.regex.Pattern;

/** Entity ids on the wire are UUID strings; anything else names nothing, and is answered 404 without asking an entity. */
public final class EntityId {

  private static final Pattern UUID_FORMAT =
      Pattern.compile("[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}");

  private EntityId() {}

  public static boolean isWellFormed(String value) {
    return value != null && UUID_FORMAT.matcher(value).matches();
  }
}
