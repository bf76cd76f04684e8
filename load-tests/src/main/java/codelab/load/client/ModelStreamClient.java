package codelab.load.client;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.http.javadsl.Http;
import org.apache.pekko.http.javadsl.model.ContentTypes;
import org.apache.pekko.http.javadsl.model.HttpRequest;
import org.apache.pekko.http.javadsl.settings.ConnectionPoolSettings;
import org.apache.pekko.stream.javadsl.Framing;
import org.apache.pekko.stream.javadsl.FramingTruncation;
import org.apache.pekko.stream.javadsl.Sink;
import org.apache.pekko.util.ByteString;

/**
 * The baseline: the same turns read straight from the scripted model server (POST
 * {@code {base}/chat/completions}, {@code stream: true}, OpenAI's SSE), timed the same way as through
 * the platform. The difference between the two is what the platform adds.
 */
public final class ModelStreamClient {

  private static final ByteString EVENT_END = ByteString.fromString("\n\n");
  private static final int MAX_EVENT_BYTES = 1024 * 1024;

  private final ClientContext context;
  private final String url;
  private final ConnectionPoolSettings pool;

  /** {@code concurrency}: how many streams run at once; the pool keeps that many connections, like the node's adapter. */
  public ModelStreamClient(ClientContext context, String modelBaseUrl, int concurrency) {
    this.context = context;
    this.url = modelBaseUrl + "/chat/completions";
    this.pool = ConnectionPoolSettings.create(context.system().classicSystem())
        .withMaxConnections(Math.max(4, concurrency))
        .withMaxOpenRequests(powerOfTwoAtLeast(Math.max(32, 2 * concurrency)));
  }

  public CompletionStage<TurnRecord> turn(TurnScript script) {
    ObjectNode body = ClientContext.JSON.createObjectNode().put("model", "codelab-scripted").put("stream", true);
    body.putArray("messages").addObject().put("role", "user").put("content", script.content());
    HttpRequest request = HttpRequest.POST(url).withEntity(ContentTypes.APPLICATION_JSON, body.toString());
    Http http = context.http();
    long sentAt = System.nanoTime();
    return http.singleRequest(request, http.defaultClientHttpsContext(), pool, context.system().classicSystem().log())
        .thenCompose(response -> {
          if (response.status().intValue() != 200) {
            response.discardEntityBytes(context.materializer());
            throw new IllegalStateException("the scripted model answered HTTP " + response.status());
          }
          Reading reading = new Reading(sentAt);
          return response.entity().getDataBytes()
              .via(Framing.delimiter(EVENT_END, MAX_EVENT_BYTES, FramingTruncation.ALLOW))
              .runWith(Sink.foreach(event -> reading.event(event.utf8String(), System.nanoTime())), context.materializer())
              .thenApply(done -> reading.record(System.nanoTime()));
        });
  }

  /** One streamed answer as it is read: first token, gaps, count. Used by one stream's thread only. */
  private static final class Reading {
    final long sentAt;
    final List<Long> gaps = new ArrayList<>();
    long firstTokenAt;
    long lastTokenAt;
    long doneAt;
    int tokens;

    Reading(long sentAt) {
      this.sentAt = sentAt;
    }

    void event(String event, long at) {
      for (String line : event.split("\n")) {
        if (!line.startsWith("data:")) continue;
        String data = line.substring(5).trim();
        if (data.equals("[DONE]")) {
          doneAt = at;
          continue;
        }
        JsonNode chunk;
        try {
          chunk = ClientContext.JSON.readTree(data);
        } catch (Exception e) {
          continue;
        }
        String content = chunk.path("choices").path(0).path("delta").path("content").asText("");
        if (content.isEmpty()) continue;
        tokens++;
        if (firstTokenAt == 0) firstTokenAt = at;
        else gaps.add(at - lastTokenAt);
        lastTokenAt = at;
      }
    }

    TurnRecord record(long endedAt) {
      return new TurnRecord(false, false, TurnRecord.Outcome.COMPLETED, sentAt, firstTokenAt,
          doneAt != 0 ? doneAt : endedAt, tokens, gaps.stream().mapToLong(Long::longValue).toArray());
    }
  }

  private static int powerOfTwoAtLeast(int n) {
    int p = 1;
    while (p < n) p <<= 1;
    return p;
  }
}
