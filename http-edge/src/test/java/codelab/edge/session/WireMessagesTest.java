package codelab.edge.session;

import static org.junit.jupiter.api.Assertions.assertEquals;

import codelab.session.Session;
import codelab.session.SessionUpdate;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** The exact text of the server's WebSocket messages: what the CodeLab IDE and our own clients parse. */
class WireMessagesTest {

  @Test
  void persistedUpdatesAreWrittenWithTheirTypeFirstAndTheContractsKeys() {
    assertEquals("{\"type\":\"message_accepted\",\"seq\":2,\"role\":\"user\",\"content\":\"hi\",\"operation_id\":\"op-1\"}",
        text(new SessionUpdate.MessageAccepted(2, "op-1", "hi")));
    assertEquals("{\"type\":\"message_accepted\",\"seq\":2,\"role\":\"user\",\"content\":\"hi\"}",
        text(new SessionUpdate.MessageAccepted(2, null, "hi")));
    assertEquals("{\"type\":\"assistant_message\",\"seq\":4,\"turn_id\":\"t\",\"content\":\"Hi\",\"is_final\":true,"
            + "\"usage\":{\"prompt_tokens\":3,\"completion_tokens\":2,\"total_tokens\":5}}",
        text(new SessionUpdate.AssistantMessage(4, "t", "Hi", new Session.Usage(3, 2))));
    assertEquals("{\"type\":\"tool_call\",\"seq\":5,\"turn_id\":\"t\",\"call_id\":\"c\",\"tool_name\":\"read_file\","
            + "\"arguments\":{\"path\":\"a\"},\"requires_approval\":false,\"is_final\":true}",
        text(new SessionUpdate.ToolCallRequested(5, "t", "c", "read_file", "{\"path\":\"a\"}", false, false)));
    assertEquals("{\"type\":\"approval_required\",\"seq\":6,\"call_id\":\"c\",\"tool_name\":\"write_file\",\"arguments\":{},"
            + "\"reason\":\"why\",\"deadline\":\"2026-12-01T10:00:00Z\",\"resent\":true}",
        text(new SessionUpdate.ApprovalRequired(6, "c", "write_file", "{}", "why", Instant.parse("2026-12-01T10:00:00Z"), true)));
    assertEquals("{\"type\":\"approval_resolved\",\"seq\":7,\"call_id\":\"c\",\"decision\":\"reject\",\"feedback\":\"no\"}",
        text(new SessionUpdate.ApprovalResolved(7, "c", "reject", null, "no")));
    assertEquals("{\"type\":\"approval_resolved\",\"seq\":7,\"call_id\":\"c\",\"decision\":\"approve\",\"arguments\":{\"path\":\"docs/a.md\"},"
            + "\"rule_id\":\"r\"}",
        text(new SessionUpdate.ApprovalResolved(7, "c", "approve", "{\"path\":\"docs/a.md\"}", null, "r")));
    assertEquals("{\"type\":\"turn_failed\",\"seq\":8,\"turn_id\":\"t\",\"error\":\"boom\"}",
        text(new SessionUpdate.TurnFailed(8, "t", "boom")));
  }

  @Test
  void aDeltaNamesItsCountOnlyWhenItCarriesSeveral() {
    assertEquals("{\"type\":\"assistant_delta\",\"turn_id\":\"t\",\"index\":3,\"token\":\"Hi\"}",
        text(new SessionUpdate.AssistantDelta("t", 3, "Hi")));
    assertEquals("{\"type\":\"assistant_delta\",\"turn_id\":\"t\",\"index\":0,\"token\":\"Hi there\",\"count\":3}",
        text(new SessionUpdate.AssistantDelta("t", 0, "Hi there", 3)));
  }

  @Test
  void answersToTheClientKeepTheirShape() {
    assertEquals("{\"type\":\"error\",\"code\":\"conflict\",\"content\":\"x\",\"error\":\"x\"}", WireMessages.text(WireMessages.error("conflict", "x")));
    assertEquals("{\"type\":\"pong\"}", WireMessages.text(WireMessages.pong()));
    assertEquals("{\"type\":\"resync\",\"reason\":\"slow\"}", WireMessages.text(WireMessages.resync("slow")));
  }

  private static String text(SessionUpdate update) {
    return WireMessages.text(WireMessages.of(update));
  }
}
