package codelab.session;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import org.apache.pekko.serialization.jackson.JacksonMigration;

/**
 * The session's persisted types at version 2 (registered in reference.conf for each type it covers):
 *
 * <ul>
 *   <li>The state left {@code Session}: {@code Session$State} and its records are {@code SessionState}
 *       and its records; v1.0 journals name the old classes in their snapshot manifests.
 *   <li>Decisions, approval statuses and message roles became enums, written as the same words.
 *       Version 1 held free text, and its reducer read any decision word other than approve, edit and
 *       expired as a rejection (an approval so decided was no longer pending, nor expired): such a word
 *       is read as {@code reject}. Version 1 wrote only user, assistant and tool as roles.
 *   <li>Fields added since are absent from version 1 and read as null (or false), but for the
 *       {@code name} of a tool message, which is its call's tool name, found in the conversation.
 * </ul>
 */
public class SessionMigration extends JacksonMigration {

  private static final String OLD_STATE = "codelab.session.Session$State";
  private static final Set<String> DECISIONS = Set.of("approve", "edit", "reject", "expired");
  private static final Set<String> STATUSES = Set.of("pending", "approve", "edit", "reject", "expired");
  private static final Set<String> ROLES = Set.of("user", "assistant", "tool");

  @Override
  public int currentVersion() {
    return 2;
  }

  @Override
  public String transformClassName(int fromVersion, String className) {
    return className.startsWith(OLD_STATE) ? SessionState.class.getName() + className.substring(OLD_STATE.length()) : className;
  }

  @Override
  public JsonNode transform(int fromVersion, JsonNode json) {
    // the rules below read version 1's free text; later versions (its subclasses' too) wrote the words
    // as they are, and their own fields named "status" (a plan's, a task's) must not be settled as an approval's
    if (fromVersion >= 2) return json;
    if (json.isObject()) {
      ObjectNode object = (ObjectNode) json;
      settle(object, "decision", DECISIONS, "reject");
      settle(object, "status", STATUSES, "reject");
      settle(object, "role", ROLES, "user");
      if (object.path("messages").isArray()) nameToolMessages(object.get("messages"));
    }
    json.forEach(child -> transform(fromVersion, child));
    return json;
  }

  private static void nameToolMessages(JsonNode messages) {
    Map<String, String> toolNames = new HashMap<>();
    for (JsonNode message : messages) {
      for (JsonNode call : message.path("toolCalls")) toolNames.put(call.path("callId").asText(), call.path("toolName").asText());
      if (message.isObject() && "tool".equals(message.path("role").asText()) && message.path("name").isMissingNode()) {
        String name = toolNames.get(message.path("toolCallId").asText());
        if (name != null) ((ObjectNode) message).put("name", name);
      }
    }
  }

  private static void settle(ObjectNode object, String field, Set<String> words, String otherwise) {
    JsonNode value = object.get(field);
    if (value != null && value.isTextual() && !words.contains(value.asText())) object.put(field, otherwise);
  }
}
