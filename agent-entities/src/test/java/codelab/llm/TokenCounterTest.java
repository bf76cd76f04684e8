package codelab.llm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.knuddels.jtokkit.Encodings;
import com.knuddels.jtokkit.api.Encoding;
import com.knuddels.jtokkit.api.EncodingType;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Exact counts where OpenAI's encoding is known, a conservative estimate elsewhere. */
class TokenCounterTest {

  private static final Encoding CL100K = Encodings.newLazyEncodingRegistry().getEncoding(EncodingType.CL100K_BASE);
  private static final Encoding O200K = Encodings.newLazyEncodingRegistry().getEncoding(EncodingType.O200K_BASE);

  private static final String CODE = """
      public static void main(String[] args) {
          for (int i = 0; i < args.length; i++) {
              System.out.println(args[i].trim());
          }
      }
      """;
  private static final String PROSE = "The quick brown fox jumps over the lazy dog. It was the best of times, "
      + "it was the worst of times, it was the age of wisdom, it was the age of foolishness.";
  private static final List<String> SAMPLES = List.of(
      CODE,
      PROSE,
      "{\"name\":\"read_file\",\"arguments\":{\"path\":\"src/main/java/codelab/session/TurnRunner.java\"}}",
      "\"integrity\": \"sha512-VqnpkmNRAbUiVeSLpTjCKCpJ8fDRhUQvAOb1AVtPMfBrgnxRfzGmMx2ydGXq3oHKCXAn8Cj5Y+PEX0kBaM6Gvw==\"",
      "Съешь же ещё этих мягких французских булок, да выпей чаю.",
      "我能吞下玻璃而不伤身体。这是一个关于上下文窗口的测试。",
      "Falsches Üben von Xylophonmusik quält jeden größeren Zwerg. 😀🚀 ✓ → ∑ ≠");

  private static TokenCounter counter(String name, String provider) {
    return TokenCounter.forModel(new ModelInfo(name, provider, 8_192));
  }

  @Test
  void anOpenAiModelCountsWithItsOwnEncoding() {
    assertEquals(2, counter("gpt-4", "openai").count("hello world"));
    for (String text : SAMPLES) {
      assertEquals(CL100K.countTokens(text), counter("gpt-4-0613", "openai").count(text), text);
      assertEquals(CL100K.countTokens(text), counter("gpt-3.5-turbo", "openai").count(text), text);
      assertEquals(O200K.countTokens(text), counter("gpt-4o", "openai").count(text), text);
    }
  }

  @Test
  void anUnknownModelIsEstimatedAtLeastAsHighAsCl100k() {
    List<TokenCounter> estimated = List.of(
        counter("llama3.1:8b", "openai"), counter("scripted", "openai"), counter("gpt-4", "anthropic"));
    for (TokenCounter counter : estimated) {
      for (String text : SAMPLES) {
        int exact = CL100K.countTokens(text);
        assertTrue(counter.count(text) >= exact, counter + " counts " + counter.count(text) + " < " + exact + ": " + text);
      }
    }
    // a quarter more, rounded up: 39 tokens of prose are estimated at 49
    assertEquals(39, CL100K.countTokens(PROSE));
    assertEquals(49, counter("scripted", "openai").count(PROSE));
  }

  @Test
  void specialTokenMarkersInATextAreCountedAsText() {
    TokenCounter counter = counter("gpt-4", "openai");
    assertTrue(counter.count("a message quoting <|endoftext|> and <|im_start|>") > 5);
  }

  @Test
  void nothingCountsNothing() {
    for (TokenCounter counter : List.of(counter("gpt-4o", "openai"), counter("scripted", "openai"))) {
      assertEquals(0, counter.count(null));
      assertEquals(0, counter.count(""));
    }
  }
}
