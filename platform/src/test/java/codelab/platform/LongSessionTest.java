package codelab.platform;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import codelab.schema.TestDatabase;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * A long session against a model with a small window: the prompt stops growing once the window is
 * full, the model is told that earlier history was left out, and the newest message always goes in.
 * (The scripted model counts a prompt's words as its tokens, a little below any tokenizer's count.)
 */
class LongSessionTest {

  private static final int WINDOW = 2_048;

  @Test
  void aLongSessionSendsABoundedPromptAndSaysWhatItLeftOut() throws IOException {
    RunningNode running = RunningNode.start(TestDatabase.Kind.H2, Map.of("codelab.scripted-model.context-window", WINDOW));
    try {
      ApiClient api = running.api();
      String sessionId = api.createSession();
      String filler = "word ".repeat(120).strip();
      List<Integer> promptTokens = new ArrayList<>();
      String shown;
      try (SocketClient socket = SocketClient.connect(running.httpPort(), sessionId, api.accessToken, null)) {
        socket.next("session_info");
        for (int turn = 0; turn < 40; turn++) {
          socket.send(Map.of("type", "user_message", "content", "message " + turn + " " + filler));
          promptTokens.add(answer(socket).get("usage").get("prompt_tokens").asInt());
        }
        socket.send(Map.of("type", "user_message", "content", "show context"));
        shown = answer(socket).get("content").asText();
      }
      int last = promptTokens.get(promptTokens.size() - 1);
      assertTrue(last < WINDOW, () -> "the prompt fits the window: " + promptTokens);
      assertTrue(last < 40 * 2 * 120 / 4, () -> "and no longer grows with the session: " + promptTokens);
      assertEquals(promptTokens.get(20), last, 130, () -> "a full window stays full, no more: " + promptTokens);
      assertTrue(shown.contains("Earlier history was left out"), shown);
    } finally {
      running.stop();
    }
  }

  private static JsonNode answer(SocketClient socket) {
    List<JsonNode> frames = socket.untilType("turn_completed");
    return frames.stream().filter(f -> f.get("type").asText().equals("assistant_message")).findFirst().orElseThrow();
  }
}
