package codelab;

import static org.junit.jupiter.api.Assertions.assertEquals;

import codelab.account.AccountError;
import codelab.account.RefreshTokenError;
import codelab.project.ProjectError;
import codelab.session.SessionError;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.apache.pekko.pattern.StatusReply;
import org.junit.jupiter.api.Test;

/** Every entity's refusals are found again from the message text they cross nodes as, by the lookup next to their enum. */
class EntityErrorTest {

  private record Vocabulary(List<? extends EntityError> errors, Function<String, Optional<? extends EntityError>> lookup) {}

  private static final List<Vocabulary> VOCABULARIES =
      List.of(
          new Vocabulary(List.of(SessionError.values()), SessionError::ofMessage),
          new Vocabulary(List.of(ProjectError.values()), ProjectError::ofMessage),
          new Vocabulary(List.of(AccountError.values()), AccountError::ofMessage),
          new Vocabulary(List.of(RefreshTokenError.values()), RefreshTokenError::ofMessage));

  @Test
  void everyErrorIsFoundAgainFromItsRefusalAndNothingElseIs() {
    for (Vocabulary vocabulary : VOCABULARIES) {
      for (EntityError error : vocabulary.errors()) {
        String crossed = error.<Object>reply().getError().getMessage();
        assertEquals(Optional.of(error), vocabulary.lookup().apply(crossed), error + " is found again from its reply");
      }
      assertEquals(Optional.empty(), vocabulary.lookup().apply("Ask timed out on [Actor] after [5000 ms]"));
      assertEquals(Optional.empty(), vocabulary.lookup().apply(null));
      long messages = vocabulary.errors().stream().map(EntityError::message).distinct().count();
      assertEquals(vocabulary.errors().size(), messages, "one message per error in " + vocabulary.errors());
    }
  }

  @Test
  void theMessagesClientsSeeStayWordForWord() {
    Map<EntityError, String> seen =
        Map.of(
            ProjectError.NOT_FOUND, "project not found",
            ProjectError.ALREADY_EXISTS, "project already exists",
            AccountError.NOT_FOUND, "not found",
            AccountError.USERNAME_TAKEN, "username is taken",
            RefreshTokenError.INVALID, "refresh token is invalid, expired or revoked");
    seen.forEach((error, message) -> assertEquals(message, error.message()));
    assertEquals(
        Map.of(
            ProjectError.NOT_FOUND, EntityError.Kind.NOT_FOUND,
            ProjectError.ALREADY_EXISTS, EntityError.Kind.CONFLICT,
            AccountError.NOT_FOUND, EntityError.Kind.NOT_FOUND,
            AccountError.USERNAME_TAKEN, EntityError.Kind.CONFLICT,
            RefreshTokenError.INVALID, EntityError.Kind.INVALID),
        seen.keySet().stream().collect(Collectors.toMap(Function.identity(), EntityError::kind)));
  }

  @Test
  void aRefusalIsToldApartByItsError() {
    Throwable refused = new StatusReply.ErrorMessage(ProjectError.NOT_FOUND.message());
    assertEquals(true, Refusal.is(refused, ProjectError.NOT_FOUND));
    assertEquals(false, Refusal.is(refused, ProjectError.ALREADY_EXISTS));
    assertEquals(false, Refusal.is(new java.util.concurrent.TimeoutException(), ProjectError.NOT_FOUND));
  }
}
