package codelab.llm;

/** A tool call the model asked for: its provider id, the tool name and the arguments as JSON text. */
public record LlmToolCall(String id, String name, String argumentsJson) {}
