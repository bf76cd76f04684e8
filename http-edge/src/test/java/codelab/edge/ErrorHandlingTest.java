package codelab.edge;

import static org.junit.jupiter.api.Assertions.assertEquals;

import codelab.account.AccountError;
import codelab.project.ProjectError;
import codelab.session.SessionError;
import com.fasterxml.jackson.databind.JsonNode;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.http.javadsl.model.HttpEntity;
import org.apache.pekko.http.javadsl.model.HttpResponse;
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
