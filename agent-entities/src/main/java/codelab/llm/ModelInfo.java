package codelab.llm;

/**
 * What the domain knows of a configured model: its name (what agents name), its provider
 * ({@code openai} for any OpenAI-compatible server, later {@code anthropic}) and how many tokens
 * its context window holds, prompt and answer together.
 */
public record ModelInfo(String name, String provider, int contextWindow) {}
