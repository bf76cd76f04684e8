package codelab.edge.session;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Function;
import org.apache.pekko.pattern.StatusReply;

/** Lists are pages of ids; each entity is asked in parallel, and those that answer with an error are left out. */
final class EntityReads {

  private EntityReads() {}

  static <T, R> CompletionStage<List<R>> each(List<String> ids, Function<String, CompletionStage<StatusReply<T>>> ask, Function<T, R> shape) {
    List<CompletableFuture<StatusReply<T>>> asks = new ArrayList<>(ids.size());
    for (String id : ids) asks.add(ask.apply(id).toCompletableFuture());
    return CompletableFuture.allOf(asks.toArray(CompletableFuture[]::new))
        .thenApply(
            done -> {
              List<R> found = new ArrayList<>(asks.size());
              for (CompletableFuture<StatusReply<T>> reply : asks) {
                if (reply.join().isSuccess()) found.add(shape.apply(reply.join().getValue()));
              }
              return found;
            });
  }
}
