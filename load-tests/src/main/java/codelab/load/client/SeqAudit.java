package codelab.load.client;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.BitSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;

/**
 * After a client is done: replays its session from the seq it started at (a fresh connection with
 * {@code after_seq}) and compares the journal's seq values with those the client saw live and on
 * resumes. A seq in the replay that the client never saw was lost (a gap between what it saw live
 * and what a resume replayed); one the client saw that the replay lacks was never persisted.
 */
public final class SeqAudit {

  private SeqAudit() {}

  public static CompletionStage<Void> audit(LoadClient client) {
    long floor = client.seqFloor();
    long highest = client.seqHighest();
    BitSet seen = client.seqsSeen();
    Violations violations = client.context().violations();
    if (highest <= floor) return CompletableFuture.completedFuture(null);

    BitSet replayed = new BitSet();
    CompletableFuture<Void> reached = new CompletableFuture<>();
    String uri = client.context().wsBase() + "/api/v1/ws/" + client.sessionId() + "?after_seq=" + floor;
    ClientSocket socket = ClientSocket.open(client.context(), uri, client.accessToken(), frame -> {
      JsonNode message;
      try {
        message = ClientContext.JSON.readTree(frame.text());
      } catch (Exception e) {
        return;
      }
      if (!message.has("seq") || message.path("resent").asBoolean(false)) return;
      long seq = message.path("seq").asLong();
      synchronized (replayed) {
        if (seq > 0 && seq <= Integer.MAX_VALUE) replayed.set((int) seq);
      }
      if (seq >= highest) reached.complete(null);
    });
    socket.upgraded().whenComplete((ok, failure) -> {
      if (failure != null) reached.completeExceptionally(failure);
    });
    return reached.orTimeout(15, TimeUnit.SECONDS).handle((ok, failure) -> {
      socket.close();
      if (failure != null) violations.auditsIncomplete.increment();
      BitSet journal;
      synchronized (replayed) {
        journal = (BitSet) replayed.clone();
      }
      journal.clear(0, (int) floor + 1);
      if (highest + 1 <= Integer.MAX_VALUE) journal.clear((int) highest + 1, Integer.MAX_VALUE);
      BitSet clientSaw = (BitSet) seen.clone();
      clientSaw.clear(0, (int) floor + 1);

      BitSet lost = (BitSet) journal.clone();
      lost.andNot(clientSaw);
      violations.seqLost.add(lost.cardinality());
      BitSet unknown = (BitSet) clientSaw.clone();
      unknown.andNot(journal);
      violations.seqUnknown.add(unknown.cardinality());
      return null;
    });
  }
}
