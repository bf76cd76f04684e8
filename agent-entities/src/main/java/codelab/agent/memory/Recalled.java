package codelab.agent.memory;

/** A memory found by similarity, with its cosine similarity to what was asked (1 the same, 0 unrelated). */
public record Recalled(Memory memory, double score) {}
