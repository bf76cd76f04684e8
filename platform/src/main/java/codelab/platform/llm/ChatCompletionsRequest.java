package codelab.platform.llm;

import codelab.llm.LlmException;
import codelab.llm.LlmMessage;
import codelab.llm.LlmRequest;
import codelab.llm.LlmTool;
import codelab.llm.LlmToolCall;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;

/** Writes an {@link LlmRequest} as a streaming Chat Completions request body. */
final class ChatCompletionsRequest {

  private final ObjectMapper json;

  ChatCompletionsRequest(ObjectMapper json) {
    this.json = json;
  }

  /** @throws LlmException when a tool's parameter schema is not JSON: the request could never succeed */
  byte[] body(LlmRequest request, String model) {
    ObjectNode body = json.createObjectNode();
    body.put("model", model);
    body.put("stream", true);
    body.putObject("stream_options").put("include_usage", true);
    ArrayNode messages = body.putArray("messages");
    for (LlmMessage message : request.messages()) messages.add(message(message));
    List<LlmTool> tools = request.tools() == null ? List.of() : request.tools();
    // some servers reject an empty "tools" array, so leave the key out altogether
    if (!tools.isEmpty()) {
      ArrayNode array = body.putArray("tools");
      for (LlmTool tool : tools) array.add(tool(tool));
    }
    try {
      return json.writeValueAsBytes(body);
    } catch (JsonProcessingException e) {
      throw new LlmException("Could not write the model request: " + e.getOriginalMessage(), e);
    }
  }

  private ObjectNode message(LlmMessage message) {
    ObjectNode node = json.createObjectNode();
    node.put("role", message.role());
    List<LlmToolCall> calls = message.toolCalls() == null ? List.of() : message.toolCalls();
    if (message.content() != null) {
      node.put("content", message.content());
    } else if (calls.isEmpty()) {
      node.put("content", "");
    } else {
      // an assistant turn that only asks for tools has null content in the OpenAI format
      node.putNull("content");
    }
    if (!calls.isEmpty()) {
      ArrayNode array = node.putArray("tool_calls");
      for (LlmToolCall call : calls) {
        ObjectNode c = array.addObject();
        c.put("id", call.id());
        c.put("type", "function");
        ObjectNode function = c.putObject("function");
        function.put("name", call.name());
        function.put("arguments", call.argumentsJson() == null ? "{}" : call.argumentsJson());
      }
    }
    if (message.toolCallId() != null) node.put("tool_call_id", message.toolCallId());
    return node;
  }

  private ObjectNode tool(LlmTool tool) {
    ObjectNode node = json.createObjectNode();
    node.put("type", "function");
    ObjectNode function = node.putObject("function");
    function.put("name", tool.name());
    if (tool.description() != null) function.put("description", tool.description());
    function.set("parameters", parameters(tool));
    return node;
  }

  private JsonNode parameters(LlmTool tool) {
    String schema = tool.parametersJsonSchema();
    if (schema == null || schema.isBlank()) {
      ObjectNode empty = json.createObjectNode();
      empty.put("type", "object");
      empty.putObject("properties");
      return empty;
    }
    try {
      JsonNode parsed = json.readTree(schema);
      if (!parsed.isObject()) throw new LlmException("The parameter schema of tool " + tool.name() + " is not a JSON object");
      return parsed;
    } catch (JsonProcessingException e) {
      throw new LlmException(
          "The parameter schema of tool " + tool.name() + " is not valid JSON: " + e.getOriginalMessage(), e);
    }
  }
}
