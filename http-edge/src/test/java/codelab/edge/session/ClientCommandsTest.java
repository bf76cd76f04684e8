package codelab.edge.session;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import codelab.edge.WireJson;
import codelab.project.ApprovalRuleMatch;
import codelab.session.Session;
import codelab.session.application.ApprovalDecisions;
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
  void aDecisionThatRemembersARuleIsReadForTheDecisionService() throws Exception {
    JsonNode message = json("{\"call_id\":\"c\",\"decision\":\"approve\",\"operation_id\":\"op\",\"remember\":{\"scope\":\"session\","
        + "\"ttl\":\"PT1H\",\"match\":{\"tool_name\":\"write_file\",\"path_prefix\":\" docs \"}}}");
    assertTrue(ClientCommands.remembers(message));
    var read = assertInstanceOf(ClientCommands.RememberedDecision.Valid.class, ClientCommands.rememberedDecision("u", "s", "c", message));
    assertEquals(new ApprovalDecisions.Request("u", "s", "c", "approve", null, "op",
        new ApprovalDecisions.Remember("session", "PT1H", new ApprovalRuleMatch("write_file", "docs", null))), read.request());
    assertFalse(ClientCommands.remembers(json("{\"call_id\":\"c\",\"decision\":\"approve\",\"remember\":null}")));
  }

  @Test
  void aRememberOfTheWrongShapeIsRefusedNeverReadAsAWiderRule() throws Exception {
    assertEquals("remember.match.path_prefix must be a string", rememberProblem("{\"scope\":\"session\",\"ttl\":\"PT1H\","
        + "\"match\":{\"tool_name\":\"write_file\",\"path_prefix\":[\"docs\"]}}"));
    assertTrue(rememberProblem("{\"scope\":\"session\",\"ttl\":\"PT1H\"}").startsWith("remember must be an object"));
    assertTrue(rememberProblem("\"always\"").startsWith("remember must be an object"));
    assertEquals("remember.ttl must be a string", rememberProblem("{\"scope\":\"session\",\"ttl\":3600,\"match\":{\"tool_name\":\"write_file\"}}"));
    var blank = assertInstanceOf(ClientCommands.RememberedDecision.Valid.class, ClientCommands.rememberedDecision("u", "s", "c",
        json("{\"decision\":\"approve\",\"remember\":{\"scope\":\"session\",\"ttl\":\"PT1H\",\"match\":{\"tool_name\":\"write_file\",\"path_prefix\":\" \"}}}")));
    assertEquals("", blank.request().remember().match().pathPrefix(), "blank stays blank, for the rule's checks to refuse, not absent");
    assertInstanceOf(ClientCommands.RememberedDecision.Invalid.class,
        ClientCommands.rememberedDecision("u", "s", null, json("{\"decision\":\"approve\",\"remember\":{}}")));
  }

  private static String rememberProblem(String remember) throws Exception {
    JsonNode message = json("{\"decision\":\"approve\",\"remember\":" + remember + "}");
    return assertInstanceOf(ClientCommands.RememberedDecision.Invalid.class, ClientCommands.rememberedDecision("u", "s", "c", message)).problem();
  }

  @Test
  void aCancelNeedsNothingButMayCarryAnOperationId() throws Exception {
    assertEquals(new Session.CancelTurn("u", null, null), command(ClientCommands.cancel("u", json("{}"))));
    assertEquals(new Session.CancelTurn("u", "op", null), command(ClientCommands.cancel("u", json("{\"operation_id\":\"op\"}"))));
    problem(ClientCommands.switchAgent("u", json("{}")));
  }
}
