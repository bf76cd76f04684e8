package codelab.session;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.apache.pekko.serialization.jackson.JacksonMigration;

/**
 * Version 2 of {@link SessionUpdate.AssistantDelta} (and of a {@link SessionUpdate.Batch}, which may
 * hold deltas): a delta carries {@code count}, how many of the turn's deltas it merges. What version 1
 * wrote was always one delta.
 */
public final class MergedDeltas extends JacksonMigration {

  @Override
  public int currentVersion() {
    return 2;
  }

  @Override
  public JsonNode transform(int fromVersion, JsonNode json) {
    if (fromVersion >= 2) return json;
    if (json.has("updates")) json.get("updates").forEach(MergedDeltas::oneDelta);
    else oneDelta(json);
    return json;
  }

  private static void oneDelta(JsonNode update) {
    if (update instanceof ObjectNode delta && "assistant_delta".equals(delta.path("@kind").asText()) && !delta.has("count")) {
      delta.put("count", 1);
    }
  }
}
