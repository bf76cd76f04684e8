package codelab.edge;

import codelab.EntityError;
import codelab.Refusal;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.function.Function;
import java.util.concurrent.TimeoutException;
import org.apache.pekko.http.javadsl.model.HttpEntity;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.model.MediaTypes;
import org.apache.pekko.http.javadsl.model.StatusCodes;
import org.apache.pekko.http.javadsl.server.AllDirectives;
import org.apache.pekko.http.javadsl.server.Directives;
import org.apache.pekko.http.javadsl.server.ExceptionHandler;
import org.apache.pekko.http.javadsl.server.MalformedRequestContentRejection;
import org.apache.pekko.http.javadsl.server.RejectionHandler;
import org.apache.pekko.http.javadsl.server.Route;
import org.apache.pekko.http.scaladsl.model.EntityStreamSizeException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/**
 * Turns every failure into the contract's JSON error: rejections keep their status and message, an
 * unexpected exception becomes a 500 whose body names only a trace id (the cause goes to the log),
 * an entity that did not answer in time, or a request the server gave up on, a 503. A client never
 * sees a stack trace.
 */
public final class ErrorHandling extends AllDirectives {

  private static final Logger log = LoggerFactory.getLogger(ErrorHandling.class);

  /**
   * The answer to an entity's refusal (an {@code askWithStatus} error reply); any other failure, such
   * as a timeout, stays a failure for the exception handler below.
   */
  public static CompletionStage<HttpResponse> onRefusal(Throwable failure, Function<String, HttpResponse> answer) {
    return Refusal.reason(failure)
        .map(reason -> CompletableFuture.completedFuture(answer.apply(reason)))
        .orElseGet(() -> CompletableFuture.failedFuture(failure));
  }

  /**
   * The answer to a refusal from an entity's {@code vocabulary} (its enum's lookup), by the error's
   * kind; {@code otherwise} answers a refusal the vocabulary does not name.
   */
  public static <E extends EntityError> CompletionStage<HttpResponse> onRefusal(
      Throwable failure, Function<String, Optional<E>> vocabulary, Function<String, HttpResponse> otherwise) {
    return onRefusal(failure, reason -> vocabulary.apply(reason).map(ErrorHandling::refused).orElseGet(() -> otherwise.apply(reason)));
  }

  /** An entity's refusal with its own message. */
  public static HttpResponse refused(EntityError error) {
    return refused(error, error.message());
  }

  /**
   * An entity's refusal with a message that says more than the entity's: the kind alone chooses the
   * status and the code, here and nowhere else, for every entity.
   */
  public static HttpResponse refused(EntityError error, String message) {
    return switch (error.kind()) {
      case NOT_FOUND -> ApiError.response(StatusCodes.NOT_FOUND, "not_found", message);
      case CONFLICT -> ApiError.response(StatusCodes.CONFLICT, "conflict", message);
      case INVALID -> ApiError.badRequest(message);
    };
  }

  public Route wrap(Route inner) {
    return withRequestTimeoutResponse(
        request -> ResponseHeaders.ofRefusal(notInTime().toResponse(StatusCodes.SERVICE_UNAVAILABLE)),
        () -> handleExceptions(exceptions(), () -> handleRejections(rejections(), () -> inner)));
  }

  /**
   * Both for an entity that did not answer and for a request the server gave up on (its
   * request-timeout; that answer goes out below the routes, hence its headers are added here).
   */
  private static ApiError notInTime() {
    return ApiError.of("unavailable", "the service did not answer in time; try again");
  }

  private static ExceptionHandler exceptions() {
    return ExceptionHandler.newBuilder()
        .match(EntityStreamSizeException.class, tooLarge -> Directives.complete(ApiError.bodyTooLarge(tooLarge.limit())))
        .matchAny(
            failure -> Directives.optionalHeaderValueByName(RequestTracing.HEADER, traceId -> {
              Throwable cause = failure instanceof CompletionException && failure.getCause() != null ? failure.getCause() : failure;
              // the request's trace id, so that the answer and this log line name the same
              String id = traceId.orElseGet(RequestTracing::newTraceId);
              MDC.put("trace_id", id);
              try {
                if (cause instanceof TimeoutException) {
                  log.warn("trace_id={} timeout: {}", id, cause.toString());
                  return Directives.complete(notInTime().withTraceId(id).toResponse(StatusCodes.SERVICE_UNAVAILABLE));
                }
                log.error("trace_id={} unhandled failure", id, cause);
                return Directives.complete(ApiError.of("internal_error", "an internal error occurred").withTraceId(id).toResponse(StatusCodes.INTERNAL_SERVER_ERROR));
              } finally {
                MDC.remove("trace_id");
              }
            }))
        .build();
  }

  /**
   * A body that could not be read is answered here: the default handler's text names pekko-http's
   * exception and settings.
   */
  private static RejectionHandler rejections() {
    return RejectionHandler.newBuilder()
        .handle(
            MalformedRequestContentRejection.class,
            malformed ->
                Directives.complete(
                    malformed.getCause() instanceof EntityStreamSizeException tooLarge
                        ? ApiError.bodyTooLarge(tooLarge.limit())
                        : ApiError.badRequest("the body could not be read")))
        .build()
        .withFallback(RejectionHandler.defaultHandler().mapRejectionResponse(ErrorHandling::asJsonError));
  }

  /** The default rejection handler answers text/plain; keep its status and text, in our format. */
  private static HttpResponse asJsonError(HttpResponse response) {
    HttpEntity entity = response.entity();
    if (entity.getContentType().mediaType().equals(MediaTypes.APPLICATION_JSON)) return response;
    String text =
        entity instanceof HttpEntity.Strict strict
            ? strict.getData().decodeString(StandardCharsets.UTF_8)
            : response.status().reason();
    return ApiError.response(response.status(), text).withHeaders(response.getHeaders());
  }

}
