package codelab.llm;

import java.util.List;
import java.util.concurrent.CompletionStage;

/**
 * The port through which texts become vectors (OpenAI-compatible {@code /v1/embeddings}; the scripted
 * model serves deterministic ones). Texts that mean alike get vectors with a high cosine; what
 * "alike" means is the embedding model's. Fails with {@link LlmException} when the provider gives no
 * vectors (HTTP error, timeout, bad data).
 */
public interface Embeddings {

  /** One vector per text, in the texts' order, all of one length. */
  CompletionStage<List<float[]>> embed(List<String> texts);

  default CompletionStage<float[]> embed(String text) {
    return embed(List.of(text)).thenApply(vectors -> vectors.get(0));
  }
}
