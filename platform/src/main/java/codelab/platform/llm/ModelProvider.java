package codelab.platform.llm;

import codelab.llm.LlmEvent;
import codelab.llm.LlmRequest;
import org.apache.pekko.NotUsed;
import org.apache.pekko.stream.javadsl.Source;

/**
 * An adapter to one provider endpoint, which may serve several models: the request says what to
 * answer, {@code providerModel} which of the endpoint's models answers it (the id the provider knows,
 * not the name agents use). Same stream contract as {@link codelab.llm.LlmClient}.
 */
interface ModelProvider {
  Source<LlmEvent, NotUsed> stream(LlmRequest request, String providerModel);
}
