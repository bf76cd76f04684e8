package codelab.platform.scripted;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

/**
 * OpenAI's {@code /v1/embeddings} wire format for the scripted model: reads a request ({@code input}
 * a string or an array of strings; optional {@code dimensions} and {@code encoding_format}, float or
 * base64 as OpenAI's SDKs ask) and writes the {@code list} of embeddings with its usage.
 */
final class EmbeddingWire {

  /** What one request asks for; {@link #read} refuses anything else with the sentence a 400 carries. */
  record Request(String model, List<String> inputs, int dimensions, boolean base64) {}

  private final ObjectMapper json;

  EmbeddingWire(ObjectMapper json) {
    this.json = json;
  }

  /** @throws IllegalArgumentException saying what is wrong with the request, in OpenAI's manner */
  Request read(String body) {
    JsonNode request;
    try {
      request = json.readTree(body);
    } catch (IOException e) {
      throw new IllegalArgumentException("The request body is not JSON");
    }
    if (request == null || !request.isObject()) throw new IllegalArgumentException("The request body must be a JSON object");
    return new Request(
        request.path("model").asText(ScriptedModelServer.EMBEDDING_MODEL),
        inputs(request.get("input")),
        dimensions(request.get("dimensions")),
        base64(request.get("encoding_format")));
  }

  String answer(Request request) {
    StringWriter out = new StringWriter();
    int tokens = 0;
    try (JsonGenerator generator = json.getFactory().createGenerator(out)) {
      generator.writeStartObject();
      generator.writeStringField("object", "list");
      generator.writeArrayFieldStart("data");
      for (int index = 0; index < request.inputs().size(); index++) {
        String text = request.inputs().get(index);
        tokens += ScriptedEmbeddings.tokens(text);
        float[] vector = ScriptedEmbeddings.embed(text, request.dimensions());
        generator.writeStartObject();
        generator.writeStringField("object", "embedding");
        generator.writeNumberField("index", index);
        generator.writeFieldName("embedding");
        if (request.base64()) {
          generator.writeString(base64(vector));
        } else {
          generator.writeStartArray();
          for (float v : vector) generator.writeNumber(v);
          generator.writeEndArray();
        }
        generator.writeEndObject();
      }
      generator.writeEndArray();
      generator.writeStringField("model", request.model());
      generator.writeObjectFieldStart("usage");
      generator.writeNumberField("prompt_tokens", tokens);
      generator.writeNumberField("total_tokens", tokens);
      generator.writeEndObject();
      generator.writeEndObject();
    } catch (IOException e) {
      throw new UncheckedIOException("a StringWriter does not fail", e);
    }
    return out.toString();
  }

  private static List<String> inputs(JsonNode input) {
    if (input == null || input.isNull()) throw new IllegalArgumentException("The request needs an \"input\": a string or an array of strings");
    if (input.isTextual()) return List.of(nonEmpty(input.asText()));
    if (!input.isArray()) throw new IllegalArgumentException("\"input\" must be a string or an array of strings");
    if (input.isEmpty()) throw new IllegalArgumentException("\"input\" must not be an empty array");
    List<String> texts = new ArrayList<>();
    for (JsonNode element : input) {
      if (!element.isTextual()) {
        // OpenAI also takes token arrays; the scripted model has no tokenizer to read them
        throw new IllegalArgumentException("\"input\" must hold strings; token arrays are not supported by the scripted model");
      }
      texts.add(nonEmpty(element.asText()));
    }
    return texts;
  }

  private static String nonEmpty(String text) {
    if (text.isEmpty()) throw new IllegalArgumentException("\"input\" must not contain an empty string");
    return text;
  }

  private static int dimensions(JsonNode dimensions) {
    if (dimensions == null || dimensions.isNull()) return ScriptedEmbeddings.DEFAULT_DIMENSIONS;
    if (!dimensions.canConvertToExactIntegral() || dimensions.asInt() < 1 || dimensions.asInt() > ScriptedEmbeddings.MAX_DIMENSIONS) {
      throw new IllegalArgumentException("\"dimensions\" must be a whole number from 1 to " + ScriptedEmbeddings.MAX_DIMENSIONS);
    }
    return dimensions.asInt();
  }

  private static boolean base64(JsonNode format) {
    if (format == null || format.isNull() || format.asText().equals("float")) return false;
    if (format.asText().equals("base64")) return true;
    throw new IllegalArgumentException("\"encoding_format\" must be \"float\" or \"base64\"");
  }

  /** Little-endian float32s, as OpenAI sends them. */
  private static String base64(float[] vector) {
    ByteBuffer bytes = ByteBuffer.allocate(vector.length * Float.BYTES).order(ByteOrder.LITTLE_ENDIAN);
    for (float v : vector) bytes.putFloat(v);
    return Base64.getEncoder().encodeToString(bytes.array());
  }
}
