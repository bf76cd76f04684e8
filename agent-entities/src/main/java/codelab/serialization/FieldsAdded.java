package codelab.serialization;

import com.fasterxml.jackson.databind.JsonNode;
import org.apache.pekko.serialization.jackson.JacksonMigration;

/**
 * A new version that only added fields: what earlier versions wrote reads unchanged, the new fields
 * absent (null, false, 0). Each subclass names its version and says which fields it added.
 */
public abstract class FieldsAdded extends JacksonMigration {

  @Override
  public final JsonNode transform(int fromVersion, JsonNode json) {
    return json;
  }
}
