package codelab.llm;

/** A tool offered to the model: its name, what it does, and its arguments as a JSON Schema text. */
public record LlmTool(String name, String description, String parametersJsonSchema) {}
