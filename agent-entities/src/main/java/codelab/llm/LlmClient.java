package codelab.llm;

import org.apache.pekko.NotUsed;
import org.apache.pekko.stream.javadsl.Source;

/**
 * The port through which the domain talks to a language model. Adapters (OpenAI-compatible, Anthropic)
 * live in the platform module. The stream ends normally after {@link LlmEvent.Completed}; it fails
 * with {@link LlmException} when the provider cannot give an answer (HTTP error, timeout, bad data).
 * Cancelling the stream (a cancelled turn) must stop the underlying HTTP request.
 */
public interface LlmClient {
  Source<LlmEvent, NotUsed> stream(LlmRequest request);
}
