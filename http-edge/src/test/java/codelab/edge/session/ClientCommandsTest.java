package codelab.edge.session;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;

import codelab.edge.WireJson;
import codelab.session.Session;
import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;

/** The one reading of a client's messages, for the WebSocket and REST alike. */
class ClientCommandsTest {

  private static JsonNode json(String text) throws Exception {
    return WireJson.MAPPER.readTree(text);
  }

  @SuppressWarnings("unchecked")
  private static <T> Session.Command command(ClientCommands.Parsed<T> parsed) {
    ClientCommands.Parsed.Valid<T> valid = assertInstanceOf(ClientCommands.Parsed.Valid.class, parsed);
    return valid.command().apply(null);
  }

  private static String problem(ClientCommands.Parsed<?> parsed) {
    return assertInstanceOf(ClientCommands.Parsed.Invalid.class, parsed).problem();
  }

  @Test
  void aUserMessageCarriesItsContentAgentAndOperationId() throws Exception {
    Session.PostUserMessage posted = (Session.PostUserMessage) command(ClientCommands.userMessage(
        "u", json("{\"content\":\"hi\",\"agent_type\":\"coder\",\"operation_id\":\"op\",\"mode\":\"direct\"}")));
    assertEquals(new Session.PostUserMessage("u", "hi", "coder", "op", null), posted);
  }

  @Test
  void aUserMessageNeedsNonEmptyTextContent() throws Exception {
    assertEquals("a user message needs a non-empty string 'content'", problem(ClientCommands.userMessage("u", json("{}"))));
    problem(ClientCommands.userMessage("u", json("{\"content\":\"  \"}")));
    problem(ClientCommands.userMessage("u", json("{\"content\":42}")));
  }

  @Test
  void aToolResultIsAResultObjectOrAnError() throws Exception {
    Session.RecordToolResult result = (Session.RecordToolResult) command(ClientCommands.toolResult(
        "u", json("{\"call_id\":\"c\",\"result\":{\"content\":\"x\"},\"operation_id\":\"op\"}")));
    assertEquals("{\"content\":\"x\"}", result.resultJson());
    assertEquals("op", result.operationId());
    Session.RecordToolResult failed = (Session.RecordToolResult) command(ClientCommands.toolResult("u", json("{\"call_id\":\"c\",\"error\":\"no\"}")));
    assertNull(failed.resultJson());
    assertEquals("no", failed.error());

    problem(ClientCommands.toolResult("u", json("{\"result\":{}}")));
    problem(ClientCommands.toolResult("u", json("{\"call_id\":\"c\",\"result\":\"text\"}")));
    problem(ClientCommands.toolResult("u", json("{\"call_id\":\"c\",\"result\":[1]}")));
  }

  @Test
  void aDecisionNeedsItsCallAndWord() throws Exception {
    Session.Decide decide = (Session.Decide) command(ClientCommands.decision(
        "u", json("{\"call_id\":\"c\",\"decision\":\"edit\",\"modified_arguments\":{\"path\":\"b\"},\"operation_id\":\"op\"}")));
    assertEquals(new Session.Decide("u", "c", "edit", "{\"path\":\"b\"}", null, "op", null), decide);
    problem(ClientCommands.decision("u", json("{\"call_id\":\"c\"}")));
  }

  @Test
  void aCancelNeedsNothingButMayCarryAnOperationId() throws Exception {
    assertEquals(new Session.CancelTurn("u", null, null), command(ClientCommands.cancel("u", json("{}"))));
    assertEquals(new Session.CancelTurn("u", "op", null), command(ClientCommands.cancel("u", json("{\"operation_id\":\"op\"}"))));
    problem(ClientCommands.switchAgent("u", json("{}")));
  }
}
