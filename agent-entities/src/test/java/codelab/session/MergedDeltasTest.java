package codelab.session;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

class MergedDeltasTest {

  private static final ObjectMapper JSON = new ObjectMapper();

  @Test
  void aDeltaFromBeforeCountsAsOneAloneOrInABatch() throws Exception {
    JsonNode delta = JSON.readTree("{\"@kind\":\"assistant_delta\",\"turnId\":\"t\",\"index\":3,\"token\":\"x\"}");
    assertEquals(1, new MergedDeltas().transform(1, delta).get("count").asInt());
    JsonNode batch = JSON.readTree("{\"@kind\":\"batch\",\"updates\":[{\"@kind\":\"assistant_delta\",\"index\":0,\"token\":\"x\"},{\"@kind\":\"turn_completed\",\"seq\":4}]}");
    JsonNode migrated = new MergedDeltas().transform(1, batch);
    assertEquals(1, migrated.get("updates").get(0).get("count").asInt());
    assertEquals(false, migrated.get("updates").get(1).has("count"));
  }
}
