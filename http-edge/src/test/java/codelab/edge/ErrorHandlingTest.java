package codelab.edge;

import static org.junit.jupiter.api.Assertions.assertEquals;

import codelab.account.AccountError;
import codelab.project.ProjectError;
import codelab.session.SessionError;
import com.fasterxml.jackson.databind.JsonNode;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.http.javadsl.model.HttpEntity;
import org.apache.pekko.http.javadsl.model.HttpRequest;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.model.headers.TimeoutAccess;
import org.apache.pekko.http.javadsl.server.Directives;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import java.util.concurrent.TimeUnit;
import scala.Function1;
import scala.concurrent.duration.Duration;
import org.apache.pekko.pattern.StatusReply;
import org.junit.jupiter.api.Test;

/** An entity's refusal reaches REST as its kind says, whichever entity it comes from. */
class ErrorHandlingTest {

  @Test
  void theKindChoosesStatusAndCodeAndTheEntityTheMessage() throws Exception {
    assertAnswer(ErrorHandling.refused(ProjectError.NOT_FOUND), 404, "not_found", "project not found");
    assertAnswer(ErrorHandling.refused(SessionError.ARCHIVED), 409, "conflict", "session is archived");
    assertAnswer(ErrorHandling.refused(SessionError.EMPTY_TITLE), 400, "validation_error", "title is empty");
    assertAnswer(ErrorHandling.refused(AccountError.USERNAME_TAKEN, "username 'ada' is already taken"), 409, "conflict", "username 'ada' is already taken");
  }

  @Test
  void aRefusalOutsideTheVocabularyIsAnsweredOtherwiseAndAFailureStaysOne() throws Exception {
    assertAnswer(answer(new StatusReply.ErrorMessage("session not found")), 404, "not_found", "session not found");
    assertAnswer(answer(new StatusReply.ErrorMessage("something new")), 400, "validation_error", "something new");
    RuntimeException timeout = new RuntimeException("timeout");
    assertEquals(timeout, answer(timeout).handle((response, failure) -> failure).toCompletableFuture().join());
  }

  @Test
  void aRequestTheServerGivesUpOnIsAnsweredInTheContractsFormat() throws Exception {
    ActorSystem<Void> system = ActorSystem.create(Behaviors.empty(), "request-timeout");
    try {
      HandlerKeeper timeoutAccess = new HandlerKeeper();
      HttpRequest request = HttpRequest.GET("/").addHeader(TimeoutAccess.create(timeoutAccess));
      new ErrorHandling().wrap(Directives.complete("ok")).handler(system).apply(request).toCompletableFuture().get(10, TimeUnit.SECONDS);
      HttpResponse timedOut = timeoutAccess.handler.apply((org.apache.pekko.http.scaladsl.model.HttpRequest) request);
      assertAnswer(timedOut, 503, "unavailable", "the service did not answer in time; try again");
      assertEquals("no-store", timedOut.getHeader("Cache-Control").orElseThrow().value());
    } finally {
      system.terminate();
    }
  }

  /** What pekko-http's server gives a route to choose its answer to a request it gives up on. */
  private static final class HandlerKeeper implements org.apache.pekko.http.scaladsl.TimeoutAccess {
    Function1<org.apache.pekko.http.scaladsl.model.HttpRequest, org.apache.pekko.http.scaladsl.model.HttpResponse> handler;

    @Override
    public Duration timeout() {
      return Duration.Inf();
    }

    @Override
    public void updateTimeout(Duration timeout) {}

    @Override
    public void updateHandler(Function1<org.apache.pekko.http.scaladsl.model.HttpRequest, org.apache.pekko.http.scaladsl.model.HttpResponse> handler) {
      this.handler = handler;
    }

    @Override
    public void update(Duration timeout, Function1<org.apache.pekko.http.scaladsl.model.HttpRequest, org.apache.pekko.http.scaladsl.model.HttpResponse> handler) {
      this.handler = handler;
    }

    // the Java API's variants, which the directive does not call

    @Override
    public void updateTimeout(java.time.Duration timeout) {}

    @Override
    public void updateHandler(org.apache.pekko.japi.Function<HttpRequest, HttpResponse> handler) {}

    @Override
    public void update(Duration timeout, org.apache.pekko.japi.Function<HttpRequest, HttpResponse> handler) {}

    @Override
    public void update(java.time.Duration timeout, org.apache.pekko.japi.Function<HttpRequest, HttpResponse> handler) {}
  }

  private static CompletionStage<HttpResponse> answer(Throwable failure) {
    return ErrorHandling.onRefusal(failure, SessionError::ofMessage, ApiError::badRequest);
  }

  private static void assertAnswer(CompletionStage<HttpResponse> response, int status, String code, String message) throws Exception {
    assertAnswer(response.toCompletableFuture().join(), status, code, message);
  }

  private static void assertAnswer(HttpResponse response, int status, String code, String message) throws Exception {
    assertEquals(status, response.status().intValue());
    JsonNode body = WireJson.MAPPER.readTree(((HttpEntity.Strict) response.entity()).getData().utf8String());
    assertEquals(code, body.path("code").asText());
    assertEquals(message, body.path("message").asText());
  }
}
